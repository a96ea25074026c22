"""Liptako: an agent-based simulation of alliance stability in the central Sahel.

>>> import liptako
>>> result = liptako.run("baseline", seed=1)          # one run
>>> result.summary["honour_rate"]
>>> batch = liptako.replicate("baseline", 1000)      # a thousand, at once
>>> batch.summary["dissolved"].mean()

The names below load on first use, so that ``liptako --help`` and ``liptako validate`` start at once.
"""

from __future__ import annotations

__all__ = ["Batch", "LiptakoModel", "RunResult", "replicate", "run"]


def __getattr__(name: str):
    if name in ("run", "RunResult"):
        from liptako.experiments import runner

        return getattr(runner, name)
    if name in ("replicate", "Batch"):
        from liptako.experiments import batch

        return getattr(batch, name)
    if name == "LiptakoModel":
        from liptako.model.model import LiptakoModel

        return LiptakoModel
    raise AttributeError(f"module 'liptako' has no attribute {name!r}")
