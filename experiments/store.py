"""The results store of an experiment: a folder that grows run by run, survives crashes, and loads into pandas.

Layout::

    DIR/manifest.json            the experiment, root seed, design, package version, fingerprint
    DIR/design.parquet           the design's points (point_id, varied parameters)
    DIR/runs/part-000001.parquet one row per finished run: ids, scenario, parameters, seed, every outcome
    DIR/series/part-000001.parquet  monthly outcomes of the same runs (run_id, month, date, ...)

Every file is written under a temporary name and renamed into place, so a folder only ever holds complete
files. A ``runs`` part is written after its ``series`` part: the runs parts say which runs are finished. A
killed sweep loses only the runs in flight; running it again skips what is done.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from liptako.model.errors import InputError

from .runner import package_version
from .spec import Experiment

MANIFEST = "manifest.json"


def _umask() -> int:
    """The process's umask, read without changing it where Linux allows (``os.umask`` sets it to read it,
    which would race with other threads creating files)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _readable(fd: int) -> None:
    """Give a temporary file (which ``mkstemp`` makes 0600) the mode of a file opened normally: 0666 less
    the umask (0644 under the usual 022), so that results folders are readable by others."""
    os.fchmod(fd, 0o666 & ~_umask())


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename (mode: 0666 less
    the umask)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        _readable(fd)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_json(path: Path, document) -> None:
    """Write ``document`` as indented, strict JSON (no NaN) through :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, (json.dumps(document, indent=2, allow_nan=False) + "\n").encode())


def atomic_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a DataFrame as Parquet through a temporary file and a rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    _readable(fd)
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Store:
    """An experiment's results folder (see the module docstring)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.runs_dir = self.root / "runs"
        self.series_dir = self.root / "series"

    # --- opening ------------------------------------------------------------------------------------------
    def check(self, experiment: Experiment, force: bool, where: str) -> str:
        """What opening the folder would do, without touching it: ``"new"``, ``"resume"`` or ``"replace"``.

        A folder holding a different experiment (or anything else) is refused unless ``force``.
        """
        manifest = self.root / MANIFEST
        if self.root.exists() and not self.root.is_dir():
            raise InputError(where, None, f"{self.root} exists and is not a folder")
        if manifest.exists():
            old = json.loads(manifest.read_text())
            if old.get("fingerprint") == experiment.fingerprint():
                return "resume"
            if not force:
                name = old.get("experiment", {}).get("name", "?")
                raise InputError(where, None, f"{self.root} holds a different experiment ({name}); use --force "
                                 "to replace it, or choose another --out")  # fmt: skip
            return "replace"
        if self.root.exists() and any(self.root.iterdir()):
            if not force:
                raise InputError(where, None, f"{self.root} is not empty and is not a Liptako results folder; "
                                 "use --force to replace its contents, or choose another --out")  # fmt: skip
            return "replace"
        return "new"

    def prepare(self, experiment: Experiment, design: pd.DataFrame, n_runs: int, force: bool, where: str) -> set[int]:
        """Create the folder, or reopen it to resume; returns the ids of runs already finished."""
        action = self.check(experiment, force, where)
        if action == "resume":
            return self._finished()
        if action == "replace":
            self._clear()
        self.root.mkdir(parents=True, exist_ok=True)
        self.runs_dir.mkdir(exist_ok=True)
        self.series_dir.mkdir(exist_ok=True)
        atomic_parquet(design, self.root / "design.parquet")
        doc = {
            "experiment": experiment.canonical(),
            "fingerprint": experiment.fingerprint(),
            "root_seed": experiment.seed,
            "design": experiment.design,
            "points": len(design),
            "runs": int(n_runs),
            "scenarios": [s.name for s in experiment.scenarios],
            "parameters": experiment.parameters,
            "liptako_version": package_version(),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        atomic_write_json(self.root / MANIFEST, doc)
        return set()

    def _clear(self) -> None:
        for child in self.root.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()

    def _finished(self) -> set[int]:
        """Ids of finished runs; orphan series parts (no runs part: killed in between) are removed."""
        self.runs_dir.mkdir(exist_ok=True)
        self.series_dir.mkdir(exist_ok=True)
        done: set[int] = set()
        parts = {p.name for p in self.runs_dir.glob("part-*.parquet")}
        for path in sorted(self.runs_dir.glob("part-*.parquet")):
            done.update(pq.read_table(path, columns=["run_id"]).column("run_id").to_pylist())
        for path in self.series_dir.glob("part-*.parquet"):
            if path.name not in parts:
                path.unlink()
        return done

    # --- writing ------------------------------------------------------------------------------------------
    def next_part(self) -> int:
        numbers = [int(p.stem.split("-")[1]) for p in self.runs_dir.glob("part-*.parquet")]
        numbers += [int(p.stem.split("-")[1]) for p in self.series_dir.glob("part-*.parquet")]
        return max(numbers, default=0) + 1

    def write_chunk(self, number: int, runs: pd.DataFrame, series: pd.DataFrame) -> None:
        """Store one finished chunk: its series first, then its runs (which mark it finished)."""
        name = f"part-{number:06d}.parquet"
        atomic_parquet(series, self.series_dir / name)
        atomic_parquet(runs, self.runs_dir / name)

    def manifest(self) -> dict:
        return json.loads((self.root / MANIFEST).read_text())


def _read_parts(folder: Path) -> pd.DataFrame:
    parts = sorted(folder.glob("part-*.parquet"))
    if not parts:
        return pd.DataFrame()
    return pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)


def load(root: str | Path) -> pd.DataFrame:
    """The finished runs of an experiment folder as a DataFrame, one row per run, sorted by ``run_id``."""
    root = Path(root)
    if not (root / MANIFEST).exists():
        raise InputError(str(root), None, "not a Liptako results folder (no manifest.json)")
    runs = _read_parts(root / "runs")
    return runs.sort_values("run_id", ignore_index=True) if len(runs) else runs


def load_series(root: str | Path) -> pd.DataFrame:
    """The monthly outcomes of the finished runs, one row per run and month, with each run's ``scenario``
    beside its ``run_id`` (so that a comparison's series can be told apart without a join)."""
    root = Path(root)
    series = _read_parts(root / "series")
    if not len(series):
        return series
    runs = load(root)[["run_id", "scenario"]]
    series = series.merge(runs, on="run_id", how="inner")
    series.insert(1, "scenario", series.pop("scenario"))
    return series.sort_values(["run_id", "month"], ignore_index=True)


def load_manifest(root: str | Path) -> dict:
    root = Path(root)
    if not (root / MANIFEST).exists():
        raise InputError(str(root), None, "not a Liptako results folder (no manifest.json)")
    return json.loads((root / MANIFEST).read_text())
