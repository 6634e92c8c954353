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
- ``Staging(out, old)`` is a temporary folder beside ``out`` (inside it when ``out`` is
  a mount point, on its file system) that the main job writes into; ``commit`` records
  what it holds in its manifest (``written``) and puts it in place: one rename when
  ``out`` is absent, else a journaled switch (``sim.run.switch``) that replaces the
  files of the run ``out`` held (``old``, its manifest's ``written``) and nothing else.
  A name the new run writes that ``out`` holds and its run did not write is in the way:
  refused with one line, nothing changed.

Every path is resolved first (``resolve``: symlinks followed, a dangling one refused), so
the lock, the probe and the writes are all on the folder the files land in.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
from pathlib import Path

from sim.run import switch
from sim.scenario.loading import ScenarioError

MANIFEST = "manifest.json"


class OutputError(ScenarioError):
    """The output folder cannot be used (one line, exit 2)."""

    def __init__(self, out: Path, problem: str):
        super().__init__(out, "--out", problem)


def resolve(out: Path) -> Path:
    """``out`` as the folder it names: absolute, every symlink followed (so a lock, a probe
    and the writes all land where the files do); a dangling symlink on the way is refused."""
    out = Path(out)
    for link in (out, *out.parents):
        if link.is_symlink() and not link.exists():
            raise OutputError(out, f"{'is' if link == out else f'is under {link}, which is'} "
                              f"a symbolic link to {os.readlink(link)}, which does not "
                              "exist; choose another --out")
    return Path(os.path.realpath(out))


def prepare(out: Path) -> Path:
    """Make sure ``out`` (and its parents) can be created and written, or raise; the
    resolved folder."""
    given, out = Path(out), resolve(out)
    for parent in [*reversed(out.parents), out]:
        if parent.exists() and not parent.is_dir():
            what = "is a file" if parent == out else f"is under {parent}, which is a file"
            raise OutputError(given, f"{what}, not a folder; choose another --out")
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
        raise OutputError(given, f"cannot write here ({_reason(exc)}); choose another --out"
                          ) from None
    return out


def _reason(exc: OSError) -> str:
    if exc.errno == errno.EROFS:
        return "read-only file system"
    return exc.strerror or str(exc)


class FolderLock:
    """An exclusive lock on an output folder (a lock file beside it)."""

    def __init__(self, out: Path):
        out = resolve(out)   # a symlinked --out is locked where its files are
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
    if manifest.get("kind") in ("scenario", "sweep", "compare", "validate", "explain"):
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
        else "a validation" if other == "validate" else "an explanation" \
        if other == "explain" else f"a scenario run ({name!r})"
    raise OutputError(out, f"the folder holds another run's results, {what} of a "
                           "different sweep, scenario or seed (fingerprint "
                           f"{manifest.get('fingerprint')}, this run {fingerprint}); choose "
                           "another --out, or add --force to replace them")


def old_files(out: Path, claimed: str) -> list[str]:
    """The files of the run ``out`` holds (its manifest's ``written``), which this run
    replaces: none when ``claimed`` is 'new'. A manifest that does not list them (an
    earlier version wrote it) is refused: they cannot be told from the user's."""
    if claimed == "new":
        return []
    written = (read_manifest(out) or {}).get("written")
    if not isinstance(written, list) or not all(isinstance(n, str) and n and "/" not in n
                                                 for n in written):
        raise OutputError(out, f"its {MANIFEST} does not list the files its run wrote (an "
                               "earlier version wrote it), so they cannot be told from "
                               "anything else in the folder; choose another --out, or "
                               "empty it yourself")
    return list(written)


def _temporary(path: Path) -> bool:
    """A file a killed run may leave half-written (``.<name>.tmp``), or what the tool
    keeps inside a folder while it works (``.ceasefire-*``): not a run's result."""
    return path.name.startswith(switch.PREFIX) or (path.name.startswith(".")
                                                     and path.name.endswith(".tmp"))


def replace_run(out: Path, old: list[str]) -> None:
    """Remove the files of the run ``out`` holds (``old``), all or none, leaving anything
    else in it as it was."""
    try:
        switch.recover(out)
        switch.remove(out, old)
    except OSError as exc:
        raise OutputError(out, f"cannot replace the other run's results "
                          f"({exc.strerror or exc}); {state(out, exc)}") from None


def state(out: Path, exc: BaseException | None = None) -> str:
    """What a failed write left in ``out``, in words that are true."""
    if isinstance(exc, switch.SwitchError) and not exc.restored:
        return (f"the switch to the new results stopped half way; the next run into it "
                f"puts the earlier results back ({switch.JOURNAL})")
    if os.path.lexists(out):
        return "nothing was written: the folder holds what it held before"
    return "nothing was written"


def clean_leftovers(out: Path) -> None:
    """Remove temporary folders beside ``out`` left by killed runs, and inside it (after
    rolling back a switch one left half done); call under the lock."""
    out = Path(out)
    for pattern in (f".{out.name}.partial-*", f".{out.name}.old-*"):
        for stale in out.parent.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)
    if out.is_dir():
        switch.recover(out)
        switch.leftovers(out)


def record_written(folder: Path, also: list[str] = ()) -> None:
    """Add to ``folder``'s manifest the list of what the folder holds (``written``, with
    the names ``also``), in the manifest's own layout (its indent)."""
    path = Path(folder) / MANIFEST
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    body = json.loads(text)
    second = text.split("\n", 2)[1] if "\n" in text else ""
    indent = len(second) - len(second.lstrip(" ")) or None
    body["written"] = sorted(set(switch.entries(folder)) | set(also))
    tmp = path.parent / f".{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(body, indent=indent), encoding="utf-8")
    os.replace(tmp, path)


class Staging:
    """A temporary folder on ``out``'s file system; ``commit`` puts it in ``out``'s place,
    replacing the files ``old`` of the run ``out`` held and nothing else."""

    def __init__(self, out: Path, old: list[str] | None = None):
        self.out, self.old = resolve(out), list(old or [])
        inside = self.out.is_dir() and _mount_point(self.out)
        self.path = (self.out / f"{switch.PREFIX}partial-{os.getpid()}" if inside else
                     self.out.parent / f".{self.out.name}.partial-{os.getpid()}")

    def __enter__(self) -> Path:
        try:
            self.path.mkdir(parents=True)
        except OSError as exc:
            raise OutputError(self.out, f"cannot write here ({_reason(exc)})") from None
        return self.path

    def commit(self) -> None:
        record_written(self.path)
        if not os.path.lexists(self.out):
            os.rename(self.path, self.out)
            return
        blocked = switch.in_the_way(self.out, switch.entries(self.path), self.old)
        if blocked:
            raise OutputError(self.out, f"{blocked[0]} is in the way: the folder holds it and "
                              "its run did not write it, and this run writes a file of that "
                              "name; nothing was written; move it and run again")
        switch.switch(self.out, self.path, self.old)

    def __exit__(self, kind, *exc) -> bool:
        if self.path.exists():
            shutil.rmtree(self.path, ignore_errors=True)
        return False


def _mount_point(folder: Path) -> bool:
    """Whether ``folder`` is on another file system than its parent (cannot be renamed)."""
    try:
        return os.path.ismount(folder) or folder.stat().st_dev != folder.parent.stat().st_dev
    except OSError:
        return False
