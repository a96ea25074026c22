"""The agents of Liptako: states, their regimes (juntas), external partners, armed groups and blocs."""

from .armed_group import ArmedGroup
from .bloc import Bloc
from .junta import Junta
from .partner import Partner
from .state import State

__all__ = ["ArmedGroup", "Bloc", "Junta", "Partner", "State"]
