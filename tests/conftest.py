"""Shared helpers: paths, cached scenario runs (a run is deterministic given its inputs),
and the command line run for real (:func:`cli`, a subprocess) or in-process (:func:`run_main`)."""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from sim.run.posterior import SHIPPED, load_posterior
from sim.run.experiment import run_scenario
from sim.scenario.loading import load_scenario
from sim.model.results import Results

#: Property tests explore the same examples on every run (derandomized, no example
#: database): a run on CI gives what it gave here, and a failure is reproduced by running
#: the test again, not by chance.
settings.register_profile("same-every-run", derandomize=True, database=None)
settings.load_profile("same-every-run")

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
REFERENCE = SCENARIOS / "kerry_lavrov.yaml"
CONTRAST = SCENARIOS / "feb2016_cessation.yaml"


@functools.lru_cache(maxsize=64)
def _run(path: str, replications: int, seed: int, overrides: tuple, daily: bool,
         posterior: bool) -> Results:
    scenario = load_scenario(path, dict(overrides))
    return run_scenario(scenario, replications, seed, record_daily=daily,
                        posterior=load_posterior(SHIPPED) if posterior else None)


def run(path: Path, replications: int, seed: int, daily: bool = False,
        posterior: bool = False, **overrides) -> Results:
    """Results of a scenario with dotted-path overrides (``a__b__c=v`` means ``a.b.c``),
    under the hand-set constants or, with ``posterior``, the shipped posterior's draws."""
    items = tuple(sorted((k.replace("__", "."), v) for k, v in overrides.items()))
    return _run(str(path), replications, seed, items, daily, posterior)


#: Test files slowest first, by their measured time on two cores (``--durations``): the
#: workers take whole files in collection order (``--dist loadfile --no-loadscope-reorder``),
#: so the longest start at once and the run ends on short ones instead of one worker
#: finishing a long file alone. Only an order: a file not named here runs after these.
SLOWEST_FIRST = (
    "test_reliability_faults.py", "test_calibration.py", "test_outputs_baseline.py",
    "test_sweeps.py", "test_structures.py", "test_corpus_calibration.py",
    "test_notebooks.py", "test_main_job.py", "test_app.py", "test_validation.py",
    "test_packaging.py", "test_reliability.py", "test_outdir.py", "test_discovery.py",
    "test_fact_ranges.py", "test_bad_input.py", "test_determinism.py", "test_properties.py",
    "test_new_conflict.py", "test_mechanisms.py", "test_history.py",
)


def pytest_collection_modifyitems(items) -> None:
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))   # stable within a file


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def command(*args, quiet: bool = True) -> list[str]:
    """``python run.py ARGS [-q]`` with this interpreter, as :func:`cli` runs it (for Popen)."""
    return [sys.executable, str(ROOT / "run.py"), *map(str, args), *(["-q"] if quiet else [])]


def cli(*args, quiet: bool = True, cwd: Path = ROOT, timeout: float = 600
        ) -> subprocess.CompletedProcess:
    """``python run.py ARGS [-q]`` as a user runs it: a subprocess of this interpreter in
    ``cwd`` (the repository unless told), inheriting this environment, output captured as
    text. Costs seconds of imports per call: for what only a real process shows (the exit
    status the shell sees, no traceback, signals, a working directory); else :func:`run_main`."""
    return subprocess.run(command(*args, quiet=quiet), cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def run_main(argv, capsys) -> tuple[int, str, str]:
    """The command line in-process, ``sim.present.cli.main(argv)``: (exit status, stdout,
    stderr). A ``SystemExit`` (argparse's usage errors, ``--help``) gives its status as the
    interpreter would: None is 0, a message is printed to stderr with status 1. Output
    before the call is discarded, so what is returned is the command's own."""
    from sim.present.cli import main
    capsys.readouterr()
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
        if code is not None and not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
    captured = capsys.readouterr()
    return (0 if code is None else code), captured.out, captured.err
