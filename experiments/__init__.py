"""Running scenarios and experiments, writing results and plotting them (matplotlib lives here, not in
``liptako.model``)."""

from .runner import RunResult, run, write_results

__all__ = ["RunResult", "run", "write_results"]
