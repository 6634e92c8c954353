"""Determinism and common random numbers.

Same seed and replications give byte-identical tables, in one process and
across processes; another seed gives other results; a replication's numbers
depend on the root seed and its block, not on the total run; and scenarios
that differ only in parameters that do not touch the draws share their random
numbers (``sim.model.model``: "Every step draws one block of uniforms of the same
shape whatever the mechanisms switched on").
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.model.compiled import compile_scenario
from sim.run.experiment import BLOCK, block_seeds, run_block, run_scenario
from sim.scenario.loading import load_scenario
from sim.model.model import CeasefireModel
from sim.model.results import Results

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "kerry_lavrov.yaml"
SHORT = {"time.horizon_days": 8}      # the truce week and one JIC day: quick runs


def scenario(**overrides):
    """The reference scenario, short horizon, with ``a__b__c=v`` meaning ``a.b.c: v``."""
    return load_scenario(SCENARIO, {**SHORT, **{k.replace("__", "."): v
                                                for k, v in overrides.items()}})


def csv_bytes(r: Results) -> tuple[bytes, bytes]:
    return (r.replication_table().to_csv(index=False).encode(),
            r.daily_table().to_csv(index=False).encode())


@functools.lru_cache(maxsize=16)
def run(replications: int, seed: int, daily: bool = True, **overrides) -> Results:
    return run_scenario(scenario(**overrides), replications, seed, record_daily=daily)


# --------------------------------------------------------------------------
# Same seed, same results
# --------------------------------------------------------------------------

def test_same_seed_gives_identical_tables():
    a = run_scenario(scenario(), 300, 7)
    b = run_scenario(scenario(), 300, 7)       # a fresh scenario object and a fresh model
    ta, tb = csv_bytes(a), csv_bytes(b)
    assert ta[0] == tb[0]
    assert ta[1] == tb[1]
    assert len(ta[0].splitlines()) == 301     # header + one row per replication


def test_same_seed_gives_identical_state_at_every_step():
    sc = scenario()
    m1 = CeasefireModel(sc, replications=50, rng=123)
    m2 = CeasefireModel(sc, replications=50, rng=123)
    while m1.running:
        m1.step()
        m2.step()
        for k in ("trust", "tension", "separation", "collapsed", "collapse_step", "declarer",
                  "trigger", "jic"):
            assert getattr(m1.state, k).tobytes() == getattr(m2.state, k).tobytes(), k
    assert not m2.running
    # and the block runner is just this model stepped to the horizon
    r = run_block(sc, 0, 50, 123)
    assert r.replication_table().drop(columns="block_seed").equals(
        m1.results().replication_table().drop(columns="block_seed"))


def test_same_seed_gives_identical_files_across_processes(tmp_path):
    outs = []
    for i, hash_seed in enumerate(("1", "2")):   # also vary str hashing between processes
        out = tmp_path / f"run{i}"
        done = subprocess.run(
            [sys.executable, "run.py", "scenarios/kerry_lavrov.yaml", "--replications", "300",
             "--seed", "7", "--out", str(out), "--no-charts", "-q"],
            cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        outs.append(out)
    for name in ("replications.csv", "daily.csv"):
        first, second = ((o / name).read_bytes() for o in outs)
        assert first == second, name
        assert len(first) > 1000
    # the files are the library's tables: same bytes as an in-process run
    rep, daily = csv_bytes(run_scenario(load_scenario(SCENARIO), 300, 7))
    assert (outs[0] / "replications.csv").read_bytes() == rep
    assert (outs[0] / "daily.csv").read_bytes() == daily


def test_different_seed_gives_different_results():
    a, b = run(300, 7), run(300, 8)
    ta, tb = csv_bytes(a), csv_bytes(b)
    assert ta[0] != tb[0] and ta[1] != tb[1]
    # not only the seed column: the outcomes differ
    assert not a.replication_table().drop(columns="block_seed").equals(
        b.replication_table().drop(columns="block_seed"))
    assert not np.array_equal(a.collapse_step, b.collapse_step)
    assert not np.array_equal(a.violations, b.violations)


# --------------------------------------------------------------------------
# Blocks: a replication's numbers come from the root seed and its block
# --------------------------------------------------------------------------

def test_block_seeds_depend_only_on_root_seed_and_index():
    short, long = block_seeds(7, 1500), block_seeds(7, 2500)
    assert [(f, s) for f, _, s in short] == [(f, s) for f, _, s in long[:2]]
    assert [size for _, size, _ in long] == [BLOCK, BLOCK, 500]
    assert len({s for _, _, s in long}) == 3
    assert block_seeds(8, 1500)[0][2] != short[0][2]


def test_full_blocks_do_not_depend_on_the_total():
    a, b = run(1500, 7, daily=False), run(2500, 7, daily=False)
    ta, tb = a.replication_table(), b.replication_table()
    assert ta.iloc[:BLOCK].to_csv(index=False) == tb.iloc[:BLOCK].to_csv(index=False)
    assert np.array_equal(a.seeds, b.seeds[:1500])
    # each block of the joined run is that block run on its own with its seed
    first, size, seed = block_seeds(7, 2500)[1]
    alone = run_block(scenario(), first, size, seed, record_daily=False).replication_table()
    assert alone.to_csv(index=False) == tb.iloc[first:first + size].to_csv(index=False)



# --------------------------------------------------------------------------
# Common random numbers
# --------------------------------------------------------------------------

@pytest.mark.parametrize("variant", [
    {"name": "Renamed copy"},
    {"name": "Renamed copy", "mechanisms__penalties__strength": 0.0},
    {"mechanisms__penalties__enabled": False},
    # penalties deter only as far as violations are detected: no detection, no effect
    {"mechanisms__penalties__strength": 5.0,
     "base": {"mechanisms__attribution__verification": 0.0,
              "mechanisms__penalties__unverified_detection": 0.0}},
])
def test_scenarios_differing_in_nothing_that_matters_give_identical_tables(variant):
    variant = dict(variant)
    base = variant.pop("base", {})
    a = run(300, 11, **base)
    b = run(300, 11, **base, **variant)
    if "name" in variant:
        assert a.scenario_name != b.scenario_name
    ta, tb = csv_bytes(a), csv_bytes(b)
    assert ta[0] == tb[0]
    assert ta[1] == tb[1]


def test_penalties_change_results_when_violations_are_detected():
    """The control for the test above: the same change with detection does matter."""
    a = run(300, 11)
    b = run(300, 11, mechanisms__penalties__strength=5.0)
    assert b.violations.sum() < a.violations.sum()


def test_output_only_parameters_scale_their_column_and_nothing_else():
    a = run(300, 11)
    b = run(300, 11, mechanisms__humanitarian__trucks_per_convoy=40.0, harm__lethality=0.001)
    ta, tb = a.replication_table(), b.replication_table()
    scaled = ["aid_trucks_delivered", "civilian_harm"]
    assert ta.drop(columns=scaled).equals(tb.drop(columns=scaled))
    assert ta["aid_trucks_delivered"].sum() > 0 and ta["civilian_harm"].sum() > 0
    np.testing.assert_array_equal(tb["aid_trucks_delivered"], 2 * ta["aid_trucks_delivered"])
    np.testing.assert_allclose(tb["civilian_harm"], 2 * ta["civilian_harm"], rtol=1e-12)


def test_higher_tolerance_changes_only_the_collapses_it_caused():
    """Tolerance only enters declarations: with the same draws, replications whose truce
    the government did not end are identical, and no truce ends earlier."""
    a = run(400, 11, daily=False)
    b = run(400, 11, daily=False, actors__government__tolerance=None)
    gov = a.actors.index("government")
    ended_by_gov = a.declarer == gov
    assert ended_by_gov.any() and (~ended_by_gov).any()
    ta, tb = a.replication_table(), b.replication_table()
    assert ta[~ended_by_gov].equals(tb[~ended_by_gov])
    never = np.iinfo(np.int64).max
    step_a = np.where(a.collapse_step < 0, never, a.collapse_step)
    step_b = np.where(b.collapse_step < 0, never, b.collapse_step)
    assert np.all(step_b >= step_a)
    assert np.any(step_b[ended_by_gov] > step_a[ended_by_gov])


def test_declaration_switched_off_never_collapses():
    a = run(300, 11)
    b = run(300, 11, mechanisms__declaration__enabled=False)
    assert (a.collapse_step >= 0).any()
    assert np.all(b.collapse_step == -1) and b.survived.all()
    assert np.all(b.declarer == -1) and np.all(b.trigger == -1)
    assert b.jic_activated.all()
    # in truce all the way: at least the violations of the runs that held anyway
    assert b.violations.sum() > a.violations[a.collapse_step == -1].sum()


HELD_ANYWAY_FIELDS = ("violations", "reported", "accidents", "spoiler_attacks", "harm",
                      "aid_delivered", "convoys", "jic_activated")


def test_without_ambiguous_incidents_declaration_off_changes_only_collapsed_runs():
    """Common random numbers: where the truce held anyway, switching declaration off
    changes nothing (ambiguous incidents off in both, to rule out any other channel)."""
    quiet = {"mechanisms__attribution__ambiguous_per_day": 0.0}
    a = run(300, 11, daily=False, **quiet)
    b = run(300, 11, daily=False, mechanisms__declaration__enabled=False, **quiet)
    held = a.collapse_step == -1
    assert held.any() and (~held).any()
    for k in HELD_ANYWAY_FIELDS:
        assert np.array_equal(getattr(a, k)[held], getattr(b, k)[held]), k
    assert not np.array_equal(a.violations[~held], b.violations[~held])


def test_declaration_off_changes_only_collapsed_runs():
    a = run(300, 11, daily=False)
    b = run(300, 11, daily=False, mechanisms__declaration__enabled=False)
    held = a.collapse_step == -1
    if not held.any():
        raise RuntimeError("no run held: choose another seed")
    for k in HELD_ANYWAY_FIELDS:
        assert np.array_equal(getattr(a, k)[held], getattr(b, k)[held]), k


def test_declaration_switch_touches_nothing_else():
    on = compile_scenario(scenario())
    off = compile_scenario(scenario(mechanisms__declaration__enabled=False))
    assert len(off.declarers) == 0 and len(on.declarers) > 0
    np.testing.assert_array_equal(on.p_ambiguous, off.p_ambiguous)
    assert on.key_pairs == off.key_pairs
