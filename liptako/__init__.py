"""Liptako: an agent-based simulation of alliance stability in the central Sahel.

>>> from liptako import LiptakoModel, run
>>> result = run("baseline", seed=1)
>>> result.summary["honour_rate"]
"""

from liptako.experiments import RunResult, run
from liptako.model import LiptakoModel

__all__ = ["LiptakoModel", "RunResult", "run"]
