"""The lesson engine: a lesson read from its file, its arms run on :func:`liptako.replicate`, its figures
measured with 95% intervals, its claims checked and its paragraph "what the model says" rendered.

Every arm of a lesson runs the same replications (replication i uses the i-th seed spawned from the lesson's
seed: common random numbers, the runs of ``liptako run A B --reps N --seed S``), so a difference between two
figures is estimated from paired runs and its interval is much narrower than the two figures' intervals.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from string import Formatter
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

from liptako.model.outputs import COMPARISON_OUTCOMES

from .measures import Figure as Measure
from .measures import Sample

if TYPE_CHECKING:
    from liptako.model.scenario import Scenario

CONFIDENCE = 0.95
_Z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))
TEACHING_FOLDER = "docs/teaching/scenarios"  # where generate.py copies the teaching scenarios, from the repo root
COMMAND_COLUMNS = COMPARISON_OUTCOMES  # what `liptako run A B --reps N` prints, per scenario
RESERVED = ("reps", "months", "seed", "runs")  # names a paragraph may quote besides the figures
ATTRIBUTES = ("ci", "low", "high")  # {figure.ci}: the 95% interval; .low, .high: its ends
OPERATORS = {"<": "less than", "<=": "at most", ">": "more than", ">=": "at least", "within": "within"}


# --- the parts of a lesson --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Arm:
    """One setting a lesson compares: a scenario and the registry parameters it changes.

    ``scenario`` is a bundled scenario's name or the file name of a teaching scenario (``liptako/lessons/
    scenarios/``); ``overrides`` maps registry names to values (sliders in the classroom app, ``--set
    NAME=VALUE`` on the command line). ``short`` names the arm in figure labels.
    """

    key: str
    label: str
    scenario: str = "baseline"
    overrides: Mapping[str, float] = field(default_factory=dict)
    short: str = ""

    @property
    def teaching(self) -> bool:
        """Whether the scenario is one of the lessons' own files (not a bundled one)."""
        return self.scenario.endswith(".toml")

    @property
    def path(self) -> str:
        """The scenario as the command line takes it: a bundled name, or the teaching file's path."""
        return f"{TEACHING_FOLDER}/{self.scenario}" if self.teaching else self.scenario

    def source(self) -> str | Scenario:
        """What :func:`liptako.replicate` takes for this arm's scenario."""
        from .teaching import teaching_scenario

        return teaching_scenario(self.scenario) if self.teaching else self.scenario


@dataclass(frozen=True)
class Figure:
    """One figure of one arm: a label with its unit, a format spec (``".0%"``, ``".2f"``) and its measure."""

    label: str
    spec: str = ".2f"
    arm: str = ""
    measure: Measure | None = field(default=None, repr=False)

    def show(self, value: float) -> str:
        """The value as the lesson prints it."""
        return _show(value, self.spec)


@dataclass(frozen=True)
class Estimate:
    """A figure (or a difference of two) with its 95% interval."""

    value: float
    low: float
    high: float

    def __float__(self) -> float:
        return self.value

    def interval(self, spec: str) -> str:
        """The interval as printed: ``"27.5% to 28.7%"``."""
        return f"{_show(self.low, spec)} to {_show(self.high, spec)}"


@dataclass(frozen=True)
class Claim:
    """One comparison of a lesson's claim: ``a op b + margin`` (``within``: ``|a - b| <= margin``)."""

    a: str
    op: str
    b: str
    margin: float = 0.0

    def __str__(self) -> str:
        return self.describe()

    def describe(self, spec: str = "g") -> str:
        """The comparison in symbols, the margin printed with ``spec`` (the figures' format)."""
        if self.op == "within":
            return f"|{self.a} - {self.b}| <= {format(self.margin, spec)}"
        extra = f" {'+' if self.margin > 0 else '-'} {format(abs(self.margin), spec)}" if self.margin else ""
        return f"{self.a} {self.op} {self.b}{extra}"

    def holds(self, difference: float) -> bool:
        """Whether the difference a - b satisfies the comparison."""
        d, m = difference, self.margin
        if math.isnan(d):
            return False
        return {"<": d < m, "<=": d <= m, ">": d > m, ">=": d >= m, "within": abs(d) <= m}[self.op]

    def clear(self, low: float, high: float) -> bool:
        """Whether the whole 95% interval of a - b satisfies it (the claim holds beyond the noise)."""
        m = self.margin
        if math.isnan(low) or math.isnan(high):
            return False
        return {"<": high < m, "<=": high <= m, ">": low > m, ">=": low >= m, "within": -m <= low and high <= m}[
            self.op
        ]


@dataclass(frozen=True)
class ClaimResult:
    """A comparison checked on a lesson's runs: the difference a - b with its paired 95% interval."""

    claim: Claim
    difference: Estimate
    holds: bool
    clear: bool


# --- statistics -------------------------------------------------------------------------------------------------
def estimate(sample: Sample) -> tuple[Estimate, np.ndarray]:
    """The figure ``scale * sum(y) / sum(x)`` with its 95% interval, and its linearised values per replication
    (z_i = scale * (y_i - R x_i) / mean(x): the delta method; their mean is 0 and their spread gives the
    standard error). A share gets a Wilson interval instead of the normal one."""
    y, x, scale = sample.y, sample.x, sample.scale
    n, total = len(y), float(x.sum())
    if n == 0 or total <= 0:
        return Estimate(math.nan, math.nan, math.nan), np.zeros(n)
    ratio = float(y.sum()) / total
    z = scale * (y - ratio * x) / (total / n)
    value = scale * ratio
    if sample.binary:
        ci = stats.binomtest(round(float(y.sum())), round(total)).proportion_ci(CONFIDENCE, method="wilson")
        return Estimate(value, scale * float(ci.low), scale * float(ci.high)), z
    half = _Z * float(z.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    return Estimate(value, value - half, value + half), z


def difference(a: Estimate, za: np.ndarray, b: Estimate, zb: np.ndarray) -> Estimate:
    """a - b with the 95% interval of the paired difference (the same replications in both)."""
    value = a.value - b.value
    n = len(za)
    if n < 2 or math.isnan(value):
        return Estimate(value, math.nan, math.nan)
    half = _Z * float((za - zb).std(ddof=1)) / math.sqrt(n)
    return Estimate(value, value - half, value + half)


# --- results ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LessonResult:
    """A lesson's computed result: each figure with its 95% interval, each comparison of the claim with the
    paired interval of its difference, and per arm the mean of each of :data:`COMMAND_COLUMNS` over the runs
    (what the lesson's commands print)."""

    lesson: Lesson
    estimates: dict[str, Estimate]
    means: dict[str, dict[str, float]]
    claims: tuple[ClaimResult, ...]
    influence: dict[str, np.ndarray] = field(repr=False, compare=False)

    @property
    def figures(self) -> dict[str, float]:
        """The figures' values, by name."""
        return {name: e.value for name, e in self.estimates.items()}

    @property
    def intervals(self) -> dict[str, tuple[float, float]]:
        """The figures' 95% intervals, by name."""
        return {name: (e.low, e.high) for name, e in self.estimates.items()}

    @property
    def holds(self) -> bool:
        """Whether every comparison of the lesson's claim holds."""
        return all(c.holds for c in self.claims)

    @property
    def clear(self) -> bool:
        """Whether every comparison holds beyond the noise (its whole 95% interval on the claimed side)."""
        return all(c.clear for c in self.claims)

    def difference(self, a: str, b: str) -> Estimate:
        """Figure a minus figure b, with the paired 95% interval."""
        return difference(self.estimates[a], self.influence[a], self.estimates[b], self.influence[b])


# --- the lesson -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Lesson:
    """A classroom exercise read from its file: predict, run, compare with what the model says, discuss.

    ``watch`` says what to read in the classroom app's Many futures panel (the fan of a few hundred runs of
    the current settings) and ``year`` the year to choose there for the chance that the alliance holds.

    ``figures`` are the measured figures, one per declared figure and arm (``<name>_<arm key>``); ``claims``
    the comparisons the claim (``claim``, in words) makes; ``says`` the paragraph "what the model says", a
    template quoting figures (``{name}``, ``{name:.1%}``, ``{name.ci}``), differences of figures
    (``{a-b}``, paired) and ``{reps}``, ``{months}``, ``{seed}``. ``mechanism`` lists where the rules live:
    (file, function, what it does).
    """

    id: str
    number: int
    title: str
    question: str
    predict: str
    arms: tuple[Arm, ...]
    reps: int
    months: int
    figures: Mapping[str, Figure]
    claim: str
    claims: tuple[Claim, ...]
    says: str
    discuss: str
    mechanism: tuple[tuple[str, str, str], ...]
    command_lines: tuple[str, ...] = ()
    background: str = ""
    seed: int = 1
    source: str = ""  # the lesson file
    # the app arm: what to read in the classroom app's Many futures panel, and the year to choose there for the
    # chance that the alliance holds
    watch: str = ""
    year: int | None = None

    # --- running --------------------------------------------------------------------------------------------
    def seeds(self) -> list[int]:
        """The replication seeds: the same as ``liptako run ... --reps N --seed S``."""
        from liptako.model.seeds import replication_seeds

        return replication_seeds(self.seed, self.reps)

    def arm(self, key: str) -> Arm:
        return next(a for a in self.arms if a.key == key)

    def evaluate(self) -> LessonResult:
        """Run every arm (``reps`` replications at once each), measure the figures, check the claims."""
        from liptako.experiments.batch import replicate

        estimates: dict[str, Estimate] = {}
        influence: dict[str, np.ndarray] = {}
        means: dict[str, dict[str, float]] = {}
        for arm in self.arms:
            batch = replicate(arm.source(), self.reps, seed=self.seed, months=self.months,
                              overrides=dict(arm.overrides))  # fmt: skip
            for name, fig in self.figures.items():
                if fig.arm == arm.key:
                    estimates[name], influence[name] = estimate(fig.measure.sample(batch))
            summary = batch.summary
            means[arm.key] = {c: float(summary[c].astype(float).mean()) for c in COMMAND_COLUMNS}
            del batch
        ordered = {name: estimates[name] for name in self.figures}
        claims = []
        for c in self.claims:
            d = difference(estimates[c.a], influence[c.a], estimates[c.b], influence[c.b])
            claims.append(ClaimResult(c, d, c.holds(d.value), c.clear(d.low, d.high)))
        return LessonResult(self, ordered, means, tuple(claims), influence)

    def result(self) -> dict[str, float]:
        """Run the lesson and return its figures' values (the keys of :attr:`figures`)."""
        return self.evaluate().figures

    def holds(self, figures: LessonResult | Mapping[str, float | Estimate]) -> bool:
        """Whether every comparison of the claim holds for these figures."""
        values = _values(figures)
        return all(c.holds(values[c.a] - values[c.b]) for c in self.claims)

    def text(self, figures: LessonResult | Mapping[str, float | Estimate]) -> str:
        """The paragraph "what the model says", with the figures (and intervals, from a result) filled in."""
        return render(self.says, lambda name, attr, spec: self.quote(figures, name, attr, spec))

    def quote(self, figures, name: str, attr: str | None, spec: str) -> str:
        """One placeholder of the paragraph: a figure, a difference ``a-b``, or reps, months, seed, runs."""
        if name in RESERVED:
            number = {"reps": self.reps, "months": self.months, "seed": self.seed,
                      "runs": self.reps * len(self.arms)}[name]  # fmt: skip
            return format(number, spec or ",")
        if name in self.figures:
            e, default = _estimate(figures, name), self.figures[name].spec
        else:
            a, b = name.split("-")
            default = self.figures[a].spec
            if isinstance(figures, LessonResult):
                e = figures.difference(a, b)
            else:
                e = Estimate(_estimate(figures, a).value - _estimate(figures, b).value, math.nan, math.nan)
        spec = spec or default
        if attr == "ci":
            return e.interval(spec)
        return _show({"low": e.low, "high": e.high}.get(attr or "", e.value), spec)

    # --- showing --------------------------------------------------------------------------------------------
    def commands(self) -> list[str]:
        """The command lines that run the lesson's arms (from its file, checked against its arms)."""
        return list(self.command_lines)

    def suggested_commands(self) -> list[str]:
        """Command lines that run the arms (arms with the same parameters share one command)."""
        groups: dict[tuple, list[Arm]] = {}
        for arm in self.arms:
            groups.setdefault(tuple(sorted(arm.overrides.items())), []).append(arm)
        lines = []
        for overrides, arms in groups.items():
            parts = ["uv run liptako run", *(a.path for a in arms), f"--reps {self.reps}", f"--months {self.months}"]
            if self.seed != 1:
                parts.append(f"--seed {self.seed}")
            parts += [f"--set {name}={value:g}" for name, value in overrides]
            parts.append(f"--out results/lesson-{self.id}/{'-'.join(a.key for a in arms)}")
            lines.append(" ".join(parts))
        return lines

    def python_command(self) -> str:
        """The command that prints this lesson's figures and paragraph."""
        return f"uv run python -m liptako.lessons {self.id}"

    def table(self, figures: LessonResult | Mapping[str, float | Estimate]) -> list[tuple[str, str]]:
        """(label, value as printed) for every figure, in order."""
        return [(fig.label, fig.show(_estimate(figures, name).value)) for name, fig in self.figures.items()]

    def interval_table(self, result: LessonResult) -> list[tuple[str, str, str]]:
        """(label, value, 95% interval) for every figure, in order."""
        return [(fig.label, fig.show(result.estimates[name].value), result.estimates[name].interval(fig.spec))
                for name, fig in self.figures.items()]  # fmt: skip

    def claim_table(self, result: LessonResult) -> list[tuple[str, str, str]]:
        """(comparison, difference a - b with its 95% interval, verdict) for every comparison of the claim."""
        rows = []
        for c in result.claims:
            spec = self.figures[c.claim.a].spec
            d = c.difference
            verdict = "yes" if c.clear else "yes, within the noise" if c.holds else "no"
            rows.append((c.claim.describe(spec), f"{_show(d.value, spec)} ({d.interval(spec)})", verdict))
        return rows

    def parameters(self) -> list[str]:
        """Registry parameters any arm changes, in order of appearance."""
        return list(dict.fromkeys(name for arm in self.arms for name in arm.overrides))

    def report(self, result: LessonResult) -> str:
        """A plain-text account: question, figures with intervals, what the model says, the claim's checks."""
        rows = self.interval_table(result)
        width = max(len(label) for label, _, _ in rows)
        vwidth = max(len(value) for _, value, _ in rows)
        lines = [self.title, f"  {self.question}", ""]
        lines += [f"  {label:<{width}}  {value:>{vwidth}}  [{ci}]" for label, value, ci in rows]
        lines += ["", "  " + self.text(result), "", f"  Claim: {self.claim}"]
        for comparison, diff, verdict in self.claim_table(result):
            lines.append(f"    {comparison}: difference {diff}: {verdict}")
        verdict = "yes" if result.holds else "NO"
        lines.append(f"  Holds: {verdict} ({self.reps:,} replications per arm, {self.months} months; "
                     f"brackets: {CONFIDENCE:.0%} intervals)")  # fmt: skip
        return "\n".join(lines)


# --- formatting -------------------------------------------------------------------------------------------------
def _show(value: float, spec: str) -> str:
    return "n/a" if isinstance(value, float) and math.isnan(value) else format(value, spec)


def _values(figures) -> dict[str, float]:
    if isinstance(figures, LessonResult):
        return figures.figures
    return {k: float(v) for k, v in figures.items()}


def _estimate(figures, name: str) -> Estimate:
    if isinstance(figures, LessonResult):
        return figures.estimates[name]
    value = figures[name]
    return value if isinstance(value, Estimate) else Estimate(float(value), math.nan, math.nan)


def placeholders(template: str) -> list[tuple[str, str | None, str]]:
    """The placeholders of a paragraph template: (name, attribute or None, format spec).

    Raises ValueError with what is wrong (an unbalanced brace, an index, a conversion, a nested field).
    """
    out = []
    for _, name, spec, conversion in Formatter().parse(template):
        if name is None:
            continue
        if conversion:
            raise ValueError(f"{{{name}!{conversion}}}: no conversions (!r, !s) in a lesson's text")
        if "[" in name or "{" in (spec or ""):
            raise ValueError(f"{{{name}:{spec}}}: write {{figure}}, {{figure:.1%}} or {{figure.ci}}")
        base, _, attr = name.partition(".")
        out.append((base, attr or None, spec or ""))
    return out


def render(template: str, quote) -> str:
    """The template with each placeholder replaced by ``quote(name, attribute, spec)``."""
    parts = []
    for literal, name, spec, _ in Formatter().parse(template):
        parts.append(literal)
        if name is not None:
            base, _, attr = name.partition(".")
            parts.append(quote(base, attr or None, spec or ""))
    return "".join(parts)
