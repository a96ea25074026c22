"""Importing this module loads the engine's compiled month (from the disk cache, or compiling it once).

The sweep's process pool preloads it in its fork server, so every worker forked from there starts with the
engine ready instead of loading it again; nothing else imports it.
"""

from __future__ import annotations

import numpy as np

from liptako.model.engine import simulate
from liptako.model.scenario import load

simulate(load("baseline"), np.array([0]), months=1, threads=1)
