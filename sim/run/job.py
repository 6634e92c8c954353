"""The job layer: what every command, the API and the app share about a run.

- the defaults (``DEFAULT_REPLICATIONS``, ``DEFAULT_SEED``);
- where the behavioural constants come from: ``constants`` chooses, in one place, the
  posterior's draws, its median (``point``) or the hand-set defaults, and says so for the
  manifest and the summary (``Constants``);
- whether scenarios can be compared (``apart``: the same time and de facto window; those
  that differ in the conflict's facts run apart, paired by stream name: ``pairing``);
- a run's fingerprint, its output folder (``folder``: locked, claimed, staged; or
  ``locked`` for a sweep's store, resumed in place; ``written_into`` for files added to a
  finished folder), its manifest and its tables in CSV and Parquet.

What to say and draw is the presentation layer's (``sim.present``); the checks of work
and folders before a run are ``sim.run.limits`` and ``sim.run.outdir``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sim.run import switch
from sim.run.outdir import (MANIFEST, FolderLock, OutputError, Staging, claim,
                            clean_leftovers, old_files, read_manifest, record_written,
                            replace_run, resolve)
from sim.run.pairing import incomparable
from sim.run.posterior import SHIPPED, Posterior, load_posterior
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

#: Replications of a scenario unless told otherwise.
DEFAULT_REPLICATIONS = 2000
#: The root seed unless told otherwise: the day the Kerry–Lavrov truce began.
DEFAULT_SEED = 20160912

#: How the API and the app name the shipped posterior (``calibration/posterior.csv``).
SHIPPED_POSTERIOR = "shipped"


@dataclass(frozen=True)
class Constants:
    """Where a run's behavioural constants come from: a posterior sample (None: the values
    the scenario has, the hand-set defaults), taken draw by draw or, with ``point``, at its
    median; ``source`` is what the manifest says of it."""

    posterior: Posterior | None
    point: bool = False
    source: dict = field(default_factory=dict)

    @property
    def draws(self) -> Posterior | None:
        """The posterior whose draws the replications run under (None at its median, or
        without one)."""
        return None if self.point else self.posterior

    def apply(self, scenarios: list[Scenario]) -> list[Scenario]:
        """The scenarios as they run: at the posterior median of every constant they do not
        set themselves when ``point``; else as they are (the draws come in the run)."""
        if self.posterior is not None and self.point:
            return [self.posterior.at_median(s) for s in scenarios]
        return list(scenarios)

    def median(self) -> dict[str, float] | None:
        """The posterior median, where a sweep's points run; None without a posterior."""
        return self.posterior.median() if self.posterior is not None else None

    def manifest(self, replications: int) -> dict:
        """The manifest's ``constants``: the source, and the draws a run of ``replications``
        uses."""
        used = self.draws
        return self.source | ({"draws_used": used.used(replications)} if used is not None
                              else {})

    def words(self, replications: int) -> str:
        """Where the constants came from, in words (``summary.md``)."""
        if "posterior" not in self.source:
            return self.source["behaviour"]
        if self.draws is not None:
            return (f"a draw per replication of the posterior {self.source['posterior']} "
                    f"({self.draws.used(replications)} draws used)")
        return f"the median of the posterior {self.source['posterior']}"


def constants(posterior: str | Path | Posterior | None = SHIPPED_POSTERIOR,
              point: bool = False) -> Constants:
    """The one choice of a run's behavioural constants. ``posterior``: ``"shipped"`` (the
    calibration's sample, or the hand-set defaults where it is not there), a file, a
    ``Posterior``, or None (the hand-set defaults); ``point``: at its median instead of a
    draw per replication. A file that cannot be read is a ``ScenarioError``."""
    mode = "posterior median" if point else "a draw per replication"
    if posterior is None:
        return Constants(None, point, {"behaviour": "hand-set defaults"})
    if isinstance(posterior, Posterior):
        return Constants(posterior, point, {"behaviour": mode, "posterior": posterior.source})
    shipped = isinstance(posterior, str) and posterior == SHIPPED_POSTERIOR
    path = SHIPPED if shipped else Path(posterior)
    if shipped and not SHIPPED.exists():
        return Constants(None, point,
                         {"behaviour": "hand-set defaults (no calibration/posterior.csv)"})
    loaded = load_posterior(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return Constants(loaded, point, {"behaviour": mode, "posterior": str(path),
                                     "sha256": digest})


def apart(base: Scenario, others: list[Scenario]
          ) -> tuple[int, list[tuple[str, float, float]]] | None:
    """The index in ``others`` of the first that cannot be compared with ``base`` at all
    (its time or de facto window differ), with the differing fields (field, its value, the
    base's);
    None if all can. Those that differ in the conflict's facts run in models of their own,
    paired by stream name (``sim.run.pairing``)."""
    return incomparable(base, others)


def fingerprint(identity: list) -> str:
    """Eight hex digits naming a run by what decides its results (``identity``: plain data,
    e.g. the resolved scenario, seed, replications, the constants' source)."""
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:8]


def default_folder(name: str, fingerprint: str) -> Path:
    """Where a run writes unless told: ``output/<name>-<fingerprint>``."""
    return Path("output") / f"{name}-{fingerprint}"


@contextlib.contextmanager
def folder(out: Path, kind: str, fingerprint: str, force: bool) -> Iterator[Staging]:
    """The output folder, taken for one run: resolved (symlinks followed), locked (one
    writer at a time), a switch a killed run left half done rolled back, claimed (empty,
    this run's own, or another's with ``force``), cleared of what killed runs left, and a
    staging folder to write into (``.path``); ``commit()`` puts it in place, replacing the
    files the folder's run wrote and nothing else; anything else leaves the folder as it
    was."""
    out = resolve(out)
    with FolderLock(out):
        _recover(out)
        old = old_files(out, claim(out, kind, fingerprint, force))
        clean_leftovers(out)
        staging = Staging(out, old)
        with staging:
            yield staging


@contextlib.contextmanager
def locked(out: Path, kind: str, fingerprint: str, force: bool) -> Iterator[Path]:
    """The output folder of a run written in place (a sweep's store, resumed): resolved,
    locked, claimed, and, if it holds another run's results and ``force``, those files
    removed (nothing else); the resolved folder."""
    out = resolve(out)
    with FolderLock(out):
        _recover(out)
        claimed = claim(out, kind, fingerprint, force)
        if claimed == "replace":
            replace_run(out, old_files(out, claimed))
        clean_leftovers(out)
        yield out


def _recover(out: Path) -> None:
    try:
        if out.is_dir():
            switch.recover(out)
    except OSError as exc:
        raise OutputError(out, f"cannot put back the results a killed run was replacing "
                          f"({exc.strerror or exc}); see {switch.JOURNAL} in it") from None


@contextlib.contextmanager
def written_into(out: Path, tag: str) -> Iterator[Path]:
    """A folder inside ``out`` to write files into (on its file system); at the end they
    are switched in all at once (``sim.run.switch``), replacing the files of the same
    name the folder's run wrote, and the manifest's ``written`` lists them. A name the
    folder holds that its run did not write is in the way: refused, nothing changed.
    The folder is removed whatever happens; call under the folder's lock."""
    _recover(out)   # a switch a killed run left half done (the caller holds the lock)
    stage = out / f"{switch.PREFIX}{tag}-{os.getpid()}"
    try:
        stage.mkdir()
        yield stage
        manifest = read_manifest(out)
        old = manifest.get("written") if manifest is not None else None
        new = switch.entries(stage)
        if isinstance(old, list):
            blocked = switch.in_the_way(out, new, old)
            if blocked:
                raise OutputError(out, f"{blocked[0]} is in the way: the folder holds it and "
                                  "its run did not write it, and this run writes a file of "
                                  "that name; move it and run the same command again")
            if MANIFEST not in new:
                shutil.copy(out / MANIFEST, stage / MANIFEST)
            record_written(stage, also=old)
            new = switch.entries(stage)
            replaced = [n for n in new if n in old]
        else:   # a folder of an earlier version: its files of these names, as before
            replaced = [n for n in new if os.path.lexists(out / n)]
        switch.switch(out, stage, replaced)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def write_manifest(out: Path, manifest: dict) -> Path:
    """``manifest.json``: what the run was (its kind, files, seed, replications, versions,
    resolved scenarios, constants), which later runs read to claim the folder."""
    path = out / MANIFEST
    path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return path


def write_tables(frames: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """Each table (by name) as CSV and Parquet."""
    written = []
    for name, frame_ in frames.items():
        for suffix in ("csv", "parquet"):
            path = out / f"{name}.{suffix}"
            if suffix == "csv":
                frame_.to_csv(path, index=False)
            else:
                frame_.to_parquet(path, index=False)
            written.append(path)
    return written
