"""The baseline's emergent rates beside calibration.md's base rates: see liptako.experiments.calibration.

uv run python benchmarks/calibration.py [--runs 200] [--months 120]
"""

from liptako.experiments.calibration import main

if __name__ == "__main__":
    main()
