"""Switching a run's files into its output folder all at once or not at all, and removing
a run's files: only those its manifest lists (``written``), never anything else.

``switch(out, stage, old)`` moves every entry of ``stage`` (a folder on ``out``'s file
system: beside ``out``, or inside it when ``out`` is a mount point) into ``out``, and
the entries named in ``old`` (the files of the run ``out`` held) out of the way; any
other entry of ``out`` (a user's notes, a folder of their own, another sweep stored
inside) is left as it was. It writes a journal first (``out/.ceasefire-switch.json``:
the stage, the folder the old files are moved into, both lists), then renames one entry
at a time (each rename atomic, all on one file system), then removes the journal: that
removal is the commit. Any failure before it puts the old files back (``roll_back``);
a run killed in between leaves the journal, and the next run into the folder rolls it
back under the folder's lock (``recover``), so an interruption leaves either the old
set or the new one, never a mixture.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

#: Names of what this tool keeps inside an output folder while it works (never a result).
PREFIX = ".ceasefire-"
JOURNAL = f"{PREFIX}switch.json"
TRASH = f"{PREFIX}replaced-"


class SwitchError(OSError):
    """A switch failed; ``restored``: the folder holds its old files as they were
    (False: the rollback failed too, and the journal is left for the next run)."""

    def __init__(self, exc: OSError, restored: bool):
        super().__init__(exc.errno, exc.strerror or str(exc))
        self.restored = restored


def entries(folder: Path) -> list[str]:
    """The names in ``folder`` that are results (not the tool's temporary entries)."""
    return sorted(p.name for p in Path(folder).iterdir() if not p.name.startswith(PREFIX))


def in_the_way(out: Path, new: list[str], old: list[str]) -> list[str]:
    """The names of ``new`` that ``out`` holds and its run did not write (not in ``old``)."""
    return [n for n in new if n not in old and os.path.lexists(Path(out) / n)]


def switch(out: Path, stage: Path, old: list[str]) -> None:
    """Put every entry of ``stage`` into ``out``, the entries ``old`` (those ``out``
    holds of its run) out of the way and then deleted; all or nothing (``SwitchError``)."""
    out, stage = Path(out), Path(stage)
    new = entries(stage)
    old = [n for n in old if os.path.lexists(out / n)]
    trash = out / f"{TRASH}{os.getpid()}"
    journal = {"stage": str(stage), "trash": str(trash), "old": old, "new": new}
    try:
        trash.mkdir()
        _write_journal(out, journal)
    except OSError as exc:
        shutil.rmtree(trash, ignore_errors=True)
        raise SwitchError(exc, restored=True) from None
    try:
        for name in old:
            os.rename(out / name, trash / name)
        for name in new:
            os.rename(stage / name, out / name)
    except BaseException as exc:
        try:
            roll_back(out, journal)
        except OSError:
            if isinstance(exc, OSError):
                raise SwitchError(exc, restored=False) from None
            raise
        if isinstance(exc, OSError):
            raise SwitchError(exc, restored=True) from None
        raise
    os.unlink(out / JOURNAL)   # the commit: from here the new set is the folder's
    shutil.rmtree(trash, ignore_errors=True)


def remove(out: Path, old: list[str]) -> None:
    """Remove the entries ``old`` of ``out`` (a run's files), all or none; nothing else."""
    stage = Path(out) / f"{PREFIX}empty-{os.getpid()}"
    stage.mkdir()
    try:
        switch(out, stage, old)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def roll_back(out: Path, journal: dict) -> None:
    """Undo a switch that did not finish: the new entries it moved in go back to its
    stage (or are deleted if the stage is gone), the old ones return from the trash."""
    out, stage, trash = Path(out), Path(journal["stage"]), Path(journal["trash"])
    old = list(journal["old"])
    for name in reversed(journal["new"]):
        # out/name is a new entry if the old run had none of that name, or if the old one
        # is already in the trash; otherwise it is the old entry, not yet moved
        moved_in = os.path.lexists(out / name) and (
            name not in old or os.path.lexists(trash / name))
        if not moved_in:
            continue
        if stage.is_dir() and not os.path.lexists(stage / name):
            os.rename(out / name, stage / name)
        else:
            _delete(out / name)
    for name in reversed(old):
        if os.path.lexists(trash / name):
            os.rename(trash / name, out / name)
    os.unlink(out / JOURNAL)
    shutil.rmtree(trash, ignore_errors=True)


def recover(out: Path) -> bool:
    """Roll back a switch a killed run left half done (call under the folder's lock);
    whether there was one."""
    path = Path(out) / JOURNAL
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):   # a journal being written when killed: no rename yet
        path.unlink(missing_ok=True)
        return False
    roll_back(out, journal)
    return True


def leftovers(out: Path) -> None:
    """Remove what killed runs left inside ``out`` (stages, trash, journals' temporary
    files); only after ``recover``, under the folder's lock."""
    out = Path(out)
    if not out.is_dir() or os.path.lexists(out / JOURNAL):
        return
    for p in out.iterdir():
        if p.name.startswith(PREFIX):
            _delete(p)


def _write_journal(out: Path, journal: dict) -> None:
    tmp = out / f"{JOURNAL}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(journal, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, out / JOURNAL)
    fd = os.open(out, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _delete(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
