"""Classroom lessons: questions about alliance dynamics that students answer by predicting, then running.

Each :class:`Lesson` is data: a question, what students should predict (a prompt, not the answer), a setup
(two or more *arms*: a scenario plus registry parameters changed, the same as sliders in the classroom app or
``--set`` on the command line), the commands to run, and the claim the model supports. ``lesson.result()`` runs
every arm over the same seeds and returns named figures; ``lesson.holds(figures)`` checks the claim (a direction
of effect, checked across many more seeds than a lesson runs); ``lesson.text(figures)`` is the paragraph "what
the model says" with the figures quoted. ``lesson.evaluate()`` returns the figures together with each arm's
means of the outcomes the lesson's commands print (their expected output).

The seeds are those of ``liptako run A B --reps N --seed S`` (replication i uses the i-th seed spawned from S in
every arm: common random numbers), so the command in a lesson runs exactly the runs its figures come from.

>>> from liptako.lessons import LESSONS, lesson
>>> trap = lesson("coup-trap")
>>> figures = trap.result()            # a few seconds
>>> trap.holds(figures)
True

From the command line: ``uv run python -m liptako.lessons coup-trap`` prints the figures and the paragraph;
``docs/teaching/generate.py`` writes one Markdown page per lesson from the same data.
"""

from __future__ import annotations

import atexit
import math
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from liptako.experiments.designs import replication_seeds
from liptako.experiments.runner import RunResult, run
from liptako.model.outputs import COMPARISON_OUTCOMES
from liptako.model.parameters import BY_NAME
from liptako.model.scenario import Scenario, bundled_names, load

__all__ = ["LESSONS", "TEACHING_SCENARIOS", "Arm", "Figure", "Lesson", "LessonResult", "lesson", "teaching_scenario"]

FOUNDERS = ("MLI", "BFA", "NER")  # the AES's founding members
COASTAL = ("BEN", "CIV", "GHA", "TGO")  # the Gulf of Guinea states the Sahel's war reaches
TEACHING_FOLDER = "docs/teaching/scenarios"  # where generate.py writes TEACHING_SCENARIOS, from the repo root

# Scenario files the lessons need beyond the bundled ones: file name -> TOML text. docs/teaching/generate.py
# writes them to TEACHING_FOLDER (so the classroom app and `liptako run` can open them); lessons load them
# from this text, so a lesson never depends on where it runs.
TEACHING_SCENARIOS: dict[str, str] = {
    "ecowas-engages.toml": '''\
# Classroom what-if (docs/teaching, lesson "ECOWAS: sanction or engage?"): ECOWAS engages the juntas
# instead of sanctioning them. Only what differs from the baseline. Written by docs/teaching/generate.py
# from liptako/lessons.py: edit it there.

[scenario]
name = "ecowas-engages"
extends = "baseline"
title = "ECOWAS engages the juntas: no suspensions, sanctions or threats"
description = """
What if ECOWAS had answered the coups by talking rather than punishing? From the start it lifts its sanctions
on Niger, restores Mali, Burkina Faso, Niger and Guinea to good standing, withdraws its threat of
intervention, and does not sanction later coups. Everything else is the baseline. Compare it with the
baseline (suspensions, sanctions on Niger and the threat, as in 2023): watch how long the juntas stay in
ECOWAS, Niger's legitimacy, and the AES's membership."""

[blocs.ECOWAS]
sanctions_on_coup = false    # no suspension or sanctions after a coup
intervention_threat = 0.0    # no threat of military intervention
suspended = []               # the juntas are members in good standing again
sanctioned = []              # the sanctions on Niger are lifted
''',
    "burkina-countercoup-no-threat.toml": '''\
# Classroom what-if (docs/teaching, lesson "Balance of threat"): the Burkina Faso counter-coup, in a world
# where a shared threat does not bind allies. Written by docs/teaching/generate.py from liptako/lessons.py:
# edit it there.

[scenario]
name = "burkina-countercoup-no-threat"
extends = "burkina-countercoup"
title = "A pro-ECOWAS officer takes power in Ouagadougou; shared threats do not bind the allies"
description = """
The burkina-countercoup scenario with one change: commitment to a bloc no longer rises with the threat its
members share (insurgency at home, ECOWAS's threats against a fellow member). Compare with
burkina-countercoup to see what holds a Western-leaning junta in a sovereigntist alliance."""

[parameters]
commitment_threat = 0.0      # default 2.0: the balance-of-threat term of commitment switched off
''',
}


@cache
def _teaching_folder() -> Path:
    """A private folder holding the teaching scenarios' TOML text, written once per process."""
    folder = Path(tempfile.mkdtemp(prefix="liptako-lessons-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    for name, text in TEACHING_SCENARIOS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@cache
def teaching_scenario(filename: str) -> Scenario:
    """A teaching scenario (a key of :data:`TEACHING_SCENARIOS`), loaded and validated like any file."""
    return load(_teaching_folder() / filename)


@dataclass(frozen=True)
class Arm:
    """One setting a lesson compares: a scenario and the registry parameters it changes.

    ``scenario`` is a bundled scenario's name or a key of :data:`TEACHING_SCENARIOS`; ``overrides`` maps
    registry names to values (sliders in the classroom app, ``--set NAME=VALUE`` on the command line).
    """

    key: str  # short name used in figure names and output folders, e.g. "none"
    label: str  # words for tables, e.g. "no coup trap"
    scenario: str = "baseline"
    overrides: Mapping[str, float] = field(default_factory=dict)

    @property
    def teaching(self) -> bool:
        """Whether the scenario is one of the lessons' own files (not a bundled one)."""
        return self.scenario in TEACHING_SCENARIOS

    @property
    def path(self) -> str:
        """The scenario as the command line takes it: a bundled name, or the teaching file's path."""
        return f"{TEACHING_FOLDER}/{self.scenario}" if self.teaching else self.scenario

    def source(self) -> str | Scenario:
        """What :func:`liptako.run` takes for this arm's scenario."""
        return teaching_scenario(self.scenario) if self.teaching else self.scenario


@dataclass(frozen=True)
class Figure:
    """How to show one figure: a label with its unit, and a format spec (``".0%"``, ``".2f"``, ...)."""

    label: str
    spec: str = ".2f"

    def show(self, value: float) -> str:
        """The value as the lesson prints it."""
        return "n/a" if isinstance(value, float) and math.isnan(value) else format(value, self.spec)


Runs = dict[str, list[RunResult]]  # arm key -> one result per seed

# The per-run outcomes whose means `liptako run A B --reps N` prints, in its order (liptako/cli.py).
COMMAND_COLUMNS = COMPARISON_OUTCOMES  # what `liptako run A B --reps N` prints


@dataclass(frozen=True)
class LessonResult:
    """A lesson's computed result: its named figures, and per arm the mean of each of
    :data:`COMMAND_COLUMNS` over the runs (what the lesson's commands print)."""

    lesson: Lesson
    figures: dict[str, float]
    means: dict[str, dict[str, float]]

    @property
    def holds(self) -> bool:
        """Whether the lesson's claim holds for these figures."""
        return self.lesson.holds(self.figures)


@dataclass(frozen=True)
class Lesson:
    """A classroom exercise: predict, run, compare with what the model says, discuss.

    ``measure`` turns the runs of every arm into named figures; ``check`` is the claim as a function of them
    and ``claim`` the same in words; ``says`` a paragraph with ``{name}`` placeholders (format specs allowed)
    for the figures, ``{reps}``, ``{months}`` and ``{seed}``. ``mechanism`` lists where the rules live:
    (file, function or method, what it does).
    """

    id: str
    title: str
    question: str
    predict: str
    arms: tuple[Arm, ...]
    reps: int
    months: int
    measure: Callable[[Runs], dict[str, float]]
    figures: Mapping[str, Figure]
    claim: str
    check: Callable[[Mapping[str, float]], bool]
    says: str
    discuss: str
    mechanism: tuple[tuple[str, str, str], ...]
    background: str = ""
    seed: int = 1

    # --- running --------------------------------------------------------------------------------------------
    def seeds(self) -> list[int]:
        """The replication seeds: the same as ``liptako run ... --reps N --seed S``."""
        return replication_seeds(self.seed, self.reps)

    def runs(self) -> Runs:
        """Run every arm once per seed (sequentially, in this process)."""
        seeds = self.seeds()
        return {
            arm.key: [run(arm.source(), seed=s, months=self.months, overrides=dict(arm.overrides)) for s in seeds]
            for arm in self.arms
        }

    def evaluate(self) -> LessonResult:
        """Run the lesson: its named figures, and each arm's means of the outcomes ``liptako run`` prints."""
        runs = self.runs()
        values = self.measure(runs)
        missing = set(self.figures) ^ set(values)
        if missing:
            raise KeyError(f"lesson {self.id}: figures and measure disagree on {sorted(missing)}")
        figures = {name: float(values[name]) for name in self.figures}
        means = {key: {name: outcome(rs, name) for name in COMMAND_COLUMNS} for key, rs in runs.items()}
        return LessonResult(self, figures, means)

    def result(self) -> dict[str, float]:
        """Run the lesson and return its named figures (the keys of :attr:`figures`)."""
        return self.evaluate().figures

    def holds(self, figures: Mapping[str, float]) -> bool:
        """Whether the lesson's claim holds for these figures."""
        return bool(self.check(figures))

    def text(self, figures: Mapping[str, float]) -> str:
        """The paragraph "what the model says", with the figures filled in."""
        return self.says.format(**figures, reps=self.reps, months=self.months, seed=self.seed)

    # --- showing --------------------------------------------------------------------------------------------
    def commands(self) -> list[str]:
        """The command lines that run the lesson's arms (arms with the same parameters share one command)."""
        groups: dict[tuple, list[Arm]] = {}
        for arm in self.arms:
            groups.setdefault(tuple(sorted(arm.overrides.items())), []).append(arm)
        lines = []
        for overrides, arms in groups.items():
            parts = ["uv run liptako run", *(a.path for a in arms), f"--reps {self.reps}", f"--months {self.months}"]
            if self.seed != 1:
                parts.append(f"--seed {self.seed}")
            parts += [f"--set {name}={_number(value)}" for name, value in overrides]
            out = "-".join(a.key for a in arms)
            parts.append(f"--out results/lesson-{self.id}/{out}")
            lines.append(" ".join(parts))
        return lines

    def python_command(self) -> str:
        """The command that prints this lesson's figures and paragraph."""
        return f"uv run python -m liptako.lessons {self.id}"

    def table(self, figures: Mapping[str, float]) -> list[tuple[str, str]]:
        """(label, value as printed) for every figure, in order."""
        return [(fig.label, fig.show(figures[name])) for name, fig in self.figures.items()]

    def parameters(self) -> list[str]:
        """Registry parameters any arm changes, in order of appearance."""
        return list(dict.fromkeys(name for arm in self.arms for name in arm.overrides))

    def report(self, figures: Mapping[str, float]) -> str:
        """A plain-text account: question, figures, what the model says and whether the claim holds."""
        width = max(len(label) for label, _ in self.table(figures))
        lines = [f"{self.title}", f"  {self.question}", ""]
        lines += [f"  {label:<{width}}  {value}" for label, value in self.table(figures)]
        lines += ["", "  " + self.text(figures), "", f"  Claim: {self.claim}"]
        lines.append(f"  Holds: {'yes' if self.holds(figures) else 'NO'} ({self.reps} seeds, {self.months} months)")
        return "\n".join(lines)


def per_arm(name: str, label: str, spec: str, arms: Sequence[tuple[str, str]]) -> dict[str, Figure]:
    """One figure per arm: ``<name>_<arm key>``, labelled ``<label> (<arm in words>)``."""
    return {f"{name}_{key}": Figure(f"{label} ({words})", spec) for key, words in arms}


def _number(value: float) -> str:
    """A parameter value as typed on the command line: 0, 0.15, 24."""
    return f"{value:g}"


# --- measuring helpers --------------------------------------------------------------------------------------
def outcome(runs: Sequence[RunResult], name: str) -> float:
    """Mean of a per-run outcome (a key of the summary) over runs, ignoring runs where it is undefined."""
    values = np.array([r.summary[name] for r in runs], dtype=float)
    values = values[np.isfinite(values)]
    return float(values.mean()) if len(values) else math.nan


def series_mean(runs: Sequence[RunResult], columns: Sequence[str], start: int = 0, stop: int | None = None) -> float:
    """Mean over runs, months ``start:stop`` and the given monthly columns (e.g. ``"readiness.MLI"``)."""
    return float(np.mean([r.timeseries[list(columns)].iloc[start:stop].to_numpy().mean() for r in runs]))


def share(runs: Sequence[RunResult], test: Callable[[RunResult], bool]) -> float:
    """Share of runs for which ``test`` is true."""
    return float(np.mean([bool(test(r)) for r in runs]))


def per_state(variable: str, states: Sequence[str]) -> list[str]:
    """Monthly column names of a per-state variable, e.g. ``per_state("cohesion", ["MLI"])``."""
    return [f"{variable}.{iso}" for iso in states]


def attempts_in(r: RunResult, states: Sequence[str]) -> int:
    """Coup attempts in the given states over a run."""
    return sum(int(r.summary[f"coup_attempts.{iso}"]) for iso in states)


def share_abroad(r: RunResult, states: Sequence[str]) -> float:
    """Share of the given states' regular troops deployed abroad, averaged over the months of a run."""
    abroad = r.timeseries[per_state("troops_abroad", states)].sum(axis=1)
    home = r.timeseries[per_state("troops_home", states)].sum(axis=1)
    return float((abroad / (abroad + home)).mean())


def clustered_attempts(r: RunResult, window: int = 24) -> tuple[int, int]:
    """(attempts that came within ``window`` months of an earlier attempt in the same state, all attempts),
    read from the event log."""
    last: dict[str, int] = {}
    near = total = 0
    for e in r.events:
        if e.kind != "coup":
            continue
        if e.iso3 in last and e.month - last[e.iso3] <= window:
            near += 1
        last[e.iso3] = e.month
        total += 1
    return near, total


# --- the lessons ----------------------------------------------------------------------------------------------
def _measure_mutual_defence(runs: Runs) -> dict[str, float]:
    out = {}
    for key, rs in runs.items():
        out[f"bfa_territory_{key}"] = series_mean(rs, ["territory.BFA"])
        out[f"sender_cohesion_{key}"] = series_mean(rs, per_state("cohesion", ["MLI", "NER"]))
        out[f"sender_abroad_{key}"] = float(np.mean([share_abroad(r, ["MLI", "NER"]) for r in rs]))
        out[f"bfa_abroad_{key}"] = float(np.mean([share_abroad(r, ["BFA"]) for r in rs]))
        out[f"coups_{key}"] = float(np.mean([attempts_in(r, FOUNDERS) for r in rs]))
    return out


_MD_ARMS = (("paper", "on paper"), ("calibrated", "calibrated"), ("bite", "bites"))

MUTUAL_DEFENCE = Lesson(
    id="mutual-defence",
    title="What does the mutual-defence clause buy a weak army?",
    question=(
        "Article 6 of the Liptako-Gourma Charter says an attack on one member is an attack on all. When "
        "Burkina Faso, the member with the most territory contested, calls for help, what does it gain, and what "
        "does it cost the allies who send troops?"
    ),
    background=(
        'The seed article warns that "even small deployments of troops overseas place strain on the capacities '
        "of armies like Burkina Faso's, and cause dissidence within the ranks\". In the model an ally that "
        "honours a call sends a share of its troops at home (`deployment_share`) for six months, pays for them, "
        "and sends some money. The lesson compares a clause on paper (allies who say yes send money but no "
        "troops), the calibrated clause (5% of troops at home) and a clause that bites (15%)."
    ),
    predict=(
        "As allies send more troops, what happens to the territory contested in Burkina Faso? To the cohesion "
        "of the Malian and Nigerien armies that send them? To the number of coup attempts in the three founders? "
        "Write down a direction (up, down, no change) for each before you run."
    ),
    arms=(
        Arm("paper", "clause on paper (no troops sent)", overrides={"deployment_share": 0.0}),
        Arm("calibrated", "calibrated clause (5% of troops at home)"),
        Arm("bite", "a clause that bites (15% of troops at home)", overrides={"deployment_share": 0.15}),
    ),
    reps=24,
    months=60,
    measure=_measure_mutual_defence,
    figures={
        **per_arm("bfa_territory", "Burkina Faso: territory contested, mean", ".1%", _MD_ARMS),
        **per_arm("sender_abroad", "Mali and Niger: share of the army abroad, mean", ".2%", _MD_ARMS),
        **per_arm("bfa_abroad", "Burkina Faso: share of the army abroad, mean", ".2%", _MD_ARMS),
        **per_arm("sender_cohesion", "Mali and Niger: army cohesion, mean 0-1", ".3f", _MD_ARMS),
        **per_arm("coups", "Coup attempts in the three founders per run", ".2f", _MD_ARMS),
    },
    claim=(
        "Sending more troops (0 -> 15% of troops at home) lowers the territory contested in Burkina Faso, lowers "
        "the cohesion of the Malian and Nigerien armies that send them, and raises the number of coup attempts "
        "in the three founders; Burkina Faso keeps a smaller share of its army abroad than Mali and Niger."
    ),
    check=lambda f: (
        f["bfa_territory_bite"] < f["bfa_territory_paper"]
        and f["sender_cohesion_bite"] < f["sender_cohesion_calibrated"] < f["sender_cohesion_paper"]
        and f["coups_bite"] > f["coups_paper"]
        and f["bfa_abroad_bite"] < f["sender_abroad_bite"]
    ),
    says=(
        "Over {months} months and {reps} seeds, Burkina Faso's contested territory averages "
        "{bfa_territory_paper:.1%} when allies send no troops, {bfa_territory_calibrated:.1%} with the calibrated "
        "clause and {bfa_territory_bite:.1%} when they send 15% of their troops at home: allied soldiers add to "
        "its capacity for six months at a time and buy it a little ground. The bill falls on the senders: Mali "
        "and Niger keep on average {sender_abroad_calibrated:.2%} of their armies abroad with the calibrated "
        "clause and {sender_abroad_bite:.2%} when it bites; their cohesion falls from {sender_cohesion_paper:.3f} "
        "to {sender_cohesion_calibrated:.3f} and {sender_cohesion_bite:.3f}, and the three founders see "
        "{coups_paper:.2f}, {coups_calibrated:.2f} and {coups_bite:.2f} coup attempts per run. Burkina Faso, "
        "fighting on its own soil, keeps a smaller share of its army abroad ({bfa_abroad_calibrated:.2%} and "
        "{bfa_abroad_bite:.2%}): the weak army is the one that asks."
    ),
    discuss=(
        "Who gains from the clause and who pays for it? Is an alliance whose costs fall on its less threatened "
        "members stable? What would have to change (money from a partner, a common fund, shorter deployments) "
        "for Mali and Niger to help without risking their own juntas?"
    ),
    mechanism=(
        ("model/model.py", "call_for_help", "phase 4: a member under a major offensive invokes the clause"),
        (
            "model/defence.py",
            "honour_probability",
            "an ally honours with a probability rising with commitment and readiness, falling with its own insecurity",
        ),
        ("agents/state.py", "answer_call", "an honouring ally sends deployment_share of its troops at home"),
        ("model/insurgency.py", "capacity", "allied troops received add to the requester's capacity"),
        ("model/legitimacy.py", "cohesion_target", "troops abroad lower the sender's cohesion target"),
        ("model/coups.py", "coup_hazard", "troops abroad and low cohesion raise the coup hazard"),
    ),
)


def _measure_funding(runs: Runs) -> dict[str, float]:
    out = {}
    for key, rs in runs.items():
        out[f"founders_readiness_{key}"] = series_mean(rs, per_state("readiness", FOUNDERS))
        out[f"coastal_readiness_{key}"] = series_mean(rs, per_state("readiness", COASTAL))
        out[f"coups_{key}"] = float(np.mean([attempts_in(r, FOUNDERS) for r in rs]))
        out[f"honour_{key}"] = outcome(rs, "honour_rate")
    return out


_FUNDING_ARMS = (
    ("base", "all partners pay"),
    ("nowest", "no Western money"),
    ("nonwest", "no non-Western money"),
    ("nobody", "no partner at all"),
)

FUNDING = Lesson(
    id="funding-brand",
    title="Funding as a brand: what if no partner pays?",
    question=(
        'The seed article suggests the AES may be a "shell" or "brand" for attracting security funding from '
        'non-Western partners, and warns that "if the AES cannot attract external funding, its efforts to '
        'mutualize defence commitments may not be realizable". Whose money does the alliance run on, and what '
        "happens when it stops?"
    ),
    background=(
        "In the baseline France, the EU and the USA have suspended aid to Niger and do not fund Mali or Burkina "
        "Faso; Russia (with Wagner's personnel) and Türkiye do, and partners favour members of a bloc that shares "
        "their orientation (`brand_bonus`). Two arms cut the Western or the non-Western partners' budgets to zero "
        "(`western_budget_factor`, `nonwestern_budget_factor`; their personnel stay); the bundled scenario "
        "no-external-funding removes every partner's money and personnel."
    ),
    predict=(
        "Which cut hurts the three juntas' armies more, the Western or the non-Western one? Which hurts the "
        "coastal states (Benin, Côte d'Ivoire, Ghana, Togo) more? When no partner pays at all, what happens to "
        "coup attempts in the founders and to the share of calls for help that allies honour?"
    ),
    arms=(
        Arm("base", "all partners pay (baseline)"),
        Arm("nowest", "no Western money", overrides={"western_budget_factor": 0.0}),
        Arm("nonwest", "no non-Western money", overrides={"nonwestern_budget_factor": 0.0}),
        Arm("nobody", "no partner at all, money or personnel", "no-external-funding"),
    ),
    reps=20,
    months=120,
    measure=_measure_funding,
    figures={
        **per_arm("founders_readiness", "Founders' readiness, mean 0-1", ".3f", _FUNDING_ARMS),
        **per_arm("coastal_readiness", "Coastal states' readiness, mean 0-1", ".3f", _FUNDING_ARMS),
        **per_arm("coups", "Coup attempts in the three founders per run", ".2f", _FUNDING_ARMS),
        **per_arm("honour", "Share of answers to calls for help that honour them, all blocs", ".1%", _FUNDING_ARMS),
    },
    claim=(
        "Cutting non-Western money lowers the founders' readiness more than cutting Western money (which leaves "
        "it within 0.01) and raises the founders' coup attempts; cutting Western money lowers the coastal states' "
        "readiness more than cutting non-Western money. With no partner at all, the founders see more coup "
        "attempts and allies honour a smaller share of calls for help than in the baseline."
    ),
    check=lambda f: (
        f["founders_readiness_nonwest"] < f["founders_readiness_nowest"] <= f["founders_readiness_base"] + 0.01
        and f["coups_nonwest"] > f["coups_base"]
        and f["coastal_readiness_nowest"] < f["coastal_readiness_nonwest"]
        and f["coups_nobody"] > f["coups_base"]
        and f["honour_nobody"] < f["honour_base"]
    ),
    says=(
        "The AES runs on non-Western money. Over {months} months and {reps} seeds the founders' armies have "
        "{founders_readiness_base:.3f} of their upkeep covered when every partner pays, "
        "{founders_readiness_nowest:.3f} without Western money (which hardly reached them) and "
        "{founders_readiness_nonwest:.3f} without Russian and Turkish money. The coastal states show the mirror "
        "image: {coastal_readiness_base:.3f} with every partner, {coastal_readiness_nonwest:.3f} without "
        "non-Western money and {coastal_readiness_nowest:.3f} without Western money. Unpaid armies lose cohesion "
        "and turn on their leaders: the founders see {coups_base:.2f} coup attempts per run in the baseline, "
        "{coups_nonwest:.2f} without non-Western money and {coups_nobody:.2f} with no partner at all. Mutual "
        "defence frays too: with no partner, {honour_nobody:.1%} of answers to calls for help honour them, "
        "against {honour_base:.1%} in the baseline, because an army that cannot pay its soldiers at home, and "
        "loses ground there, does not send them abroad."
    ),
    discuss=(
        "Is the AES a 'brand' in the model? Look at who funds whom (the funding.* columns of timeseries.csv in a "
        "single run's folder). What does the no-external-funding arm add to the non-Western cut: whose personnel "
        "leave, and what did they do? What would a partner gain by paying the alliance's common fund rather than "
        "each state (see the bundled joint-force scenario)?"
    ),
    mechanism=(
        ("agents/partner.py", "allocate", "partners split their budgets by alignment, need and the bloc's brand"),
        ("model/funding.py", "allocation_weight", "the weight of one recipient, with the brand bonus"),
        ("model/funding.py", "readiness", "readiness = funds / upkeep of the forces at home"),
        ("agents/state.py", "update_readiness", "a month below unpaid_threshold counts as unpaid"),
        ("model/coups.py", "coup_hazard", "unpaid months raise the coup hazard"),
        ("model/defence.py", "honour_probability", "readiness and insecurity at home decide whether an ally goes"),
    ),
)


def _measure_coup_trap(runs: Runs) -> dict[str, float]:
    out = {}
    for key, rs in runs.items():
        out[f"rate_{key}"] = outcome(rs, "coup_attempt_rate")
        pairs = np.array([clustered_attempts(r) for r in rs])
        out[f"clustered_{key}"] = float(pairs[:, 0].sum() / max(1, pairs[:, 1].sum()))
        out[f"successes_{key}"] = outcome(rs, "coup_successes")
    return out


_TRAP_ARMS = (("none", "no trap, m = 1"), ("calibrated", "calibrated, m = 2"), ("deep", "deep trap, m = 4"))

COUP_TRAP = Lesson(
    id="coup-trap",
    title="The coup trap",
    question=(
        '"Coup attempts are frequent — there was one in Burkina Faso last week" (seed article). Political '
        "scientists speak of a coup trap: a coup makes the next one more likely. How much of the region's coup "
        "activity does the trap explain, and do coups come in clusters?"
    ),
    background=(
        "In the model the monthly hazard of an attempt is multiplied by trap(t) = 1 + (m - 1) exp(-t / 30) for t "
        "months since the last attempt; m = `coup_trap_multiplier` is 2 by default (an attempt in the past five "
        "years roughly doubles the risk: Londregan & Poole 1990). Every attempt, failed or not, also splits the "
        "ranks (`coup_attempt_shock`), and a successful one installs a new junta."
    ),
    predict=(
        "If there were no coup trap (m = 1), how many coup attempts per junta-year would the region see compared "
        "with the calibrated model (m = 2)? With a deep trap (m = 4)? Of all attempts, what share do you expect "
        "to come within two years of an earlier one in the same country, with and without the trap?"
    ),
    arms=(
        Arm("none", "no coup trap (m = 1)", overrides={"coup_trap_multiplier": 1.0}),
        Arm("calibrated", "calibrated trap (m = 2)"),
        Arm("deep", "deep trap (m = 4)", overrides={"coup_trap_multiplier": 4.0}),
    ),
    reps=16,
    months=120,
    measure=_measure_coup_trap,
    figures={
        **per_arm("rate", "Coup attempts per junta-year", ".3f", _TRAP_ARMS),
        **per_arm("clustered", "Attempts within 2 years of the last one in the same state", ".0%", _TRAP_ARMS),
        **per_arm("successes", "Successful coups in the region per run", ".2f", _TRAP_ARMS),
    },
    claim=(
        "The deeper the trap (m = 1, 2, 4), the more coup attempts per junta-year and the larger the share of "
        "attempts that come within two years of an earlier one in the same state."
    ),
    check=lambda f: (
        f["rate_none"] < f["rate_calibrated"] < f["rate_deep"]
        and f["clustered_none"] < f["clustered_calibrated"] < f["clustered_deep"]
    ),
    says=(
        "Over {months} months and {reps} seeds the region's juntas attempt {rate_none:.3f} coups per junta-year "
        "without a trap, {rate_calibrated:.3f} with the calibrated trap and {rate_deep:.3f} with a deep one. "
        "Coups cluster: {clustered_none:.0%} of attempts come within two years of an earlier attempt in the same "
        "state even without the trap (every attempt splits the ranks, and what made the first one likely is "
        "still there), "
        "{clustered_calibrated:.0%} with the calibrated trap and {clustered_deep:.0%} with a deep one. The "
        "region sees {successes_none:.2f}, {successes_calibrated:.2f} and {successes_deep:.2f} successful coups "
        "per run."
    ),
    discuss=(
        "Calibration.md asks for 0.15-0.35 attempts per junta-year: which setting of m fits? Why do coups cluster "
        "even with m = 1 (look at coup_attempt_shock, and at what a coup leaves unchanged)? What does a clustered "
        "coup record mean for an alliance whose decisions need the unanimity of its heads of state?"
    ),
    mechanism=(
        ("model/coups.py", "coup_trap", "trap(t) = 1 + (m - 1) exp(-t / tau)"),
        ("model/coups.py", "coup_hazard", "the monthly hazard of an attempt"),
        ("agents/junta.py", "update_coup_risk", "each junta recomputes its hazard every month"),
        ("agents/junta.py", "survive_attempt", "a failed attempt lowers cohesion and restarts the trap's clock"),
        ("model/model.py", "resolve_coups", "phase 7: attempts are drawn, then their success"),
    ),
)


def _ecowas_months(r: RunResult) -> float:
    return float(np.mean([r.timeseries[f"member.ECOWAS.{iso}"].sum() for iso in FOUNDERS]))


def _measure_ecowas(runs: Runs) -> dict[str, float]:
    out = {}
    for key, rs in runs.items():
        out[f"ecowas_months_{key}"] = float(np.mean([_ecowas_months(r) for r in rs]))
        out[f"ecowas_exits_{key}"] = outcome(rs, "ecowas_exits")
        out[f"niger_legitimacy_{key}"] = series_mean(rs, ["legitimacy.NER"], 0, 12)
        out[f"aes_members_{key}"] = outcome(rs, "members_end")
    return out


_ECOWAS_ARMS = (("sanction", "sanction and threaten"), ("engage", "engage"))

ECOWAS = Lesson(
    id="ecowas-sanction-or-engage",
    title="ECOWAS: sanction or engage?",
    question=(
        'ECOWAS answered the coup in Niger with "an uncharacteristically strong set of sanctions and threats of '
        'military intervention"; Mali, Burkina Faso and Niger answered with the AES, an anti-ECOWAS front. '
        "Would ECOWAS have kept the juntas in by engaging them instead?"
    ),
    background=(
        "The baseline starts as in September 2023: the three juntas and Guinea are suspended from ECOWAS, Niger "
        "is sanctioned and threatened with intervention, and any new coup in a member state brings suspension "
        "and sanctions. The teaching scenario ecowas-engages lifts all of this. A member whose commitment to a "
        "bloc stays below `exit_threshold` for `exit_patience` months gives notice (one year for ECOWAS)."
    ),
    predict=(
        "Under each policy, for how many of the first 60 months do you expect Mali, Burkina Faso and Niger to "
        "stay in ECOWAS? Does engagement weaken the AES (fewer members at the end)? What happens to Niger's "
        "legitimacy in the first year?"
    ),
    arms=(
        Arm("sanction", "sanction and threaten (baseline)"),
        Arm("engage", "engage (no suspensions, sanctions or threats)", scenario="ecowas-engages.toml"),
    ),
    reps=16,
    months=60,
    measure=_measure_ecowas,
    figures={
        **per_arm("ecowas_months", "Months a founder stays in ECOWAS, mean", ".1f", _ECOWAS_ARMS),
        **per_arm("ecowas_exits", "States leaving ECOWAS per run", ".2f", _ECOWAS_ARMS),
        **per_arm("niger_legitimacy", "Niger: legitimacy, first-year mean", ".3f", _ECOWAS_ARMS),
        **per_arm("aes_members", "AES members at the end", ".2f", _ECOWAS_ARMS),
    },
    claim=(
        "Engagement keeps the founders in ECOWAS at least six months longer on average, with fewer ECOWAS exits, "
        "and gives Niger's junta a higher first-year legitimacy than sanctions and threats; the AES ends with "
        "about as many members either way (within a quarter of a member on average)."
    ),
    check=lambda f: (
        f["ecowas_months_engage"] > f["ecowas_months_sanction"] + 6
        and f["ecowas_exits_engage"] < f["ecowas_exits_sanction"]
        and f["niger_legitimacy_engage"] > f["niger_legitimacy_sanction"]
        and abs(f["aes_members_engage"] - f["aes_members_sanction"]) <= 0.25
    ),
    says=(
        "Over {months} months and {reps} seeds, a founder stays in ECOWAS {ecowas_months_sanction:.1f} months "
        "on average under sanctions and threats, and {ecowas_months_engage:.1f} months when ECOWAS engages; "
        "{ecowas_exits_sanction:.2f} states leave ECOWAS per run against {ecowas_exits_engage:.2f}. Sanctions "
        "cost Niger's junta legitimacy (first-year mean {niger_legitimacy_sanction:.3f} against "
        "{niger_legitimacy_engage:.3f} without them). Engagement delays the break with ECOWAS but does not "
        "prevent it, and does not undo the AES ({aes_members_sanction:.2f} members at the end under sanctions, "
        "{aes_members_engage:.2f} under engagement): the juntas' orientation, not only ECOWAS's pressure, pulls "
        "them away."
    ),
    discuss=(
        "In most baseline runs the three juntas leave ECOWAS 15 or 16 months after the Charter, around January "
        "2025; in reality they announced their exit in January 2024 and it took effect in January 2025. Even "
        "when ECOWAS engages, Niger usually leaves as early: which terms of the commitment target push it out "
        "(weigh alignment against trade)? What would ECOWAS need to offer to keep it?"
    ),
    mechanism=(
        ("model/membership.py", "commitment_target", "sanctions, coercion, alignment and trade move commitment"),
        (
            "agents/junta.py",
            "update_commitment",
            "commitment relaxes toward its target; months below the threshold are counted",
        ),
        ("model/model.py", "update_membership", "phase 8: notice after exit_patience months below the threshold"),
        ("model/model.py", "coup", "a successful coup brings suspension and sanctions from ECOWAS"),
        ("model/legitimacy.py", "legitimacy_target", "sanctions lower the legitimacy target; the rally raises it"),
        ("model/funding.py", "domestic_revenue", "sanctions cut domestic revenue (less with AES corridors)"),
    ),
)


def _measure_spillover(runs: Runs) -> dict[str, float]:
    out = {}
    for key, rs in runs.items():
        out[f"coast_peak_{key}"] = outcome(rs, "peak_territory_coastal")
        out[f"niger_territory_{key}"] = series_mean(rs, ["territory.NER"])
        out[f"honour_{key}"] = outcome(rs, "honour_rate")
    return out


_SPILL_ARMS = (("sealed", "spillover 0"), ("calibrated", "spillover 0.02"), ("porous", "spillover 0.04"))

SPILLOVER = Lesson(
    id="coastal-spillover",
    title="Spillover to the coast",
    question=(
        '"With the spread of jihadist violence impacting coastal West African states such as Benin, Togo, and '
        "Ghana, the Sahel problem is no longer geographically limited to this region.\" How much of the coast's "
        "insecurity comes across the border, and what does spillover do to the allies' willingness to help "
        "each other?"
    ),
    background=(
        "Contested territory spills across borders at rate `spillover`, in proportion to each neighbour's "
        "contested share weighted by the armed groups' share of force there (less between members of a "
        "mutual-defence bloc fighting in a common space, Charter Art. 4). The lesson stops contested ground from "
        "spilling over (spillover 0), keeps the calibrated rate (0.02) and doubles it (0.04). In every arm the "
        "armed groups' fighters still move across borders (`fighter_spread`): only the ground spills or not."
    ),
    predict=(
        "What peak share of territory contested do you expect in the coastal states with no spillover, the "
        "calibrated rate and double the rate? Does spillover also flow into the AES (look at Niger, between "
        "Mali, Burkina Faso and Nigeria)? Will allies honour more or fewer calls for help when their own "
        "ground is at stake?"
    ),
    arms=(
        Arm("sealed", "no spillover of contested ground (0)", overrides={"spillover": 0.0}),
        Arm("calibrated", "calibrated spillover (0.02)"),
        Arm("porous", "double spillover (0.04)", overrides={"spillover": 0.04}),
    ),
    reps=16,
    months=120,
    measure=_measure_spillover,
    figures={
        **per_arm("coast_peak", "Coastal states: peak territory contested", ".1%", _SPILL_ARMS),
        **per_arm("niger_territory", "Niger: territory contested, mean", ".1%", _SPILL_ARMS),
        **per_arm("honour", "Share of answers to calls for help that honour them, all blocs", ".0%", _SPILL_ARMS),
    },
    claim=(
        "The faster contested ground spills across borders, the higher the coastal states' peak territory "
        "contested and Niger's mean territory contested, and the lower the share of calls for help that allies "
        "honour."
    ),
    check=lambda f: (
        f["coast_peak_sealed"] < f["coast_peak_calibrated"] < f["coast_peak_porous"]
        and f["niger_territory_sealed"] < f["niger_territory_calibrated"] < f["niger_territory_porous"]
        and f["honour_porous"] < f["honour_sealed"]
    ),
    says=(
        "Over {months} months and {reps} seeds the coastal states' contested territory peaks at "
        "{coast_peak_sealed:.1%} when contested ground does not spill over (the coast's own insurgencies, fed by "
        "fighters who cross the border), {coast_peak_calibrated:.1%} at the calibrated rate and "
        "{coast_peak_porous:.1%} at double the rate. Spillover runs into the AES too: Niger averages "
        "{niger_territory_sealed:.1%}, {niger_territory_calibrated:.1%} and {niger_territory_porous:.1%} "
        "contested. And allies with more ground to hold at home help less: {honour_sealed:.0%} of answers to "
        "calls for help honour them without spillover, {honour_porous:.0%} at double the rate."
    ),
    discuss=(
        "Why does spillover make allies less reliable (look at honour_home_threat)? Run the bundled "
        "coastal-spillover scenario, where the Accra Initiative gets a joint force: does it contain the spread? "
        "Would the coastal states have reason to join the AES, or to build their own alliance?"
    ),
    mechanism=(
        ("model/insurgency.py", "territory_change", "dT = g T (1 - T) x - r T (1 - x) + s (1 - T) spill"),
        ("model/model.py", "_spill", "neighbours' contested ground, less between allies in a common space"),
        ("agents/armed_group.py", "move_across_borders", "fighters move toward weaker neighbours"),
        ("model/defence.py", "honour_probability", "an ally's own territory contested lowers its honour chance"),
    ),
)


_AFTER = 12  # Russia leaves in 2024-09, month 12 of a run starting in 2023-09


def _measure_russia(runs: Runs) -> dict[str, float]:
    out = {}
    for key, rs in runs.items():
        out[f"mali_risk_{key}"] = series_mean(rs, ["coup_risk.MLI"], _AFTER)
        out[f"mali_cohesion_{key}"] = series_mean(rs, ["cohesion.MLI"], _AFTER)
        out[f"mali_readiness_{key}"] = series_mean(rs, ["readiness.MLI"], _AFTER)
        out[f"mali_successes_{key}"] = outcome(rs, "coup_successes.MLI")
    return out


_RUSSIA_ARMS = (("stays", "Russia stays"), ("leaves", "Russia leaves"))

RUSSIA = Lesson(
    id="russia-leaves",
    title="Who guards the junta? Russia leaves",
    question=(
        'Mali\'s junta has drawn on "the assistance of contractors from the Wagner Group". Wagner fights '
        "insurgents, but it also guards the regime. What happens to Mali's junta if Russia pulls out a year "
        "after the Charter?"
    ),
    background=(
        "In the bundled scenario russia-withdraws, Russia withdraws its personnel and money from every state in "
        "September 2024. Wagner's personnel add to Mali's capacity (`security_support`) and protect the regime "
        "(`protection_per_1000`, up to `protection_max`): protection lowers the coup hazard and the chance an "
        "attempt succeeds, and steadies the army's cohesion."
    ),
    predict=(
        "In the two years after Russia leaves, will Mali's monthly coup risk rise or fall, and by how much? "
        "What happens to its army's cohesion and readiness? How many successful coups do you expect in Mali by "
        "September 2026, with and without Russia?"
    ),
    arms=(Arm("stays", "Russia stays (baseline)"), Arm("leaves", "Russia leaves in 2024-09", "russia-withdraws")),
    reps=16,
    months=36,
    measure=_measure_russia,
    figures={
        **per_arm("mali_risk", "Mali: coup risk per month, 2024-09 to 2026-08", ".2%", _RUSSIA_ARMS),
        **per_arm("mali_cohesion", "Mali: army cohesion, 2024-09 to 2026-08", ".3f", _RUSSIA_ARMS),
        **per_arm("mali_readiness", "Mali: readiness, 2024-09 to 2026-08", ".3f", _RUSSIA_ARMS),
        **per_arm("mali_successes", "Mali: successful coups per run by 2026-08", ".2f", _RUSSIA_ARMS),
    },
    claim=(
        "After Russia leaves, Mali's monthly coup risk is higher, and its army's cohesion and readiness lower, "
        "than if Russia stays."
    ),
    check=lambda f: (
        f["mali_risk_leaves"] > f["mali_risk_stays"]
        and f["mali_cohesion_leaves"] < f["mali_cohesion_stays"]
        and f["mali_readiness_leaves"] < f["mali_readiness_stays"]
    ),
    says=(
        "Over {reps} seeds, in the two years from September 2024 Mali's coup risk averages "
        "{mali_risk_stays:.2%} a month if Russia stays and {mali_risk_leaves:.2%} if it leaves. Without Wagner's "
        "protection the army's cohesion slips ({mali_cohesion_stays:.3f} against {mali_cohesion_leaves:.3f}) and, "
        "without Russian money, so does its readiness ({mali_readiness_stays:.3f} against "
        "{mali_readiness_leaves:.3f}). By August 2026 Mali sees {mali_successes_stays:.2f} successful coups per run "
        "with Russia and {mali_successes_leaves:.2f} without: the patron's departure exposes the junta."
    ),
    discuss=(
        "Which matters more for Mali's junta, Russia's money or its guards? (Try the sliders: "
        "nonwestern_budget_factor = 0 keeps Wagner's personnel but stops the money.) In a longer run, Mali's "
        "legitimacy can end up higher without Russia: each new junta starts with a honeymoon. Is a coup-prone "
        "ally a good ally?"
    ),
    mechanism=(
        ("model/funding.py", "protection", "regime protection from a patron's personnel, up to protection_max"),
        ("agents/junta.py", "patron_protection", "only partners that guard regimes of the same orientation count"),
        ("model/coups.py", "coup_hazard", "protection scales the hazard down by (1 - protection)"),
        ("model/coups.py", "coup_success_probability", "protection makes an attempt less likely to succeed"),
        ("model/legitimacy.py", "cohesion_target", "protection raises the cohesion target"),
        ("model/model.py", "apply_event", "the scenario's partner_exit and funding_change events"),
    ),
)


def _bfa_member_at_end(r: RunResult) -> bool:
    return bool(r.timeseries["member.AES.BFA"].iloc[-1])


def _measure_threat(runs: Runs) -> dict[str, float]:
    out = {}
    for key, rs in runs.items():
        out[f"bfa_stays_{key}"] = share(rs, _bfa_member_at_end)
        out[f"any_exit_{key}"] = share(rs, lambda r: r.summary["first_exit_month"] >= 0)
        out[f"bfa_territory_{key}"] = series_mean(rs, ["territory.BFA"])
    return out


_THREAT_ARMS = (("threat", "shared threat binds"), ("nothreat", "shared threat does not bind"))

THREAT = Lesson(
    id="balance-of-threat",
    title="Balance of threat: does a pro-Western coup break the alliance?",
    question=(
        '"Much depends on the fate of the military leaders of the central Sahel." If a counter-coup in '
        "Ouagadougou installs a pro-ECOWAS, Western-leaning officer, does Burkina Faso leave the AES?"
    ),
    background=(
        "In the bundled scenario burkina-countercoup a coup in June 2024 installs a junta with alignment -0.6 "
        "(the AES leans +0.8). A member's commitment to a bloc moves toward a target that falls with the "
        "distance between its orientation and the bloc's, and rises with the threat it shares with its allies "
        "(`commitment_threat`: its own insurgency, and ECOWAS's threats against a fellow member), as in Walt's "
        "balance of threat. The teaching scenario burkina-countercoup-no-threat switches the threat term off."
    ),
    predict=(
        "In what share of runs do you expect Burkina Faso still to be an AES member five years after the "
        "Charter? And if shared threats did not bind allies? Note your guess for both before you run."
    ),
    arms=(
        Arm("threat", "the counter-coup, shared threat binds", "burkina-countercoup"),
        Arm("nothreat", "the counter-coup, threat term off", "burkina-countercoup-no-threat.toml"),
    ),
    reps=16,
    months=60,
    measure=_measure_threat,
    figures={
        **per_arm("bfa_stays", "Runs with Burkina Faso still in the AES at the end", ".0%", _THREAT_ARMS),
        **per_arm("any_exit", "Runs in which some member leaves the AES", ".0%", _THREAT_ARMS),
        **per_arm("bfa_territory", "Burkina Faso: territory contested, mean", ".1%", _THREAT_ARMS),
    },
    claim=(
        "Burkina Faso stays in the AES after a pro-Western coup in more runs when a shared threat binds allies "
        "than when it does not, by at least a third of the runs."
    ),
    check=lambda f: f["bfa_stays_threat"] >= f["bfa_stays_nothreat"] + 1 / 3,
    says=(
        "Over {months} months and {reps} seeds, Burkina Faso is still in the AES at the end in "
        "{bfa_stays_threat:.0%} of runs after the pro-Western coup; if shared threats did not bind allies, in "
        "{bfa_stays_nothreat:.0%}. With {bfa_territory_threat:.0%} of its territory contested, the new junta needs "
        "its neighbours more than it dislikes their politics: insecurity at home, not ideology, holds it in. "
        "Some member leaves the AES in {any_exit_threat:.0%} of runs with the threat term and "
        "{any_exit_nothreat:.0%} without."
    ),
    discuss=(
        "Walt argued that states ally against threats rather than against power. Does the model agree? What "
        "would make Burkina Faso's new junta leave after all (look at exit_threshold and the rally)? What does "
        "this say about the article's worry that the AES 'may be too dependent on the motivations of its heads "
        "of state'?"
    ),
    mechanism=(
        ("model/membership.py", "commitment_target", "alignment match pulls commitment down, threat pushes it up"),
        ("model/model.py", "_threat", "the threat a member shares: its own territory and threats to allies"),
        ("model/model.py", "_install_junta", "a new junta's commitment follows its alignment"),
        ("model/model.py", "give_notice", "notice, then exit after the bloc's notice period"),
    ),
)

LESSONS: tuple[Lesson, ...] = (MUTUAL_DEFENCE, FUNDING, COUP_TRAP, ECOWAS, SPILLOVER, RUSSIA, THREAT)


def lesson(lesson_id: str) -> Lesson:
    """The lesson with this id."""
    for item in LESSONS:
        if item.id == lesson_id:
            return item
    raise KeyError(f"no lesson {lesson_id!r}; lessons: {', '.join(x.id for x in LESSONS)}")


def check_lessons() -> list[str]:
    """Problems in the lessons' data: unknown scenarios or parameters, values out of range (empty if none)."""
    problems = []
    for item in LESSONS:
        for arm in item.arms:
            if not arm.teaching and arm.scenario not in bundled_names():
                problems.append(f"{item.id}: unknown scenario {arm.scenario!r}")
            for name, value in arm.overrides.items():
                spec = BY_NAME.get(name)
                if spec is None:
                    problems.append(f"{item.id}: unknown parameter {name!r}")
                elif not spec.low <= value <= spec.high:
                    problems.append(f"{item.id}: {name} = {value} outside [{spec.low}, {spec.high}]")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m liptako.lessons [ID ...]``: run lessons and print their figures (all lessons by default)."""
    ids = list(sys.argv[1:] if argv is None else argv)
    if any(i in ("-h", "--help") for i in ids):
        print("usage: python -m liptako.lessons [LESSON ...]\nlessons: " + ", ".join(x.id for x in LESSONS))
        return 0
    try:
        chosen = [lesson(i) for i in ids] if ids else list(LESSONS)
    except KeyError as err:
        print(err.args[0], file=sys.stderr)
        return 2
    for i, item in enumerate(chosen):
        if i:
            print()
        print(item.report(item.result()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
