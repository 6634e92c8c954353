"""The command line: ``ceasefire``, ``python run.py`` and ``python -m sim``.

``run.py SCENARIO.yaml`` (or a sweep file) is the main job; ``run.py WORD ...`` runs one of
the other commands. Each is a module of ``sim.present.commands`` with a ``main(argv)``
returning the exit status, loaded when it runs, so a command loads only what it needs
(``scenarios list`` and ``app`` never load the charts, a comparison no sweep executor).
Bad input prints one clear line and exits with status 2, never a traceback.
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
import threading
import time

from sim.present.commands.common import EXIT_INTERRUPTED, EXIT_TERMINATED, sigterm_interrupts
from sim.scenario.errors import printable

#: ``run.py SCENARIO.yaml`` / ``run.py SWEEP.yaml``.
MAIN = "sim.present.commands.main"

#: Seconds an interrupted command gives the threads it leaves behind to end.
LINGER = 10.0

#: ``run.py WORD ...``: the other commands. They stop on SIGTERM as on Ctrl-C (exit 143),
#: except ``scenarios``, which only lists.
SUBCOMMANDS = {"calibrate": "sim.present.commands.calibrate",
               "compare": "sim.present.commands.compare",
               "explain": "sim.present.commands.explain",
               "discover": "sim.present.commands.discover",
               "app": "sim.present.commands.app",
               "validate": "sim.present.commands.validate"}
LISTING = {"scenarios": "sim.present.commands.scenarios"}


def main(argv: list[str] | None = None) -> int:
    """Run the command ``argv`` (default: the process's arguments) names; its exit status.

    A path with a name longer than the file system allows (a scenario, ``extends:``,
    ``--out``, a sweep folder) is refused with one line wherever it is first looked at:
    probing it raises before anything is simulated or written."""
    try:
        return _dispatch(argv)
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise
        print(f"error: {printable(str(exc.filename))}: a name in this path is longer than "
              f"the file system allows (at most 255 bytes each)", file=sys.stderr)
        return 2


def _dispatch(argv: list[str] | None) -> int:
    words = sys.argv[1:] if argv is None else argv
    if words[:1] and words[0] in SUBCOMMANDS:
        with sigterm_interrupts():
            return importlib.import_module(SUBCOMMANDS[words[0]]).main(words[1:])
    if words[:1] and words[0] in LISTING:
        return importlib.import_module(LISTING[words[0]]).main(words[1:])
    return importlib.import_module(MAIN).main(argv)   # its own SIGTERM, once flags are checked


def console() -> None:
    """The ``ceasefire`` command (and ``run.py``, ``python -m sim``): ``main`` with its exit
    status; output piped into a reader that stopped early (``| head``) ends quietly."""
    try:
        status = main()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    if status in (EXIT_INTERRUPTED, EXIT_TERMINATED):
        _exit_even_if_a_thread_is_stuck(status)
    sys.exit(status)


def _exit_even_if_a_thread_is_stuck(status: int) -> None:
    """An interrupted command has stopped its workers, kept what finished and said so; all
    that is left is the interpreter's shutdown, which waits for every non-daemon thread with
    no time limit. A signal raised between a lock's acquisition and the block that releases
    it (CPython's bpo-29988) can leave one waiting for ever, such as a process pool's manager
    thread: a sweep stopped by two SIGTERMs in a loaded CI run printed its last line and
    hung. So a watchdog (a daemon thread, which runs on while the shutdown waits) ends the
    process with the same status if the shutdown, exit hooks and all, has not ended it
    within ``LINGER`` seconds."""
    def watchdog() -> None:
        time.sleep(LINGER)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):    # a reader gone (| head), a stream closed
                pass
        os._exit(status)

    threading.Thread(target=watchdog, daemon=True, name="exit-watchdog").start()
