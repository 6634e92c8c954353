"""What the commands share: exit statuses, one-line errors, SIGTERM as Ctrl-C, the flags of
limits and output folders, the constants a run takes, the checks before it and the
progress bar.

Bad input prints one clear line and exits with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from tqdm import tqdm

from sim.present.charts.figures import DEFAULT_FORMATS, FORMATS, parse_formats
from sim.run import job, limits
from sim.run.job import SHIPPED_POSTERIOR, Constants
from sim.run.limits import DEFAULT_MAX_HOURS
from sim.run.outdir import prepare, state
from sim.run.pairing import refusal
from sim.scenario.loading import ScenarioError
from sim.scenario.schema import Scenario

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130    # Ctrl-C (128 + SIGINT)
EXIT_TERMINATED = 143     # SIGTERM (128 + SIGTERM)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so it stops like Ctrl-C (workers stopped,
    finished chunks kept) but exits 143."""


class _OnSigterm:
    """The SIGTERM handler: the first signal raises ``Terminated`` where the program is; the
    second is let pass (the program is on its way out, and its clean-up says what is stored)
    and puts back the default, so a third ends the process at once. Raised again during the
    clean-up, a signal could land anywhere, such as the weakref callback with which
    ``concurrent.futures`` wakes its manager thread, where Python prints it as a traceback
    ("Exception ignored in ...") instead of stopping (seen once in a loaded run of
    ``tests/test_reliability_faults.py``); and if the first landed there, the program would
    go on, stoppable by the third."""

    def __init__(self):
        self.signals = 0

    def __call__(self, signum, frame) -> None:
        self.signals += 1
        if self.signals == 1:
            raise Terminated
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def interrupted_status(exc: BaseException) -> int:
    return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM raises ``Terminated`` where the program is, so every command stops on it as on
    Ctrl-C (its own clean-up, a resume hint) and exits 143; the handler before is restored."""
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _OnSigterm())
    except ValueError:      # not the main thread (a test calling main in a thread)
        pass
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def program() -> str:
    """How the user called us, for usage lines: ``run.py``, ``ceasefire`` or ``python -m sim``."""
    name = Path(sys.argv[0]).name
    return "python -m sim" if name == "__main__.py" else name or "ceasefire"


def command_line(words: list[str] | None, command: str = "") -> str:
    """The command as ``summary.md`` quotes it: ``python run.py [command] ...``."""
    given = words if words is not None else sys.argv[1:]
    return "python run.py " + (f"{command} " if command else "") + " ".join(given)


def fail(message: str) -> int:
    """One line on stderr, exit status 2."""
    print(f"error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def add_limits(group: argparse._ArgumentGroup) -> None:
    """--force and --max-hours (the main job's and ``run.py compare``'s)."""
    group.add_argument("--force", action="store_true",
                       help="replace another run's results in --out (never a folder that "
                            "holds anything else)")
    group.add_argument("--max-hours", type=float, default=DEFAULT_MAX_HOURS,
                       help="refuse work estimated to take longer than this here (default "
                            f"{DEFAULT_MAX_HOURS:g}); the estimate is printed with the refusal")


def _formats(text: str) -> tuple[str, ...]:
    try:
        return parse_formats(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_format_flag(p: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """``--format png,svg,pdf``: the formats every chart is written in (default png); the
    manifest lists the files."""
    p.add_argument("--format", dest="formats", type=_formats, default=DEFAULT_FORMATS,
                   metavar="FORMATS", help="write every chart in these formats, separated "
                   f"by commas, of {', '.join(FORMATS)} (default "
                   f"{','.join(DEFAULT_FORMATS)}); the manifest lists the files")


def add_output_flags(p: argparse.ArgumentParser, posterior: str) -> None:
    """The flags every command that simulates shares after its own: ``--posterior`` (its
    help ending with ``posterior``, what a draw is to this command), ``--point``,
    ``--no-charts``, ``--format``, ``-q`` and the limits."""
    p.add_argument("--posterior", type=Path, default=None, metavar="FILE",
                   help="posterior sample of the behavioural constants (default: the shipped "
                        f"calibration/posterior.csv); {posterior}")
    p.add_argument("--point", action="store_true",
                   help="run at the posterior median instead: no parameter uncertainty")
    p.add_argument("--no-charts", action="store_true", help="write tables and summary only")
    add_format_flag(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_limits(p.add_argument_group("limits and output folders"))


def bad_flags(args, least: int = 1, why: str = "") -> str | None:
    """What is wrong with the flags every command that simulates shares (replications at
    least ``least``, ``why`` said after it; a seed; the time budget), or None."""
    if args.replications < least:
        return f"--replications must be at least {least} (got {args.replications}){why}"
    if args.seed < 0:
        return f"--seed must be a non-negative integer (got {args.seed})"
    if not 0 < args.max_hours < 1e6:
        return f"--max-hours must be positive (got {args.max_hours:g})"
    return None


def guarded(body: Callable[[], int], memory: str = "use fewer replications (-r)") -> int:
    """Run a command's ``body``: bad input is one line and exit 2, running out of memory one
    line (``memory``: what to do instead) and exit 1, an interruption before anything was
    written one line and 130 (143 on SIGTERM)."""
    try:
        return body()
    except ScenarioError as exc:
        return fail(str(exc))
    except MemoryError:
        print(f"error: ran out of memory; {memory}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt as exc:
        print("\ninterrupted before any result was written; run the same command again",
              file=sys.stderr)
        return interrupted_status(exc)


def cannot_write(out: Path, exc: OSError) -> int:
    """A run's results could not be written: one line saying so and what the folder now
    holds (true whichever way it failed), exit status 1."""
    print(f"error: {out}: cannot write the results ({exc.strerror or exc}); "
          f"{state(Path(out), exc)}", file=sys.stderr)
    return EXIT_FAILED


def constants_of(args) -> Constants:
    """The behavioural constants of the run: ``--posterior`` (default the shipped one) draw by
    draw, or at its median with ``--point``."""
    return job.constants(args.posterior or SHIPPED_POSTERIOR, args.point)


def check_run(file, scenario: Scenario, compared: list[tuple[Path, Scenario]], worlds: int,
              max_hours: float, out: Path, figures: int = 0) -> None:
    """Refuse, before any work, a run beyond this machine's budget, scenarios that cannot
    run side by side with ``scenario``, or an output folder that cannot be written (one
    line each); say up front what a long run will take, the ``figures`` it draws included."""
    estimate = limits.estimate(scenario, worlds, figures=figures)
    limits.check(estimate, file, max_hours=max_hours)   # before the pilot
    refused = job.apart(scenario, [other for _, other in compared])
    if refused is not None:
        first, fields = refused
        raise ScenarioError(compared[first][0], *refusal(fields, str(file)))
    estimate = limits.refined(scenario, worlds, figures=figures)
    limits.check(estimate, file, max_hours=max_hours)
    prepare(out)
    limits.check_disk(estimate, out)
    announce(estimate)


def announce(estimate: limits.Estimate, parallel: int = 1, cluster: bool = False) -> None:
    """Say up front what a long run will take, so it is never a silent wait."""
    if cluster or estimate.wall(parallel) < 60:
        return
    print(f"estimated: {limits.describe(estimate, parallel)} (--max-hours "
          f"{DEFAULT_MAX_HOURS:g} is the default budget)", file=sys.stderr)


class progress:
    """A tqdm bar over replications (rate and time left), for runs above a threshold."""

    def __init__(self, total: int, quiet: bool, threshold: int):
        self.total, self.quiet, self.threshold, self.bar = total, quiet, threshold, None

    def __enter__(self):
        if not self.quiet and self.total > self.threshold:
            self.bar = tqdm(total=self.total, unit="rep", file=sys.stderr, leave=False)
        return self.bar.update if self.bar else None

    def __exit__(self, *exc):
        if self.bar:
            self.bar.close()
        return False

