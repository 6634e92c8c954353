"""Nothing lost, nothing hung: refusals that come before any work.

Scenarios that make no sense as a whole, files that are not scenarios, work beyond
the machine, output folders that cannot or must not be written, scheduler addresses
that are malformed or not Dask: each ends at once with one line and a non-zero exit,
and leaves the output folder as it was. Faults during a run (killed coordinators,
truncated chunks, concurrent runs, signals) are in ``test_reliability_faults.py``.

The refusals run the command line's ``main()`` in-process (:func:`main_in_thread`): the
status and the stderr that ``run.py`` would give, without seconds of imports per case.
One test runs the real ``run.py`` in a subprocess, to check that the shell sees the same
status and no traceback end to end.
"""

from __future__ import annotations

import functools
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from conftest import cli as run_py
from conftest import run_main
from sim.run import limits
from sim.run.outdir import FolderLock, OutputError, claim, prepare
from sim.scenario.checks import semantic_problems
from sim.scenario.loading import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "kerry_lavrov.yaml"
UNSEEN = ROOT / "tests" / "data" / "unseen_conflict.yaml"

SWEEP = f"""
extends: {REFERENCE}
name: reliability sweep
time: {{horizon_days: 8}}
sweep:
  parameters:
    mechanisms.penalties.strength: {{values: [0, 2]}}
  replications: 100
"""

#: Seconds a refusal may take before it counts as hung (the subprocesses' old timeout).
HUNG = 90

#: ``run.py ARGS -q`` in a subprocess.
cli = functools.partial(run_py, timeout=HUNG)


def refused(code: int, stderr: str, *says: str) -> None:
    """Exit 2, one line on stderr starting 'error:', naming what it should."""
    assert code == 2, (code, stderr)
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    for text in says:
        assert text in lines[0], lines[0]


def main_in_thread(capsys, *args) -> tuple[int, str]:
    """``main([*ARGS, "-q"])`` in this process, as ``cli`` would run it: (status, stderr).

    In a daemon thread, so that a refusal that never comes (a read of /dev/zero, a fifo no
    one writes, a server that never answers) fails the test after ``HUNG`` seconds as the
    subprocess's timeout did, instead of hanging the suite."""
    result: list = []

    def target():
        try:
            result.append(run_main([*map(str, args), "-q"], capsys))
        except BaseException as exc:      # re-raised in the test's thread
            result.append(exc)

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(HUNG)
    assert not worker.is_alive(), f"main{args} still running after {HUNG} s: it hung"
    if isinstance(result[0], BaseException):
        raise result[0]
    code, _out, err = result[0]
    return code, err


def child(tmp_path: Path, body: str, name: str = "bad.yaml", parent: Path = UNSEEN) -> Path:
    path = tmp_path / name
    path.write_text(f"extends: {parent}\n{body}", encoding="utf-8")
    return path


# -- semantic checks ------------------------------------------------------------------

SEMANTIC = [
    ("self-patronage", "actors:\n  ankara: {patron: ankara}\n", "actors.ankara.patron",
     "its own patron"),
    ("patron-cycle", "actors:\n  ankara: {patron: tehran}\n  tehran: {patron: ankara}\n",
     "actors.ankara.patron", "cycle: ankara -> tehran -> ankara"),
    ("intelligence-to-itself",
     "mechanisms:\n  intelligence: {provider: ankara, recipient: ankara}\n",
     "mechanisms.intelligence.recipient", "cannot share it with itself"),
    ("self-neighbour", "regions:\n  hills: {neighbours: [port, hills]}\n",
     "regions.hills.neighbours", "its own neighbour"),
    ("camp-without-counterpart",
     "actors:\n  south: {patron: ankara}\n  tehran: {party: false}\n"
     "regions:\n  port: {besieged_by: null}\n", "actors.north.party",
     "no counterpart"),
    ("boolean-for-a-number", "mechanisms:\n  penalties: {strength: true}\n",
     "mechanisms.penalties.strength", "expected a number, got True"),
    ("name-too-long", "name: " + "x" * 5000 + "\n", "name", "at most 200 characters"),
    ("step-too-short", "time: {step_hours: 0.0001, duration_days: 5, horizon_days: 10}\n",
     "time.step_hours", "at least 0.25 hours"),
]


@pytest.mark.parametrize("body, field, says", [c[1:] for c in SEMANTIC],
                         ids=[c[0] for c in SEMANTIC])
def test_scenarios_that_make_no_sense_are_refused_with_the_field(tmp_path, body, field, says):
    path = child(tmp_path, body)
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    assert raised.value.field == field
    assert says in raised.value.expected
    assert raised.value.file in (str(path), str(UNSEEN))   # whichever set the field last


def test_shipped_scenarios_pass_the_semantic_checks():
    for path in [UNSEEN, *sorted((ROOT / "scenarios").rglob("*.yaml"))]:
        if "sweep" not in path.read_text(encoding="utf-8"):
            assert semantic_problems(load_scenario(path)) == []


def test_a_boolean_override_is_refused_on_the_command_line(capsys):
    refused(*main_in_thread(capsys, REFERENCE, "--set", "mechanisms.penalties.strength=true",
                            "-o", "/nonexistent"),
            "command line: mechanisms.penalties.strength: expected a number")


def test_the_real_command_refuses_with_status_2_and_no_traceback():
    """The one refusal through a real ``run.py`` process (the others run ``main()``
    in-process): the status the shell sees is main's 2, and stderr is the one line, with
    nothing else (a traceback, an import's warning) around it."""
    done = cli(REFERENCE, "--set", "mechanisms.penalties.strength=true", "-o", "/nonexistent")
    refused(done.returncode, done.stderr,
            "command line: mechanisms.penalties.strength: expected a number")
    assert done.stdout == ""


# -- files that are not scenarios -------------------------------------------------------

def test_dev_zero_a_fifo_a_huge_file_and_a_directory_are_refused_at_once(tmp_path, capsys):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.yaml"
    huge.write_text("# " + "x" * (2 << 20), encoding="utf-8")
    folder_parent = child(tmp_path, "", "dir_parent.yaml", parent=tmp_path)
    for path, says in (("/dev/zero", "not a regular file"), (fifo, "not a regular file"),
                       (huge, "larger than 1024 KiB"), (tmp_path, "is a directory"),
                       (folder_parent, "is a directory")):
        started = time.monotonic()
        refused(*main_in_thread(capsys, path, "-o", tmp_path / "out"), says)
        assert time.monotonic() - started < 20
    assert not (tmp_path / "out").exists()


# -- limits ---------------------------------------------------------------------------

def test_work_beyond_the_machine_is_refused_with_the_estimate(tmp_path, capsys):
    done = main_in_thread(capsys, REFERENCE, "-r", "1000000000", "-o", tmp_path / "out")
    refused(*done, "replication-steps", "hours", "--max-hours", "fewer replications")
    assert not (tmp_path / "out").exists()


def test_the_estimate_follows_the_measured_throughput():
    scenario = load_scenario(REFERENCE)
    est = limits.estimate(scenario, 2000)
    assert est.steps == 336 and est.work == 2000 * 336
    assert 0.3 < est.seconds < 2          # measured: 0.56 s for 2000 replications
    assert est.memory < 1 << 30
    sweep = limits.estimate(scenario, 500, points=441, daily=False)
    assert 40 < sweep.seconds < 200       # measured: 95 s serial (README, Performance)
    with pytest.raises(ScenarioError, match="over the 1-hour budget"):
        limits.check(limits.estimate(scenario, 10**8), "x")
    limits.check(est, "x")
    # charts are part of the work: a figure costs FIGURE_SECONDS, at most (README)
    drawn = limits.estimate(scenario, 2000, figures=7)
    assert drawn.seconds == pytest.approx(est.seconds + 7 * limits.FIGURE_SECONDS)
    assert drawn.memory == est.memory and drawn.work == est.work


def large_scenario(tmp_path: Path, actors: int = 64, regions: int = 256) -> Path:
    """A valid scenario far larger than the reference (generated)."""
    import yaml
    powers = actors // 4
    body = {"name": f"large {actors} x {regions}", "actors": {}, "regions": {}}
    for p in range(powers):
        body["actors"][f"p{p}"] = {"kind": "power", "party": True, "commitment": 0.5}
    for f in range(actors - powers):
        body["actors"][f"f{f}"] = {"kind": "faction", "party": True, "patron": f"p{f % powers}",
                                   "war_rate": 5, "discipline": 0.8}
    for g in range(regions):
        body["regions"][f"r{g}"] = {"neighbours": [f"r{(g + 1) % regions}"], "civilians": 100,
                                    "presence": {f"f{(g + k) % (actors - powers)}": 0.5
                                                 for k in range(4)}}
    path = tmp_path / "large.yaml"
    path.write_text(yaml.safe_dump(body), encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_pilot_measures_what_the_constants_cannot_know(tmp_path):
    scenario = load_scenario(large_scenario(tmp_path))
    guessed, measured = limits.estimate(scenario, 1000), limits.refined(scenario, 1000)
    assert measured.seconds > 3 * guessed.seconds     # state outgrows the CPU caches
    reference = load_scenario(REFERENCE)
    assert limits.refined(reference, 2000).seconds < 10


def test_memory_beyond_what_is_available_is_refused(monkeypatch):
    scenario = load_scenario(REFERENCE)
    monkeypatch.setattr(limits, "available_memory", lambda: 1 << 30)
    with pytest.raises(ScenarioError, match="memory"):
        limits.check(limits.estimate(scenario, 500_000), "x", max_hours=1000)
    limits.check(limits.estimate(scenario, 2000), "x")


def test_a_million_point_sweep_is_refused_before_any_point_is_built(tmp_path, capsys):
    sweep = tmp_path / "grid.yaml"
    sweep.write_text(SWEEP.replace("{values: [0, 2]}", "{range: [0, 5], steps: 1000}\n"
                                   "    mechanisms.monitoring.verification: "
                                   "{range: [0, 1], steps: 1000}"), encoding="utf-8")
    started = time.monotonic()
    refused(*main_in_thread(capsys, sweep, "-o", tmp_path / "out"), "1,000,000 points")
    assert time.monotonic() - started < 20
    assert not (tmp_path / "out").exists()


def test_a_sweep_beyond_the_budget_names_the_ways_forward(tmp_path, capsys):
    sweep = tmp_path / "big.yaml"
    values = ", ".join(str(v) for v in range(20))     # 20 points x 10^6 replications
    sweep.write_text(SWEEP.replace("replications: 100", "replications: 1000000")
                     .replace("time: {horizon_days: 8}\n", "").replace("[0, 2]", f"[{values}]"),
                     encoding="utf-8")
    refused(*main_in_thread(capsys, sweep, "-o", tmp_path / "out"), "--scheduler", "--workers")


# -- output folders -------------------------------------------------------------------

def test_an_out_that_is_a_file_or_under_a_file_is_refused_before_work(tmp_path, capsys):
    sweep = tmp_path / "s.yaml"
    sweep.write_text(SWEEP, encoding="utf-8")
    a_file = tmp_path / "file"
    a_file.write_text("keep", encoding="utf-8")
    for target in (REFERENCE, sweep):
        flag = "-r" if target == REFERENCE else "--seed"
        refused(*main_in_thread(capsys, target, flag, "10", "-o", a_file), "is a file")
        refused(*main_in_thread(capsys, target, flag, "10", "-o", a_file / "sub"),
                "which is a file")
    assert a_file.read_text(encoding="utf-8") == "keep"


def test_claim_refuses_other_runs_and_folders_that_hold_no_run(tmp_path):
    assert claim(tmp_path / "absent", "scenario", "f", False) == "new"
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    for force in (False, True):   # --force never deletes what no run wrote
        with pytest.raises(OutputError, match="holds no run"):
            claim(other, "scenario", "f", force)
    run = tmp_path / "run"
    run.mkdir()
    (run / "manifest.json").write_text('{"kind": "sweep", "fingerprint": "a", '
                                       '"sweep": {"name": "s"}}', encoding="utf-8")
    with pytest.raises(OutputError, match="a sweep"):
        claim(run, "scenario", "a", False)
    assert claim(run, "sweep", "a", False) == "same"
    assert claim(run, "scenario", "b", True) == "replace"


def test_a_second_lock_on_a_folder_is_refused_and_a_dead_holders_lock_is_taken(tmp_path):
    out = tmp_path / "out"
    prepare(out)
    with FolderLock(out):
        with pytest.raises(OutputError, match=f"another run \\(process {os.getpid()}\\)"):
            FolderLock(out).acquire()
    # a lock file left by a killed run is not locked by anyone: it is taken over
    (tmp_path / ".out.lock").write_text("999999\n", encoding="utf-8")
    with FolderLock(out):
        pass
    assert not (tmp_path / ".out.lock").exists()


# -- schedulers -----------------------------------------------------------------------

@pytest.mark.parametrize("address", ["notanaddress", "tcp://[::1", "http://127.0.0.1:80",
                                     "tcp://host:99999", "tcp://host:1/path"])
def test_malformed_scheduler_addresses_are_refused_before_connecting(tmp_path, address, capsys):
    sweep = tmp_path / "s.yaml"
    sweep.write_text(SWEEP, encoding="utf-8")
    refused(*main_in_thread(capsys, sweep, "--scheduler", address, "-o", tmp_path / "out"),
            "--scheduler")
    assert not (tmp_path / "out").exists()


class _Server:
    """A TCP server on loopback that is not Dask: silent, or answering garbage."""

    def __init__(self, greeting: bytes | None):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.greeting, self.conns = greeting, []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            if self.greeting is not None:
                conn.sendall(self.greeting)

    def close(self) -> None:
        for c in self.conns:
            c.close()
        self.sock.close()


@pytest.mark.parametrize("greeting, says", [
    (None, "no Dask scheduler answered"),                          # a web server waits
    (b"HTTP/1.1 400 Bad Request\r\n\r\n", "not a Dask scheduler"),  # 3 EiB as a length
    (b"\x05\x00\x00\x00\x00\x00\x00\x00hello", "not a Dask scheduler"),
], ids=["silent", "http", "garbage"])
def test_a_non_dask_server_is_refused_within_the_connect_timeout(tmp_path, greeting, says,
                                                                capsys):
    server = _Server(greeting)
    sweep = tmp_path / "s.yaml"
    sweep.write_text(SWEEP, encoding="utf-8")
    try:
        started = time.monotonic()
        done = main_in_thread(capsys, sweep, "--scheduler", f"tcp://127.0.0.1:{server.port}",
                              "--connect-timeout", "2", "-o", tmp_path / "out")
        took = time.monotonic() - started
    finally:
        server.close()
    refused(*done, says)
    assert took < 30
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob(".out*"))     # no lock or staging left beside it
