"""Experiment files: a sweep of registry parameters over a scenario, validated like scenarios.

```toml
[experiment]
name = "coup-sensitivity"
scenario = "baseline"        # bundled name or path (relative to this file)
design = "sobol"             # grid | lhs | sobol | morris
samples = 256                # points (lhs), base size N (sobol), trajectories (morris); grid uses values
replications = 4
months = 120
seed = 1

[[vary]]
parameter = "coup_base_hazard"
low = 0.005
high = 0.03                  # or: values = [...] (grid, categorical); integer = true for whole numbers
```
"""

from __future__ import annotations

import difflib
import hashlib
import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from liptako.model.errors import InputError, key_path
from liptako.model.parameters import BY_NAME
from liptako.model.scenario import MAX_MONTHS, Scenario, bundled_names, load, read_toml

MAX_RUNS = 2_000_000  # a design past this is a typo, not a plan

DESIGNS = ("grid", "lhs", "sobol", "morris")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Header(_Strict):
    """The ``[experiment]`` table."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    scenario: str = "baseline"
    design: Literal["grid", "lhs", "sobol", "morris"]
    samples: Annotated[int, Field(ge=1, le=1_000_000)] = 64
    replications: Annotated[int, Field(ge=1, le=100_000)] = 1
    months: Annotated[int, Field(ge=1, le=MAX_MONTHS)] | None = None
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 1
    levels: Annotated[int, Field(ge=2, le=20)] = 4  # Morris grid levels
    description: str = ""


class Vary(_Strict):
    """One ``[[vary]]`` table: a registry parameter and its range or values."""

    parameter: str
    low: float | None = None
    high: float | None = None
    values: list[float] | None = None
    integer: bool = False


class ExperimentFile(_Strict):
    experiment: Header
    vary: list[Vary] = []


class Experiment(BaseModel):
    """A validated experiment: the file's content plus the scenario it runs, resolved and loaded."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    design: str
    samples: int
    replications: int
    months: int
    seed: int
    levels: int
    description: str
    vary: list[Vary]
    scenarios: list[Scenario]  # one for sweeps; several for ``liptako run A B --reps N``
    # ``liptako run --posterior FILE``: replication i's parameters drawn from a posterior (the same in every
    # scenario and at every point), and the file they came from (path, sha256, parameters, seed stream)
    draws: list[dict[str, float]] = []
    posterior: dict = {}

    @property
    def parameters(self) -> list[str]:
        return [v.parameter for v in self.vary]

    def fingerprint(self) -> str:
        """A hash of what defines the runs: two folders with the same fingerprint hold the same experiment."""
        data = {k: v for k, v in self.canonical().items() if k != "description"}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]

    def canonical(self) -> dict:
        data = {
            "name": self.name, "design": self.design, "samples": self.samples,
            "replications": self.replications, "months": self.months, "seed": self.seed, "levels": self.levels,
            "description": self.description, "vary": [v.model_dump(exclude_none=True) for v in self.vary],
            "scenarios": [s.model_dump(mode="json", by_alias=True) for s in self.scenarios],
        }  # fmt: skip
        if self.draws:  # only then: the fingerprints of experiments without a posterior stay as they were
            data["posterior"] = {**self.posterior, "draws": self.draws}
        return data


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file; errors name the file, the key path and what is allowed."""
    path = Path(path)
    shown = str(path)
    raw = read_toml(path, shown, what="an experiment", needs="an [experiment] table and [[vary]]")
    try:
        spec = ExperimentFile.model_validate(raw)
    except ValidationError as err:
        errors = err.errors()
        # a misspelt key is both unknown and, under its right name, missing: name the misspelling first
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = key_path(first["loc"])
        if first["type"] == "extra_forbidden":
            table = first["loc"][0]
            fields = Header.model_fields if table == "experiment" else Vary.model_fields
            if len(first["loc"]) == 1:
                fields = ExperimentFile.model_fields
            close = difflib.get_close_matches(str(first["loc"][-1]), list(fields), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise InputError(shown, loc, f"unknown key; {hint}valid keys: {', '.join(fields)}") from None
        msg = "required key is missing" if first["type"] == "missing" else first["msg"]
        raise InputError(
            shown, loc, f"{msg} (got {first.get('input')!r})" if first["type"] != "missing" else msg
        ) from None
    h = spec.experiment
    source = h.scenario
    if source not in bundled_names():
        candidate = (path.parent / source).resolve()
        if not candidate.is_file():
            raise InputError(shown, "experiment.scenario",
                             f"{source!r} is neither a bundled scenario ({', '.join(bundled_names())}) nor a file "
                             "next to this one")  # fmt: skip
        source = candidate
    scenario = load(source)
    experiment = Experiment(
        name=h.name, design=h.design, samples=h.samples, replications=h.replications,
        months=h.months or scenario.months, seed=h.seed, levels=h.levels, description=h.description,
        vary=spec.vary, scenarios=[scenario],
    )  # fmt: skip
    check_design(experiment, shown)
    return experiment


def replications_experiment(
    scenarios: list[Scenario], reps: int, seed: int, months: int | None, overrides: dict[str, float] | None = None,
    draws: list[dict[str, float]] | None = None, posterior: dict | None = None,
) -> Experiment:  # fmt: skip
    """The experiment behind ``liptako run A B --reps N``: each scenario N times, common random numbers. With
    ``draws`` (``run --posterior``), replication i also takes the parameters ``draws[i]`` in every scenario."""
    vary = [Vary(parameter=k, values=[float(v)]) for k, v in sorted((overrides or {}).items())]
    names = "-".join(s.name for s in scenarios)[:50]
    if draws is not None and len(draws) != reps:
        raise ValueError(f"{len(draws)} posterior draws for {reps} replications")
    return Experiment(
        name=f"{names}-x{reps}" + ("-posterior" if draws else ""), design="grid", samples=1, replications=reps,
        months=months or max(s.months for s in scenarios), seed=seed, levels=4, description="replications",
        vary=vary, scenarios=list(scenarios), draws=[dict(d) for d in draws or []], posterior=dict(posterior or {}),
    )  # fmt: skip


def check_design(e: Experiment, shown: str) -> None:
    """The checks pydantic cannot do: names, ranges, and whether the design fits the parameters."""
    if not e.vary:
        raise InputError(shown, "vary", "no [[vary]] table: name at least one registry parameter to vary")
    seen = set()
    for i, v in enumerate(e.vary):
        key = key_path(("vary", i))
        if v.parameter not in BY_NAME:
            close = difflib.get_close_matches(v.parameter, BY_NAME, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            # the registry's 150-odd names would bury the hint: point to the command that lists them
            raise InputError(shown, f"{key}.parameter", f"unknown parameter {v.parameter!r}{hint}; `liptako params` "
                             f"lists the {len(BY_NAME)} registry parameters")  # fmt: skip
        if v.parameter in seen:
            raise InputError(shown, f"{key}.parameter", f"{v.parameter!r} is varied twice")
        seen.add(v.parameter)
        spec = BY_NAME[v.parameter]
        has_range = v.low is not None or v.high is not None
        if v.values is not None and has_range:
            raise InputError(shown, key, "give either low and high, or values, not both")
        if v.values is None:
            if v.low is None or v.high is None:
                raise InputError(shown, key, "give low and high (a range), or values = [...]")
            if not v.low < v.high:
                raise InputError(shown, f"{key}.high", f"empty or inverted range: low = {v.low} must be below "
                                 f"high = {v.high}")  # fmt: skip
            bounds = [("low", v.low), ("high", v.high)]
        else:
            if not v.values:
                raise InputError(shown, f"{key}.values", "empty list of values")
            if len(set(v.values)) != len(v.values):
                raise InputError(shown, f"{key}.values", "values repeat")
            bounds = [(f"values[{j}]", x) for j, x in enumerate(v.values)]
        for field, x in bounds:
            if not spec.low <= x <= spec.high:
                raise InputError(shown, f"{key}.{field}", f"{x} is outside {v.parameter}'s valid range "
                                 f"[{spec.low:g}, {spec.high:g}]")  # fmt: skip
            if (v.integer or spec.integer) and x != int(x):
                raise InputError(shown, f"{key}.{field}", f"{v.parameter} takes whole numbers, not {x}")
    if e.design == "grid":
        missing = [v.parameter for v in e.vary if v.values is None]
        if missing:
            raise InputError(shown, "experiment.design", "a grid design needs values = [...] for every "
                             f"parameter; these have a range: {', '.join(missing)} (or use lhs)")  # fmt: skip
    if e.design in ("sobol", "morris") and len(e.vary) < 2:
        raise InputError(shown, "experiment.design", f"a {e.design} design needs at least two parameters to "
                         "compare; use grid or lhs for one")  # fmt: skip
    if e.design == "sobol" and e.samples & (e.samples - 1):
        raise InputError(shown, "experiment.samples", f"a sobol design needs a power of 2 (e.g. 64, 128, 256), "
                         f"not {e.samples}")  # fmt: skip
    if e.design == "morris" and e.samples < 2:
        raise InputError(shown, "experiment.samples", "a morris design needs at least 2 trajectories")
    from .designs import count_points

    runs = count_points(e) * e.replications * len(e.scenarios)
    if runs > MAX_RUNS:
        raise InputError(shown, "experiment.samples", f"{runs:,} runs is more than the {MAX_RUNS:,} allowed")
