"""Nothing lost, nothing hung: real faults during real runs.

A coordinator killed with SIGKILL (its workers must be gone within 10 s), SIGTERM
and Ctrl-C of sweeps and of the main job, truncated, garbage and misplaced chunks
on resume, two real processes writing into one folder, a real read-only mount and
a full disk, another run's folder, and names in any script on the charts.
"""

from __future__ import annotations

import errno
import functools
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from conftest import cli as run_py
from conftest import command

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "kerry_lavrov.yaml"
UNSEEN = ROOT / "tests" / "data" / "unseen_conflict.yaml"

pytestmark = pytest.mark.slow

#: 36 chunks (12 points x 3 blocks of 1000 replications), run as 12 stacked tasks of about
#: 0.4 s each: long enough to interrupt, or to start a second run while the first writes.
SWEEP = f"""
extends: {REFERENCE}
name: faults sweep
time: {{horizon_days: 8}}
sweep:
  parameters:
    mechanisms.penalties.strength: {{range: [0, 5], steps: 12}}
  replications: 3000
"""


#: ``run.py ARGS -q``; every fault here ends within 90 s or it hung.
cli = functools.partial(run_py, timeout=90)


def start(*args) -> subprocess.Popen:
    return subprocess.Popen(command(*args), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def chunks(out: Path) -> list[Path]:
    return sorted((out / "chunks").glob("*.parquet"))


def all_rows(out: Path) -> pd.DataFrame:
    return pd.concat([pd.read_parquet(f) for f in chunks(out)]).sort_values(
        ["point", "replication"], ignore_index=True)


def alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "sweep.yaml"
    path.write_text(SWEEP, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def whole(sweep_file, tmp_path_factory) -> Path:
    """The uninterrupted run every interrupted one must equal."""
    out = tmp_path_factory.mktemp("whole") / "out"
    done = cli(sweep_file, "--out", out, "--no-charts")
    assert done.returncode == 0, done.stderr
    return out


# -- a lost coordinator ---------------------------------------------------------------

@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_die_with_their_coordinator_within_10_s(sweep_file, tmp_path, sig):
    proc = start(sweep_file, "--out", tmp_path / "out", "--workers", "2", "--no-charts")
    coordinator = psutil.Process(proc.pid)
    # the resource tracker, the forkserver and two workers, then a first chunk stored
    wait_for(lambda: len(coordinator.children(recursive=True)) >= 4)
    wait_for(lambda: len(chunks(tmp_path / "out")) >= 1)
    family = coordinator.children(recursive=True)
    os.kill(proc.pid, sig)
    _, stderr = proc.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while any(alive(p) for p in family) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [p for p in family if alive(p)]
    for p in survivors:
        p.kill()
    assert not survivors, f"still alive 10 s after the coordinator: {survivors}"
    if sig == signal.SIGTERM:
        assert proc.returncode == 143 and "Traceback" not in stderr
        assert "run the same command again to resume" in stderr


# -- interrupted sweeps, damaged chunks -----------------------------------------------

def test_sigterm_then_damaged_chunks_resume_to_exactly_the_uninterrupted_run(
        sweep_file, whole, tmp_path):
    out = tmp_path / "out"
    proc = start(sweep_file, "--out", out, "--no-charts")
    wait_for(lambda: len(chunks(out)) >= 5)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 143, stderr
    assert "Traceback" not in stderr and "run the same command again to resume" in stderr
    stored = chunks(out)
    assert 5 <= len(stored) < 36

    # a truncated chunk, a garbage chunk, another point's valid chunk under this name
    data = stored[0].read_bytes()
    stored[0].write_bytes(data[: len(data) // 2])
    stored[1].write_bytes(b"not parquet at all")
    shutil.copy(stored[3], stored[2])
    (out / "chunks" / "p000099-b0000.parquet").write_bytes(data)   # not in the plan

    resumed = cli(sweep_file, "--out", out, "--no-charts")
    assert resumed.returncode == 0, resumed.stderr
    warned = [line for line in resumed.stderr.splitlines() if "failed verification" in line]
    assert len(warned) == 4, resumed.stderr
    assert stored[0].name in resumed.stderr and "unreadable" in resumed.stderr
    assert "point is 3, expected 2" in resumed.stderr
    assert (out / "points.csv").read_bytes() == (whole / "points.csv").read_bytes()
    pd.testing.assert_frame_equal(all_rows(out), all_rows(whole))


@pytest.mark.parametrize("gap", [0.0, 0.05, 0.3])
def test_two_sigterms_during_a_sweep_count_what_is_stored(sweep_file, tmp_path, gap):
    """A second SIGTERM ``gap`` seconds after the first, while the sweep stops its
    workers and cleans up: the last word counts the chunks stored, never "interrupted
    before any result was written"."""
    import re
    out = tmp_path / "out"
    proc = start(sweep_file, "--out", out, "--no-charts", "--workers", "2")
    wait_for(lambda: len(chunks(out)) >= 3)
    proc.send_signal(signal.SIGTERM)
    time.sleep(gap)
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=90)    # the file's bound: it ends, or it hung
    # 143; or, when the second signal comes after the command has returned and restored
    # the default handler (the interpreter shutting down), killed by it: what was said
    # before is what is checked
    assert proc.returncode in (143, -signal.SIGTERM), stderr
    assert "Traceback" not in stderr and "before any result was written" not in stderr
    counted = re.findall(r"interrupted: (\d+) of 36 chunks are stored", stderr)
    assert counted and int(counted[-1]) == len(chunks(out)) >= 3, stderr


def test_a_second_concurrent_run_into_the_same_folder_is_refused(sweep_file, whole, tmp_path):
    out = tmp_path / "out"
    first = start(sweep_file, "--out", out, "--no-charts")
    wait_for(lambda: (tmp_path / ".out.lock").exists() and len(chunks(out)) >= 1)
    second = cli(sweep_file, "--out", out, "--no-charts")
    assert second.returncode == 2, second.stderr
    assert f"another run (process {first.pid}) is writing to this folder" in second.stderr
    _, stderr = first.communicate(timeout=90)
    assert first.returncode == 0, stderr
    assert (out / "points.csv").read_bytes() == (whole / "points.csv").read_bytes()
    assert not (tmp_path / ".out.lock").exists()


def test_two_main_jobs_started_together_into_one_folder_one_runs_one_is_refused(tmp_path):
    """The folder is claimed before simulating; 30,000 worlds without the counterfactuals
    (about 9 s of simulating) keep it claimed well past the other's start, at under half
    the work of 10,000 with its six counterfactuals (70,000 worlds)."""
    out = tmp_path / "out"
    jobs = [start(REFERENCE, "-r", "30000", "--out", out, "--no-charts", "--no-compare")
            for _ in range(2)]
    results = [(j.wait(timeout=90), j.stderr.read()) for j in jobs]
    assert sorted(code for code, _ in results) == [0, 2], results
    refusal = next(err for code, err in results if code == 2)
    assert "another run (process" in refusal and "Traceback" not in refusal
    assert (out / "replications.parquet").exists()


# -- the main job: signals, folders, disks --------------------------------------------

@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
                         ids=["ctrl-c", "sigterm"])
def test_an_interrupted_main_job_exits_cleanly_and_writes_nothing(tmp_path, sig, code):
    out = tmp_path / "out"
    proc = start(REFERENCE, "-r", "50000", "--out", out)
    wait_for(lambda: any(tmp_path.glob(".out.partial-*")))   # simulating
    time.sleep(0.5)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_main_job_never_clobbers_another_runs_folder(sweep_file, whole, tmp_path):
    before = {p: p.read_bytes() for p in whole.rglob("*") if p.is_file()}
    done = cli(REFERENCE, "-r", "50", "--out", whole)
    assert done.returncode == 2 and "a sweep ('faults sweep')" in done.stderr
    assert {p: p.read_bytes() for p in whole.rglob("*") if p.is_file()} == before

    charts = tmp_path / "charts"
    assert cli(REFERENCE, "-r", "50", "--out", charts).returncode == 0
    assert (charts / "survival.png").exists()
    other = cli(REFERENCE, "-r", "60", "--out", charts, "--no-charts")
    assert other.returncode == 2 and "--force" in other.stderr
    assert cli(REFERENCE, "-r", "50", "--out", charts).returncode == 0   # the same run again
    forced = cli(REFERENCE, "-r", "60", "--out", charts, "--no-charts", "--force")
    assert forced.returncode == 0, forced.stderr
    assert not list(charts.glob("*.png")), "another run's charts were left beside the tables"
    tables = {p.stem for p in charts.glob("*.csv")}      # the run's own, nothing left over
    assert f"{len(tables)} tables in csv and parquet" in forced.stdout


@pytest.fixture
def mount(tmp_path):
    """Mount a small tmpfs (read-only or tiny) at a folder; skip where mounting is not
    allowed. Root ignores file permissions, but not a read-only mount."""
    mounted = []

    def do(name: str, options: str) -> Path:
        where = tmp_path / name
        where.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()})")
        mounted.append(where)
        return where

    yield do
    for where in mounted:
        subprocess.run(["umount", str(where)], check=False)


def test_a_read_only_folder_is_refused_before_any_work(mount, sweep_file):
    ro = mount("ro", "ro,size=1m")
    for target, extra in ((REFERENCE, ("-r", "50")), (sweep_file, ())):
        done = cli(target, *extra, "--out", ro / "out")
        assert done.returncode == 2, done.stderr
        assert "read-only file system" in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_a_full_disk_is_refused_before_work_and_a_failed_write_leaves_nothing(
        mount, tmp_path, monkeypatch):
    tiny = mount("tiny", "size=64k")
    done = cli(REFERENCE, "-r", "2000", "--out", tiny / "out")
    assert done.returncode == 2 and "free" in done.stderr, done.stderr

    from sim.present import cli as cli_module
    from sim.run import job
    real = job.write_tables

    def fails(results, out):
        real(results, out)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(job, "write_tables", fails)
    out = tmp_path / "out"
    assert cli_module.main([str(REFERENCE), "-r", "50", "--out", str(out), "-q"]) == 1
    assert not out.exists() and not list(tmp_path.glob(".out*"))


# -- charts ---------------------------------------------------------------------------

def test_names_in_any_script_draw_without_warnings(tmp_path):
    text = UNSEEN.read_text(encoding="utf-8")
    for old, new in (("north", "Север"), ("south", "جنوب"), ("raiders", "突击队"),
                     ("ankara", "Ἀθῆναι"), ("tehran", "תל_אביב")):
        text = text.replace(old, new)
    text = text.replace("name: Coastal war (test fixture)",
                        'name: "Guerre côtière — 沿海战争 $x$ 🙂 \\u0378"')
    scenario = tmp_path / "unicode.yaml"
    scenario.write_text(text, encoding="utf-8")
    done = cli(scenario, "-r", "50", "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr
    assert len(list((tmp_path / "out").glob("*.png"))) >= 4


# -- a Dask scheduler that cannot run anything ----------------------------------------

def test_a_dask_scheduler_without_workers_is_refused_and_leaves_no_folder(sweep_file,
                                                                          tmp_path):
    from dask.distributed import LocalCluster
    with LocalCluster(n_workers=0, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster:
        started = time.monotonic()
        done = cli(sweep_file, "--out", tmp_path / "out", "--scheduler",
                   cluster.scheduler_address, "--connect-timeout", "2")
        took = time.monotonic() - started
    assert done.returncode == 2, done.stderr
    assert "has no workers" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert took < 30
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_empty_mount_point_is_a_usable_output_folder(mount):
    where = mount("mp", "size=50m")       # cannot be renamed: results are moved into it
    assert cli(REFERENCE, "-r", "50", "--out", where).returncode == 0
    assert (where / "survival.png").exists()
    forced = cli(REFERENCE, "-r", "60", "--out", where, "--no-charts", "--force")
    assert forced.returncode == 0, forced.stderr
    assert not list(where.glob("*.png")) and (where / "replications.csv").exists()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_a_full_mount_point_keeps_the_earlier_run_and_the_users_files(mount):
    """A real tmpfs mount point as --out (it cannot be renamed: the new run is staged
    inside it and switched file by file under a journal), holding an earlier run and a
    user's file, then filled up by the user: the next run is refused before work or
    fails writing, and either way the folder holds exactly what it held."""
    where = mount("full", "size=4m")
    assert cli(REFERENCE, "-r", "50", "--out", where).returncode == 0
    (where / "my_notes.txt").write_text("mine\n", encoding="utf-8")
    with open(where / "my_big_file", "wb") as f:     # fill the disk to the last block
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    before = _files(where)
    done = cli(REFERENCE, "-r", "60", "--out", where, "--force")
    assert done.returncode in (1, 2), done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    if done.returncode == 1:
        assert "the folder holds what it held before" in done.stderr
    assert _files(where) == before
    assert not [p for p in where.iterdir() if p.name.startswith(".ceasefire-")]


def test_a_rename_failing_inside_a_mount_point_leaves_the_earlier_run(mount, monkeypatch,
                                                                      capsys):
    from conftest import run_main
    from sim.run import switch
    where = mount("mp2", "size=50m")
    assert cli(REFERENCE, "-r", "50", "--out", where).returncode == 0
    (where / "my_notes.txt").write_text("mine\n", encoding="utf-8")
    before = _files(where)
    real, moved_in = os.rename, []

    def rename(a, b):   # the third of the new run's files fails to move in
        if f"{switch.PREFIX}partial-" in str(a):
            moved_in.append(a)
            if len(moved_in) == 3:
                raise OSError(errno.EIO, "Input/output error")
        real(a, b)

    monkeypatch.setattr(switch.os, "rename", rename)
    code, _, err = run_main([REFERENCE, "-r", "60", "--out", where, "--force", "-q"], capsys)
    assert code == 1 and "holds what it held before" in err, err
    assert len(moved_in) == 3 and _files(where) == before
