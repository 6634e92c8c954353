"""The sweep result store: a Parquet dataset that loses nothing, never mixes runs and
verifies what it reads.

Layout of an output folder:

    manifest.json           what produced the store (plan, seed, chunking, versions)
    chunks/p000012-b0000.parquet    one file per finished chunk, written atomically

A chunk file appears only once complete (written under a temporary name, then
renamed), so an interrupted run leaves whole chunks or nothing; running the
same command again skips the chunks present. Each chunk carries, in its Parquet
metadata, the plan's fingerprint, its point, block, first replication, size and
seed, and a checksum of its rows; on resume every chunk is verified against the
plan (and the rows against the checksum), and one that fails (truncated,
garbage, another point's or another run's) is reported and recomputed. A folder
whose manifest belongs to a different plan is refused (see ``sim.run.outdir``).

The store deletes only what it made: a ``chunks/`` or ``manifest.json`` that is a
symbolic link, or a link inside ``chunks/``, is refused with one line naming it (a link
may lead to another sweep's chunks), and so is a ``chunks`` the folder held before the
store was created. The manifest lists what the sweep wrote (``written``: ``chunks``,
the manifest, and at the end its tables, charts and summary).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.run.chunks import Chunk, chunks, describe, fingerprint
from sim.run.outdir import OutputError, claim
from sim.run.provenance import package_versions
from sim.scenario.sweep import SweepPlan

MANIFEST = "manifest.json"
META_KEY = b"ceasefire.chunk"


class StoreWriteError(OSError):
    """A finished chunk could not be written (a full or read-only disk)."""


def rows_checksum(rows: pd.DataFrame) -> str:
    """A checksum of a chunk's rows as read back from Parquet (columns, dtypes, values)."""
    h = hashlib.sha256(json.dumps([list(map(str, rows.columns)),
                                   [str(t) for t in rows.dtypes]]).encode())
    h.update(pd.util.hash_pandas_object(rows, index=False).to_numpy().tobytes())
    return h.hexdigest()


class ResultStore:
    """Chunks of per-replication rows under ``folder/chunks``."""

    def __init__(self, folder: Path, plan: SweepPlan):
        self.folder, self.plan = Path(folder), plan
        self.chunk_dir = self.folder / "chunks"
        self.fingerprint = fingerprint(plan)
        self.by_key = {c.key: c for c in chunks(plan)}
        self.rejected: list[tuple[str, str]] = []   # (chunk key, why) found on open

    def open(self, claimed: bool = False) -> set[str]:
        """Create or reopen the store; return the keys of chunks already finished and
        verified (those failing verification are removed and listed in ``rejected``).
        ``claimed``: the caller has claimed the folder under its lock (``job.locked``)."""
        if not claimed:
            claim(self.folder, "sweep", self.fingerprint, force=False)   # never another's
        self._refuse_links()
        self.folder.mkdir(parents=True, exist_ok=True)
        if not (self.folder / MANIFEST).exists():   # first, so the folder is never anonymous
            if os.path.lexists(self.chunk_dir):
                raise OutputError(self.folder, f"{self.chunk_dir} is in the way: the folder "
                                  "holds it and no sweep stored it; move it and run again")
            self._write_manifest()
        self.chunk_dir.mkdir(exist_ok=True)
        self._refuse_links()
        for stale in self.chunk_dir.glob(".*.tmp"):
            stale.unlink()   # a chunk being written when the run was killed
        wanted = self.by_key
        done = set()
        for f in sorted(self.chunk_dir.glob("*.parquet")):
            chunk = wanted.get(f.stem)
            problem = "not a chunk of this sweep" if chunk is None else self.verify(f, chunk)
            if problem is None:
                done.add(f.stem)
            else:
                self.rejected.append((f.name, problem))
                if f.is_dir() and not f.is_symlink():
                    shutil.rmtree(f)
                else:
                    f.unlink()
        return done

    def _refuse_links(self) -> None:
        """A link where the store reads, writes or deletes is refused, naming it: the store
        never deletes through a link it did not make."""
        inside = sorted(self.chunk_dir.iterdir()) if self.chunk_dir.is_dir() and \
            not self.chunk_dir.is_symlink() else []
        for path in [self.folder / MANIFEST, self.chunk_dir, *inside]:
            if path.is_symlink():
                raise OutputError(self.folder, f"{path} is a symbolic link (to "
                                  f"{os.readlink(path)}); the store never writes or deletes "
                                  "through a link it did not make: replace it with the "
                                  "files themselves, or choose another --out")

    def verify(self, path: Path, chunk: Chunk) -> str | None:
        """Why the file at ``path`` is not ``chunk`` of this plan, or None if it is."""
        if not path.is_file():
            return "not a file"
        try:
            table = pq.read_table(path)
            meta = json.loads((table.schema.metadata or {}).get(META_KEY, b"null"))
            rows = table.to_pandas()
        except Exception as exc:   # noqa: BLE001 - any unreadable file is a failed chunk
            return f"unreadable ({type(exc).__name__})"
        if not isinstance(meta, dict):
            return "no chunk metadata"
        expected = self._meta(chunk)
        for name, value in expected.items():
            if meta.get(name) != value:
                return f"{name} is {meta.get(name)!r}, expected {value!r}"
        if len(rows) != chunk.size or "point" not in rows or "replication" not in rows:
            return f"{len(rows)} rows, expected {chunk.size}"
        if (rows["point"] != chunk.point).any() or \
                list(rows["replication"]) != list(range(chunk.first, chunk.first + chunk.size)):
            return "rows of another point or block"
        if meta.get("checksum") != rows_checksum(rows):
            return "checksum does not match its rows"
        return None

    def write(self, key: str, rows: pd.DataFrame) -> None:
        """Store one finished chunk atomically, with its identity and checksum."""
        chunk = self.by_key[key]
        # a text column with nothing in it (no replication of the chunk collapsed) is text
        # still, as in the chunks where something did, not Arrow's null type: else a chunk
        # computed alone differs in type from the same chunk computed in a batch
        empty = [c for c in rows.columns if rows[c].dtype == object and rows[c].isna().all()]
        rows = rows.astype({c: pd.StringDtype(na_value=np.nan) for c in empty})
        table = pa.Table.from_pandas(rows, preserve_index=False)
        buffer = pa.BufferOutputStream()
        pq.write_table(table, buffer)
        back = pq.read_table(pa.BufferReader(buffer.getvalue())).to_pandas()
        meta = self._meta(chunk) | {"checksum": rows_checksum(back)}
        table = table.replace_schema_metadata(
            (table.schema.metadata or {}) | {META_KEY: json.dumps(meta).encode()})
        tmp = self.chunk_dir / f".{key}.{os.getpid()}.tmp"
        try:
            pq.write_table(table, tmp)
            os.replace(tmp, self.chunk_dir / f"{key}.parquet")
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise StoreWriteError(exc.errno, f"cannot store chunk {key}: "
                                             f"{exc.strerror or exc}") from None

    def _meta(self, chunk: Chunk) -> dict:
        return {"fingerprint": self.fingerprint, "point": chunk.point, "block": chunk.block,
                "first": chunk.first, "size": chunk.size, "seed": str(chunk.seed)}

    def stored(self) -> int:
        return len(list(self.chunk_dir.glob("*.parquet")))

    def points(self, columns: list[str] | None = None) -> Iterator[tuple[int, pd.DataFrame]]:
        """Each point's stored rows, ordered by replication, one point in memory at a time."""
        by_point: dict[int, list[Path]] = {}
        for c in self.by_key.values():
            by_point.setdefault(c.point, []).append(self.chunk_dir / f"{c.key}.parquet")
        for point, files in sorted(by_point.items()):
            frame = pd.concat([pq.read_table(f, columns=columns).to_pandas() for f in files],
                              ignore_index=True)
            yield point, frame.sort_values("replication", kind="stable", ignore_index=True)

    def _write_manifest(self) -> None:
        body = {"kind": "sweep", "fingerprint": self.fingerprint,
                "sweep": describe(self.plan),
                "points": [dict(zip(self.plan.parameters, row, strict=True))
                           for row in self.plan.values],
                "chunks": [c.__dict__ | {"key": c.key} for c in self.by_key.values()],
                "base_scenario": self.plan.base.model_dump(mode="json"),
                "versions": package_versions(), "written": ["chunks", MANIFEST]}
        tmp = self.folder / f".{MANIFEST}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(body, indent=1), encoding="utf-8")
        os.replace(tmp, self.folder / MANIFEST)
