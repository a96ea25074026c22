"""Running scenarios and experiments, writing results and plotting them (matplotlib lives here, not in
``liptako.model``).

- ``liptako.experiments.runner``: :func:`run`, one run of a scenario as a :class:`RunResult`;
- ``liptako.experiments.batch``: :func:`replicate`, many replications at once as a :class:`Batch`;
- ``liptako.experiments.spec`` and ``.sweep``: experiment files, and sweeps streamed to a results folder;
- ``liptako.experiments.store``: a results folder's runs and monthly outcomes as pandas DataFrames.

This package imports nothing itself: import from its modules.
"""
