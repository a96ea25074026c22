"""The agents of Liptako, as Mesa agents: states, their regimes, external partners, armed groups and blocs.

They are the one-replication face of the array engine: each agent's attributes read and write the world's
arrays at its index (``agents/fields.py``); the rules that move them are functions in ``liptako.model``.
"""

from .armed_group import ArmedGroup
from .bloc import Bloc
from .partner import Partner
from .regime import Regime
from .state import State

__all__ = ["ArmedGroup", "Bloc", "Partner", "Regime", "State"]
