"""Running scenarios and experiments, writing results and plotting them (matplotlib lives here, not in
``liptako.model``).

- :func:`run`: one run of a scenario, as a :class:`RunResult` (the entry point for notebooks);
- :func:`load_experiment` and :func:`execute`: sweeps and replications, streamed to a results folder;
- :func:`load` and :func:`load_series`: a results folder's runs and monthly outcomes as pandas DataFrames.
"""

from .runner import RunResult, run, write_results
from .spec import load_experiment
from .store import load, load_series
from .sweep import execute

__all__ = ["RunResult", "execute", "load", "load_experiment", "load_series", "run", "write_results"]
