"""Output folders: checked before any work, one writer at a time, never clobbered.

- ``prepare(out)`` refuses, with one line, a folder that cannot be written: a file,
  a path under a file, a read-only or unwritable place (it creates and removes a
  probe file, so a read-only mount is found even by root).
- ``FolderLock(out)`` is an exclusive ``flock`` on ``.<name>.lock`` beside the
  folder. The kernel drops it when its holder dies, so a lock left by a killed run
  is stale by construction and taken over; a second live run into the same
  folder is refused with the holder's process id.
- ``claim(out, kind, fingerprint, force)`` decides whether the folder may be used:
  absent or empty, or holding this same run (a rerun, or a sweep to resume); a
  folder holding another run's results is refused unless ``force``; a non-empty
  folder that holds no run is refused even then (``--force`` never deletes a
  folder it did not write).
- ``Staging(out)`` is a temporary folder beside ``out`` that the main job writes
  into; ``commit`` moves it into place (replacing the same run's earlier results),
  so a failure leaves no half-written run.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
from pathlib import Path

from sim.scenario.loading import ScenarioError

MANIFEST = "manifest.json"


class OutputError(ScenarioError):
    """The output folder cannot be used (one line, exit 2)."""

    def __init__(self, out: Path, problem: str):
        super().__init__(out, "--out", problem)


def prepare(out: Path) -> None:
    """Make sure ``out`` (and its parents) can be created and written, or raise."""
    out = Path(out)
    for parent in [*reversed(out.parents), out]:
        if parent.exists() and not parent.is_dir():
            what = "is a file" if parent == out else f"is under {parent}, which is a file"
            raise OutputError(out, f"{what}, not a folder; choose another --out")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        probe = out.parent / f".{out.name}.probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        if out.exists():
            probe = out / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
    except OSError as exc:
        raise OutputError(out, f"cannot write here ({_reason(exc)}); choose another --out"
                          ) from None


def _reason(exc: OSError) -> str:
    if exc.errno == errno.EROFS:
        return "read-only file system"
    return exc.strerror or str(exc)


class FolderLock:
    """An exclusive lock on an output folder (a lock file beside it)."""

    def __init__(self, out: Path):
        out = Path(os.path.abspath(out))
        self.out, self.path, self.fd = out, out.parent / f".{out.name}.lock", None

    def acquire(self) -> FolderLock:
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise OutputError(self.out, f"cannot lock the folder ({_reason(exc)})"
                                  ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 64).decode(errors="replace").strip() or "unknown"
                os.close(fd)
                raise OutputError(self.out, f"another run (process {holder}) is writing to "
                                  "this folder; wait for it to finish or choose another --out"
                                  ) from None
            try:   # the file may have been removed by a holder that just finished: retry
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            self.path.unlink()
        except OSError:
            pass
        os.close(self.fd)
        self.fd = None

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc) -> bool:
        self.release()
        return False


def read_manifest(out: Path) -> dict | None:
    try:
        body = json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def kind_of(manifest: dict) -> str:
    if manifest.get("kind") in ("scenario", "sweep", "compare", "validate"):
        return manifest["kind"]
    return "sweep" if "sweep" in manifest else "scenario"


def claim(out: Path, kind: str, fingerprint: str, force: bool) -> str:
    """Whether ``out`` may take this run: 'new' (absent or empty), 'same' (this run's own
    results: a rerun or a resume) or 'replace' (another run's, with force); else raise."""
    out = Path(out)
    if not out.exists() or not any(p for p in out.iterdir() if not _temporary(p)):
        return "new"
    manifest = read_manifest(out)
    if manifest is None:
        raise OutputError(out, "the folder is not empty and holds no run's results "
                               f"({MANIFEST}); choose another --out")
    other = kind_of(manifest)
    if other == kind and manifest.get("fingerprint") == fingerprint:
        return "same"
    if force:
        return "replace"
    name = (manifest.get("sweep") or {}).get("name") if other == "sweep" else \
        (manifest.get("scenario") or {}).get("name")
    what = f"a sweep ({name!r})" if other == "sweep" else "a comparison" if other == "compare" \
        else "a validation" if other == "validate" else f"a scenario run ({name!r})"
    raise OutputError(out, f"the folder holds another run's results, {what} of a "
                           "different sweep, scenario or seed (fingerprint "
                           f"{manifest.get('fingerprint')}, this run {fingerprint}); choose "
                           "another --out, or add --force to replace them")


def _temporary(path: Path) -> bool:
    """A file a killed run may leave half-written (``.<name>.tmp``): not a run's result."""
    return path.name.startswith(".") and path.name.endswith(".tmp")


def discard(folder: Path) -> None:
    """Remove a run folder: first moved aside (one rename), then deleted; a folder that
    cannot be moved (a mount point) is emptied in place."""
    folder = Path(folder)
    if not folder.exists():
        return
    aside = folder.parent / f".{folder.name}.old-{os.getpid()}"
    try:
        os.rename(folder, aside)
    except OSError:
        for child in folder.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        return
    shutil.rmtree(aside, ignore_errors=True)


def clean_leftovers(out: Path) -> None:
    """Remove temporary folders beside ``out`` left by killed runs (call under the lock)."""
    out = Path(out)
    for pattern in (f".{out.name}.partial-*", f".{out.name}.old-*"):
        for stale in out.parent.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)


class Staging:
    """A temporary folder beside ``out``; ``commit`` puts it in ``out``'s place."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.path = self.out.parent / f".{self.out.name}.partial-{os.getpid()}"

    def __enter__(self) -> Path:
        try:
            self.path.mkdir(parents=True)
        except OSError as exc:
            raise OutputError(self.out, f"cannot write here ({_reason(exc)})") from None
        return self.path

    def commit(self) -> None:
        if self.out.exists():
            discard(self.out)
        if self.out.exists():   # a mount point, emptied in place: move the files into it
            for child in self.path.iterdir():
                shutil.move(child, self.out / child.name)
            self.path.rmdir()
            return
        os.rename(self.path, self.out)

    def __exit__(self, kind, *exc) -> bool:
        if self.path.exists():
            shutil.rmtree(self.path, ignore_errors=True)
        return False
