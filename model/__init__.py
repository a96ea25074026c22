"""The Liptako model: scenario loading, the parameter registry, the rules and the monthly schedule."""

from .errors import InputError
from .model import LiptakoModel
from .parameters import REGISTRY, Parameters
from .scenario import Scenario, bundled_names, load

__all__ = ["REGISTRY", "InputError", "LiptakoModel", "Parameters", "Scenario", "bundled_names", "load"]
