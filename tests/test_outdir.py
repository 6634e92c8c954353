"""Output folders, round two (issue 18): the tool deletes only what it wrote.

A run's manifest lists the files it wrote (``written``); a rerun or ``--force`` replaces
those and nothing else (a user's notes, a folder of theirs, a sweep stored inside are
left as they were), and a file of theirs with the name of one the new run writes is in
the way: refused, naming it, the folder unchanged. Paths are resolved before the lock
(a symlinked ``--out`` is locked on its target; a dangling one refused before any
work); a store never deletes through a link; the switch to a new run's files is all or
nothing, even when a rename fails half way or the run is killed in the middle.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from conftest import REFERENCE, run_main
from sim.run import job, switch
from sim.run.outdir import FolderLock, OutputError, Staging, old_files

#: The cheapest main job: a day past the truce, few replications, no charts.
FAST = ["-r", "20", "--set", "time.horizon_days=8", "--no-charts", "-q"]

GRID = f"""
extends: {REFERENCE}
name: tiny grid
time: {{horizon_days: 8}}
sweep:
  parameters:
    mechanisms.penalties.strength: {{values: [0, 3]}}
  replications: 10
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links not followed) and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def users_things(out: Path) -> dict[str, bytes]:
    """A user's notes, a folder of theirs and a finished sweep's files, put into ``out``."""
    (out / "my_notes.txt").write_text("mine\n", encoding="utf-8")
    (out / "my_analysis").mkdir()
    (out / "my_analysis" / "fit.py").write_text("print(1)\n", encoding="utf-8")
    (out / "inner_sweep" / "chunks").mkdir(parents=True)
    (out / "inner_sweep" / "manifest.json").write_text('{"kind": "sweep"}', encoding="utf-8")
    (out / "inner_sweep" / "chunks" / "p000000-b0000.parquet").write_bytes(b"PAR1 data")
    (out / "inner_sweep" / "points.csv").write_text("point\n0\n", encoding="utf-8")
    return {k: v for k, v in snapshot(out).items()
            if k.startswith(("my_", "inner_sweep"))}


def test_a_users_files_survive_a_rerun_and_force(tmp_path, capsys):
    out = tmp_path / "out"
    code, _, err = run_main([REFERENCE, *FAST, "--out", out], capsys)
    assert code == 0, err
    first = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["written"]
    assert "manifest.json" in first and "replications.csv" in first
    assert sorted(first) == sorted(p.name for p in out.iterdir())
    mine = users_things(out)

    code, _, err = run_main([REFERENCE, *FAST, "--out", out], capsys)   # a rerun
    assert code == 0, err
    assert {k: v for k, v in snapshot(out).items() if k in mine} == mine

    code, _, err = run_main([REFERENCE, *FAST, "-r", "30", "--out", out], capsys)
    assert code == 2 and "--force" in err                               # another run's
    code, _, err = run_main([REFERENCE, *FAST, "-r", "30", "--out", out, "--force"], capsys)
    assert code == 0, err
    assert {k: v for k, v in snapshot(out).items() if k in mine} == mine
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["replications"] == 30
    assert len(pd.read_csv(out / "replications.csv")) == 30
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*manifest["written"], "my_notes.txt", "my_analysis", "inner_sweep"])


def test_force_removes_the_other_runs_files_it_no_longer_writes(tmp_path, capsys):
    out = tmp_path / "out"
    code, _, err = run_main([REFERENCE, *FAST[:-2], "-q", "--out", out], capsys)   # charts
    assert code == 0 and list(out.glob("*.png")), err
    (out / "my_notes.txt").write_text("mine\n", encoding="utf-8")
    code, _, err = run_main([REFERENCE, *FAST, "-r", "25", "--out", out, "--force"], capsys)
    assert code == 0, err
    assert not list(out.glob("*.png")), "the other run's charts were left"
    assert (out / "my_notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_a_users_file_in_the_way_is_refused_naming_it_and_nothing_changes(tmp_path, capsys):
    out = tmp_path / "out"
    assert run_main([REFERENCE, *FAST, "--out", out], capsys)[0] == 0
    (out / "survival.png").write_bytes(b"my own chart")   # a name the charted run writes
    before = snapshot(out)
    code, _, err = run_main([REFERENCE, *FAST[:-2], "-q", "--out", out], capsys)
    assert code == 2 and "survival.png is in the way" in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_manifest_that_does_not_list_its_files_is_not_replaced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text('{"kind": "scenario", "fingerprint": "a"}',
                                       encoding="utf-8")
    with pytest.raises(OutputError, match="does not list the files its run wrote"):
        old_files(out, "replace")
    assert old_files(out, "new") == []


# -- resolved paths -------------------------------------------------------------------

def test_a_symlinked_out_is_locked_on_its_target(tmp_path):
    target = tmp_path / "real" / "out"
    target.mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(target)
    with FolderLock(target):
        with pytest.raises(OutputError, match="another run"):
            FolderLock(link).acquire()
    with FolderLock(link) as lock:
        assert lock.path == tmp_path / "real" / ".out.lock"
        with pytest.raises(OutputError, match="another run"):
            FolderLock(target).acquire()


def test_a_run_through_a_symlinked_out_writes_into_its_target(tmp_path, capsys):
    target = tmp_path / "real"
    target.mkdir()
    link = tmp_path / "link"
    link.symlink_to(target)
    code, _, err = run_main([REFERENCE, *FAST, "--out", link], capsys)
    assert code == 0, err
    assert link.is_symlink() and (target / "manifest.json").exists()


@pytest.mark.parametrize("where", ["out", "parent"])
def test_a_dangling_symlink_is_refused_before_simulating(tmp_path, capsys, monkeypatch,
                                                         where):
    from sim.present.commands import main as main_command

    def never(*args, **kwargs):
        raise AssertionError("simulated before refusing the folder")

    monkeypatch.setattr(main_command, "run_compared", never)
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "nowhere")
    out = link if where == "out" else link / "out"
    code, _, err = run_main([REFERENCE, *FAST, "--out", out], capsys)
    assert code == 2 and "which does not exist" in err and "symbolic link" in err, err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "nowhere").exists()


# -- the switch: all or nothing -------------------------------------------------------

def old_run(out: Path) -> dict[str, bytes]:
    """A folder holding an earlier run's two files (listed in its manifest) and a user's."""
    out.mkdir()
    (out / "a.csv").write_text("old a\n", encoding="utf-8")
    (out / "b.csv").write_text("old b\n", encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps({"kind": "scenario", "written": [
        "a.csv", "b.csv", "manifest.json"]}), encoding="utf-8")
    (out / "my_notes.txt").write_text("mine\n", encoding="utf-8")
    return snapshot(out)


def new_stage(staging: Staging) -> None:
    (staging.path / "a.csv").write_text("new a\n", encoding="utf-8")
    (staging.path / "c.csv").write_text("new c\n", encoding="utf-8")
    (staging.path / "manifest.json").write_text('{"kind": "scenario"}', encoding="utf-8")


@pytest.mark.parametrize("fail_at", [1, 2, 3, 4, 5, 6])
def test_a_rename_failing_mid_switch_leaves_the_old_set_intact(tmp_path, monkeypatch,
                                                                fail_at):
    """Six renames: the old run's three files aside, the new run's three in; each may
    fail (a full disk, an I/O error), and the folder is left as it was."""
    out = tmp_path / "out"
    before = old_run(out)
    real, calls = os.rename, []

    def rename(a, b):
        calls.append((a, b))
        if len(calls) == fail_at:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(a, b)

    staging = Staging(out, ["a.csv", "b.csv", "manifest.json"])
    with staging:
        new_stage(staging)
        monkeypatch.setattr(switch.os, "rename", rename)
        with pytest.raises(switch.SwitchError) as raised:
            staging.commit()
        monkeypatch.undo()
    assert raised.value.restored
    assert snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", "b.csv", "manifest.json",
                                                     "my_notes.txt"]
    assert not list(tmp_path.glob(".out.partial-*"))


def test_a_switch_killed_half_way_is_rolled_back_by_the_next_run(tmp_path, monkeypatch):
    out = tmp_path / "out"
    before = old_run(out)
    staging = Staging(out, ["a.csv", "b.csv", "manifest.json"])
    stage = staging.__enter__()     # never exited: the process is killed
    new_stage(staging)
    real, calls = os.rename, []

    def killed(a, b):    # the process dies after four renames: no rollback, journal left
        calls.append(a)
        if len(calls) == 5:
            raise SystemExit("killed")
        real(a, b)

    monkeypatch.setattr(switch.os, "rename", killed)
    monkeypatch.setattr(switch, "roll_back", lambda *a: None)
    with pytest.raises(SystemExit):
        staging.commit()
    monkeypatch.undo()
    assert (out / switch.JOURNAL).exists() and snapshot(out) != before   # half switched
    with job.folder(out, "scenario", "x", force=True):                  # the next run
        assert snapshot(out) == before
    assert not (out / switch.JOURNAL).exists() and not stage.exists()
    assert not [p for p in out.iterdir() if p.name.startswith(switch.PREFIX)]


def test_a_failed_write_into_a_folder_says_it_holds_what_it_held(tmp_path, monkeypatch,
                                                                 capsys):
    out = tmp_path / "out"
    assert run_main([REFERENCE, *FAST, "--out", out], capsys)[0] == 0
    users_things(out)
    before = snapshot(out)
    real, moved_in = os.rename, []

    def rename(a, b):   # the second of the new run's files fails to move in
        if ".out.partial-" in str(a):
            moved_in.append(a)
            if len(moved_in) == 2:
                raise OSError(errno.EIO, "Input/output error")
        real(a, b)

    monkeypatch.setattr(switch.os, "rename", rename)
    code, _, err = run_main([REFERENCE, *FAST, "-r", "25", "--out", out, "--force"], capsys)
    assert code == 1 and "holds what it held before" in err, err
    assert "Traceback" not in err
    assert snapshot(out) == before


# -- the store ------------------------------------------------------------------------

def test_a_symlinked_chunks_folder_is_refused_and_not_unlinked_through(tmp_path, capsys):
    sweep = tmp_path / "grid.yaml"
    sweep.write_text(GRID, encoding="utf-8")
    other = tmp_path / "other"
    code, _, err = run_main([sweep, "--out", other, "--no-charts", "-q"], capsys)
    assert code == 0, err
    (other / "chunks" / "p000000-b0000.parquet").write_bytes(b"garbage")   # fails checks
    theirs = snapshot(other)

    mine = tmp_path / "mine"
    assert run_main([sweep, "-r", "12", "--out", mine, "--no-charts", "-q"], capsys)[0] == 0
    for f in (mine / "chunks").iterdir():
        f.unlink()
    (mine / "chunks").rmdir()
    (mine / "chunks").symlink_to(other / "chunks")
    code, _, err = run_main([sweep, "-r", "12", "--out", mine, "--no-charts", "-q"], capsys)
    assert code == 2 and "chunks is a symbolic link" in err, err
    assert len(err.strip().splitlines()) == 1
    assert snapshot(other) == theirs


def test_a_symlinked_manifest_is_refused(tmp_path, capsys):
    sweep = tmp_path / "grid.yaml"
    sweep.write_text(GRID, encoding="utf-8")
    mine = tmp_path / "mine"
    assert run_main([sweep, "--out", mine, "--no-charts", "-q"], capsys)[0] == 0
    (tmp_path / "elsewhere.json").write_bytes((mine / "manifest.json").read_bytes())
    (mine / "manifest.json").unlink()
    (mine / "manifest.json").symlink_to(tmp_path / "elsewhere.json")
    code, _, err = run_main([sweep, "--out", mine, "--no-charts", "-q"], capsys)
    assert code == 2 and "manifest.json is a symbolic link" in err, err


def test_a_sweep_forced_over_a_scenario_run_keeps_the_users_files(tmp_path, capsys):
    sweep = tmp_path / "grid.yaml"
    sweep.write_text(GRID, encoding="utf-8")
    out = tmp_path / "out"
    assert run_main([REFERENCE, *FAST, "--out", out], capsys)[0] == 0
    mine = users_things(out)
    code, _, err = run_main([sweep, "--out", out, "--no-charts", "-q", "--force"], capsys)
    assert code == 0, err
    assert {k: v for k, v in snapshot(out).items() if k in mine} == mine
    assert not (out / "replications.csv").exists()
    written = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["written"]
    assert {"chunks", "manifest.json", "points.csv", "summary.md"} <= set(written)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*written, "my_notes.txt", "my_analysis", "inner_sweep"])


def test_a_second_sigterm_during_a_sweeps_clean_up_counts_the_stored_chunks(
        tmp_path, capsys, monkeypatch):
    """The first SIGTERM after every chunk is stored, the second while the executor is
    shut down (after the first's message): the last word counts what is stored."""
    from sim.present.commands import sweep as command
    from sim.present.commands.common import EXIT_TERMINATED, Terminated
    sweep = tmp_path / "grid.yaml"
    sweep.write_text(GRID, encoding="utf-8")
    real_run, real_make = command.run_sweep, command.make_executor

    def run_then_terminated(*args, **kwargs):
        real_run(*args, **kwargs)
        raise Terminated

    def make(*args):
        executor = real_make(*args)
        real_exit, seen = executor.__exit__, []

        def exit_(kind, *rest):
            seen.append(kind)
            if kind is None and Terminated in seen:
                raise Terminated       # the second signal, during the clean-up
            return real_exit(kind, *rest)

        executor.__exit__ = exit_
        return executor

    monkeypatch.setattr(command, "run_sweep", run_then_terminated)
    monkeypatch.setattr(command, "make_executor", make)
    out = tmp_path / "out"
    code, _, err = run_main([sweep, "--out", out, "--no-charts", "-q"], capsys)
    assert code == EXIT_TERMINATED
    assert "before any result was written" not in err
    assert err.strip().splitlines()[-1].startswith("interrupted: 2 of 2 chunks are stored")
    assert len(list((out / "chunks").glob("*.parquet"))) == 2


def test_only_the_first_sigterm_raises_the_second_lets_the_clean_up_finish():
    """A second SIGTERM during the clean-up of the first is let pass: raised again it could
    land in a weakref callback of concurrent.futures, which Python prints as a traceback
    instead of stopping (seen once in a loaded run of the double-SIGTERM fault test). It
    puts the default back, so a third ends the process."""
    import signal

    from sim.present.commands.common import Terminated, sigterm_interrupts
    before = signal.getsignal(signal.SIGTERM)
    with sigterm_interrupts():
        with pytest.raises(Terminated):      # a signal to itself is handled at once
            os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGTERM)      # the second: no exception
        cleaned_up = True
        # ... and a third would end the process: the default is back
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    assert cleaned_up and signal.getsignal(signal.SIGTERM) is before


def _interrupted(setup: str, linger: float):
    """A process whose command returns 143 (SIGTERM's; Ctrl-C's 130 takes the same path)
    after ``setup``, with ``cli.LINGER`` at ``linger``: (its run, seconds taken)."""
    import subprocess
    import sys
    import textwrap
    import time
    script = textwrap.dedent(f"""
        import atexit, sys, threading, time
        from concurrent.futures import ThreadPoolExecutor
        from sim.present import cli
        cli.LINGER = {linger}
    """) + textwrap.dedent(setup) + textwrap.dedent("""
        def main():
            print("interrupted: the last word", file=sys.stderr)
            return 143
        cli.main = main
        cli.console()
    """)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parents[1])
    return done, time.monotonic() - started


def test_an_interrupted_command_ends_though_a_thread_it_left_is_stuck():
    """A thread left waiting for ever (as a signal landing inside a lock can leave a process
    pool's manager thread) would hang the interpreter's shutdown after the command's last
    line: after ``LINGER`` seconds the process ends with the command's status, its last
    line written; a thread that ends before then has its say."""
    done, seconds = _interrupted("""
        threading.Thread(target=threading.Event().wait).start()      # stuck for ever
        threading.Thread(target=lambda: (time.sleep(0.3), print("finished"))).start()
    """, linger=1.0)
    assert done.returncode == 143, done.stderr
    assert done.stderr.strip() == "interrupted: the last word"
    assert done.stdout.strip() == "finished"
    assert seconds < 30          # 1 s of grace, not the 60 s timeout


def test_an_interrupted_command_with_nothing_stuck_exits_at_once_through_its_exit_hooks():
    """An idle thread pool (whose threads end only in the shutdown's own hooks) and an exit
    hook: the shutdown runs as usual, the hook runs, and nothing waits for the watchdog."""
    done, seconds = _interrupted("""
        ThreadPoolExecutor(2).submit(lambda: None).result()
        atexit.register(lambda: print("hooks ran"))
    """, linger=45.0)
    assert done.returncode == 143, done.stderr
    assert done.stdout.strip() == "hooks ran"
    assert seconds < 40          # well before the watchdog's 45 s
