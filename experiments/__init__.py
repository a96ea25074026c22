"""Running scenarios and experiments, writing results and plotting them (matplotlib lives here, not in
``liptako.model``).

- :func:`run`: one run of a scenario, as a :class:`RunResult` (``runner.py``);
- :func:`replicate`: many replications at once, as a :class:`Batch` (``batch.py``);
- :func:`load_experiment` and :func:`execute`: sweeps and replications, streamed to a results folder;
- :func:`load` and :func:`load_series`: a results folder's runs and monthly outcomes as pandas DataFrames.

The names load on first use (PEP 562), so that importing one module of the package does not import them all.
"""

from __future__ import annotations

_HOME = {
    "RunResult": "runner", "run": "runner", "write_results": "runner",
    "Batch": "batch", "replicate": "batch",
    "load_experiment": "spec", "execute": "sweep", "load": "store", "load_series": "store",
}  # fmt: skip
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name in _HOME:
        from importlib import import_module

        return getattr(import_module(f"liptako.experiments.{_HOME[name]}"), name)
    raise AttributeError(f"module 'liptako.experiments' has no attribute {name!r}")
