"""The sweep result store: a Parquet dataset that loses nothing and never mixes runs.

Layout of an output folder:

    manifest.json           what produced the store (plan, seed, chunking, versions)
    chunks/p000012-b0000.parquet    one file per finished chunk, written atomically

A chunk file appears only once complete (written under a temporary name, then
renamed), so an interrupted run leaves whole chunks or nothing; running the
same command again skips the chunks present. A folder whose manifest belongs
to a different plan is refused.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.scenario.loading import ScenarioError
from sim.run.provenance import package_versions
from sim.scenario.sweep import SweepPlan

MANIFEST = "manifest.json"


class ResultStore:
    """Chunks of per-replication rows under ``folder/chunks``."""

    def __init__(self, folder: Path, plan: SweepPlan):
        self.folder, self.plan = Path(folder), plan
        self.chunk_dir = self.folder / "chunks"

    def open(self) -> set[str]:
        """Create or reopen the store; return the keys of chunks already finished."""
        manifest = self.folder / MANIFEST
        fingerprint = self.plan.fingerprint()
        if manifest.exists():
            try:
                found = json.loads(manifest.read_text(encoding="utf-8")).get("fingerprint")
            except (OSError, ValueError):
                found = None
            if found != fingerprint:
                raise ScenarioError(self.folder, "--out", (
                    "this folder holds results of a different sweep, scenario or seed "
                    f"(fingerprint {found}, this run {fingerprint}); choose another --out or "
                    "remove the folder"))
        elif self.folder.exists() and any(self.folder.iterdir()):
            raise ScenarioError(self.folder, "--out", "the folder is not empty and holds no "
                                                      "sweep manifest; choose another --out")
        self.chunk_dir.mkdir(parents=True, exist_ok=True)
        if not manifest.exists():
            self._write_manifest(fingerprint)
        for stale in self.chunk_dir.glob(".*.tmp"):
            stale.unlink()   # a chunk being written when the run was killed
        return {p.stem for p in self.chunk_dir.glob("*.parquet")}

    def write(self, key: str, rows: pd.DataFrame) -> None:
        """Store one finished chunk atomically."""
        tmp = self.chunk_dir / f".{key}.tmp"
        pq.write_table(pa.Table.from_pandas(rows, preserve_index=False), tmp)
        os.replace(tmp, self.chunk_dir / f"{key}.parquet")

    def points(self, columns: list[str] | None = None) -> Iterator[tuple[int, pd.DataFrame]]:
        """Each point's stored rows, ordered by replication, one point in memory at a time."""
        by_point: dict[int, list[Path]] = {}
        for f in sorted(self.chunk_dir.glob("*.parquet")):
            by_point.setdefault(int(f.stem[1:7]), []).append(f)
        for point, files in sorted(by_point.items()):
            frame = pd.concat([pq.read_table(f, columns=columns).to_pandas() for f in files],
                              ignore_index=True)
            yield point, frame.sort_values("replication", kind="stable", ignore_index=True)

    def _write_manifest(self, fingerprint: str) -> None:
        body = {"fingerprint": fingerprint, "sweep": self.plan.describe(),
                "points": [dict(zip(self.plan.parameters, row, strict=True))
                           for row in self.plan.values],
                "chunks": [c.__dict__ | {"key": c.key} for c in self.plan.chunks],
                "base_scenario": self.plan.base.model_dump(mode="json"),
                "versions": package_versions()}
        tmp = self.folder / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(body, indent=1), encoding="utf-8")
        os.replace(tmp, self.folder / MANIFEST)

