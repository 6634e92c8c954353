"""Determinism, named random streams and common random numbers.

Same seed and replications give byte-identical tables, in one process and
across processes; another seed gives other results; a replication's numbers
depend on the root seed and its block, not on the total run; each agent draws
from its own named stream (``sim.core.streams``), so switching one mechanism
off leaves the other agents' numbers as they were; and parameter sets stacked
on the replication axis (``variants``, sweep chunks) give exactly the rows of a
separate run of each set.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.model.model import CeasefireModel
from sim.model.results import Results
from sim.core.streams import Streams, stream_seed
from sim.run.chunks import block_size
from sim.run.chunks import chunks as chunks_of
from sim.run.posterior import SHIPPED, load_posterior
from sim.run.experiment import run_batch, run_blocks, run_scenario
from sim.run.seeding import BLOCK, block_seeds
from sim.scenario.loading import load_scenario
from sim.scenario.sweep import load_sweep

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "kerry_lavrov.yaml"
SHORT = {"time.horizon_days": 8}      # the truce week and one day after: quick runs


def scenario(**overrides):
    """The reference scenario, short horizon, with ``a__b__c=v`` meaning ``a.b.c: v``."""
    return load_scenario(SCENARIO, {**SHORT, **{k.replace("__", "."): v
                                                for k, v in overrides.items()}})


def csv_bytes(r: Results) -> tuple[bytes, bytes]:
    return (r.replication_table().to_csv(index=False).encode(),
            r.daily_table().to_csv(index=False).encode())


def table_bytes(table: pd.DataFrame) -> bytes:
    return table.to_csv(index=False).encode()


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


WORLD = ("collapsed", "collapse_day", "declarer", "trigger", "de_facto", "de_facto_day",
         "front_status", "violence_today", "separation")


def snapshot(m: CeasefireModel) -> dict[str, bytes]:
    """Everything that decides a world's future, as bytes: the truce's state, every agent's
    beliefs in every other actor, and the recorder's counters."""
    snap = {k: np.asarray(getattr(m, k)).tobytes() for k in WORLD}
    for agent in m._actors:
        if hasattr(agent, "logodds"):                  # observers: beliefs in each other
            snap[f"{agent.name}.beliefs"] = agent.logodds.tobytes()
        if hasattr(agent, "separation"):
            snap[f"{agent.name}.separation"] = np.asarray(agent.separation).tobytes()
    for k in ("violations", "reported", "admitted", "accidents", "spoiler_attacks", "harm",
              "aid_delivered", "convoys"):
        snap[k] = getattr(m.recorder, k).tobytes()
    snap["jic"] = m.jic.start_day.tobytes()
    return snap


def test_same_seed_gives_identical_state_at_every_step():
    sc = scenario()
    m1 = CeasefireModel(sc, replications=50, rng=123)
    m2 = CeasefireModel(sc, replications=50, rng=123)
    steps = 0
    while m1.running:
        m1.step()
        m2.step()
        steps += 1
        s1, s2 = snapshot(m1), snapshot(m2)
        assert s1.keys() == s2.keys()
        for k in s1:
            assert s1[k] == s2[k], f"{k} differs after step {steps}"
    assert not m2.running and steps == m1.n_days          # a step is a day
    # and the block runner is just this model stepped to the horizon
    r = run_blocks([sc], [(0, 50, 123)])
    assert table_bytes(r.replication_table().drop(columns="block_seed")) == table_bytes(
        m1.results().replication_table().drop(columns="block_seed"))


@pytest.mark.slow
def test_same_seed_gives_identical_files_across_processes(tmp_path):
    procs = []
    for i, hash_seed in enumerate(("1", "2")):   # also vary str hashing between processes
        out = tmp_path / f"run{i}"
        procs.append((out, subprocess.Popen(
            [sys.executable, "run.py", "scenarios/kerry_lavrov.yaml", "--replications", "300",
             "--seed", "7", "--out", str(out), "--no-charts", "-q"],
            cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": hash_seed},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    outs = []
    for out, proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        outs.append(out)
    for name in ("replications.csv", "daily.csv"):
        first, second = ((o / name).read_bytes() for o in outs)
        assert first == second, name
        assert len(first) > 1000
    # the files are the library's tables: same bytes as an in-process run
    rep, daily = csv_bytes(run_scenario(load_scenario(SCENARIO), 300, 7,
                                        posterior=load_posterior(SHIPPED)))
    assert (outs[0] / "replications.csv").read_bytes() == rep
    assert (outs[0] / "daily.csv").read_bytes() == daily


def test_different_seed_gives_different_results():
    a, b = run(300, 7), run(300, 8)
    ta, tb = csv_bytes(a), csv_bytes(b)
    assert ta[0] != tb[0] and ta[1] != tb[1]
    # not only the seed column: the outcomes differ
    assert not a.replication_table().drop(columns="block_seed").equals(
        b.replication_table().drop(columns="block_seed"))
    assert not np.array_equal(a.formal_day, b.formal_day)
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
    """``-r 2000`` and ``-r 3000`` with one seed agree on the 2000 rows they share."""
    assert BLOCK == 1000
    a, b = run(2000, 7, daily=False), run(3000, 7, daily=False)
    ta, tb = a.replication_table(), b.replication_table()
    assert table_bytes(ta) == table_bytes(tb.iloc[:2000])
    assert np.array_equal(a.seeds, b.seeds[:2000])
    # each block of the joined run is that block run on its own with its seed
    first, size, seed = block_seeds(7, 3000)[2]
    alone = run_blocks([scenario()], [(first, size, seed)], record_daily=False)
    assert table_bytes(alone.replication_table()) == table_bytes(
        tb.iloc[first:first + size].reset_index(drop=True))


def test_a_partial_block_does_not_change_the_full_ones():
    """Blocks of unequal size run in one model each keep their own numbers."""
    blocks = [(0, 120, 5), (120, 40, 6)]
    both = run_blocks([scenario()], blocks, record_daily=False, block_size=120)
    for first, size, seed in blocks:
        alone = run_blocks([scenario()], [(first, size, seed)], record_daily=False,
                           block_size=120)
        assert table_bytes(alone.replication_table()) == table_bytes(
            both.replication_table().iloc[first:first + size].reset_index(drop=True))


# --------------------------------------------------------------------------
# Named streams: each agent's own numbers
# --------------------------------------------------------------------------

def test_a_stream_depends_on_its_name_and_seed_only():
    alone = Streams([(50, 3)])
    busy = Streams([(50, 3)])
    busy.uniforms("nusra.acts", 5)            # another stream drawn first
    busy.uniforms("monitoring.ambiguous", 4)
    a, b = alone.uniforms("government.acts", 5), busy.uniforms("government.acts", 5)
    assert a.shape == (5, 50) and np.array_equal(a, b)
    assert np.all((a >= 0) & (a < 1))
    assert not np.array_equal(a, Streams([(50, 3)]).uniforms("opposition.acts", 5))
    assert not np.array_equal(a, Streams([(50, 4)]).uniforms("government.acts", 5))
    expected = np.random.Generator(np.random.PCG64(stream_seed(3, "government.acts"))
                                   ).random((5, 50), dtype=np.float32)
    assert np.array_equal(a, expected)


def test_stacked_sets_share_their_numbers():
    one = Streams([(30, 9), (20, 10)]).uniforms("russia.decisions", 2)
    three = Streams([(30, 9), (20, 10)], sets=3).uniforms("russia.decisions", 2)
    assert three.shape == (2, 150)
    for s in range(3):
        assert np.array_equal(three[:, s * 50:(s + 1) * 50], one)


def draws_by_stream(sc, reps: int = 40, seed: int = 21) -> dict[str, np.ndarray]:
    """Every number each named stream handed out over a run, in order (one block)."""
    model = CeasefireModel(sc, replications=reps, rng=seed, record_daily=False)
    drawn: dict[str, list[np.ndarray]] = {}
    original = model.streams.uniforms

    def recording(name: str, rows: int = 1, *skip) -> np.ndarray:
        u = original(name, rows)    # in full: the rows settled worlds skip too (test_settled)
        drawn.setdefault(name, []).append(u.ravel().copy())
        return u

    model.streams.uniforms = recording
    model.run()
    return {name: np.concatenate(parts) for name, parts in drawn.items()}


@pytest.mark.parametrize("switch", ["mechanisms.spoilers.enabled",
                                    "mechanisms.humanitarian.enabled",
                                    "mechanisms.intelligence.enabled"])
def test_switching_a_mechanism_off_leaves_other_streams_unchanged(switch):
    """A stream's numbers never depend on whether other streams were drawn: whatever a
    mechanism switched off stops drawing, every stream both runs use hands out the same
    sequence (the shorter a prefix of the longer)."""
    on = draws_by_stream(scenario())
    off = draws_by_stream(scenario(**{switch.replace(".", "__"): False}))
    shared = set(on) & set(off)
    assert {"government.acts", "opposition.decisions", "russia.decisions"} <= shared
    for name in shared:
        n = min(len(on[name]), len(off[name]))
        assert n > 0
        assert np.array_equal(on[name][:n], off[name][:n]), name


# --------------------------------------------------------------------------
# Common random numbers: changes that should not matter do not
# --------------------------------------------------------------------------

@pytest.mark.parametrize("variant", [
    {"name": "Renamed copy"},
    {"name": "Renamed copy", "mechanisms__penalties__strength": 0.0},
    {"mechanisms__penalties__enabled": False},
    # switched off means verification 0 (MonitoringTerms.enabled)
    {"mechanisms__monitoring__enabled": False,
     "base": {"mechanisms__monitoring__verification": 0.0}},
    # switched-off penalties do not deter, whatever their strength
    {"mechanisms__penalties__enabled": False,
     "base": {"mechanisms__penalties__strength": 0.0},
     "also": {"mechanisms__penalties__strength": 4.0}},
])
def test_scenarios_differing_in_nothing_that_matters_give_identical_tables(variant):
    variant = dict(variant)
    base = variant.pop("base", {})
    also = variant.pop("also", {})
    a = run(300, 11, **base)
    b = run(300, 11, **{**base, **variant, **also})
    if "name" in variant:
        assert a.scenario_name != b.scenario_name
    ta, tb = csv_bytes(a), csv_bytes(b)
    assert ta[0] == tb[0]
    assert ta[1] == tb[1]


def test_penalties_change_results_when_they_are_on():
    """The control for the test above: the same change with penalties on does matter."""
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


# --------------------------------------------------------------------------
# Parameter sets on the replication axis
# --------------------------------------------------------------------------

SETS = [{}, {"mechanisms__penalties__strength": 2.0},
        {"mechanisms__spoilers__enabled": False, "actors__russia__commitment": 0.8}]


def split_sets(table: pd.DataFrame, n: int) -> list[bytes]:
    assert sorted(set(table["parameter_set"])) == list(range(n))
    return [table_bytes(table[table["parameter_set"] == s].drop(columns="parameter_set")
                        .reset_index(drop=True)) for s in range(n)]


def test_a_stacked_model_gives_each_set_the_rows_of_its_own_run():
    blocks = [(0, 120, 31), (120, 60, 32)]
    scenarios = [scenario(**s) for s in SETS]
    stacked = run_blocks(scenarios, blocks, record_daily=False, block_size=120)
    table = stacked.replication_table()
    assert len(table) == 3 * 180
    parts = split_sets(table, 3)
    for sc, part in zip(scenarios, parts, strict=True):
        alone = run_blocks([sc], blocks, record_daily=False, block_size=120)
        assert part == table_bytes(alone.replication_table().drop(columns="parameter_set"))
    # the sets differ: stacking did not just copy the first set's rows
    assert len(set(parts)) == 3


INDEX = ["replication", "index_in_block"]


def test_the_model_takes_variants_directly():
    """``CeasefireModel(variants=...).run()``: each set's outcomes are its own run's
    (the replication numbering is checked apart, below)."""
    a, b = scenario(), scenario(mechanisms__penalties__strength=2.0)
    stacked = CeasefireModel(a, variants=[a, b], blocks=[(80, 44)], record_daily=False).run()
    assert stacked.replications == 160
    assert list(stacked.parameter_set) == [0] * 80 + [1] * 80
    parts = split_sets(stacked.replication_table().drop(columns=INDEX), 2)
    for sc, part in zip((a, b), parts, strict=True):
        alone = CeasefireModel(sc, replications=80, rng=44, record_daily=False).run()
        assert part == table_bytes(alone.replication_table().drop(
            columns=["parameter_set", *INDEX]))
    assert parts[0] != parts[1]


def test_a_stacked_models_replications_are_numbered_within_each_set():
    a, b = scenario(), scenario(mechanisms__penalties__strength=2.0)
    stacked = CeasefireModel(a, variants=[a, b], blocks=[(80, 44)], record_daily=False).run()
    assert list(stacked.replication) == list(range(80)) * 2


def test_sets_with_other_actors_are_refused():
    a = scenario()
    b = load_scenario(ROOT / "scenarios" / "feb2016_cessation.yaml", SHORT)
    if b.actors.keys() == a.actors.keys() and b.regions.keys() == a.regions.keys():
        b = load_scenario(ROOT / "tests" / "data" / "unseen_conflict.yaml", SHORT)
    with pytest.raises(ValueError, match="run it separately"):
        CeasefireModel(a, variants=[a, b], blocks=[(5, 1)])


SWEEP = f"""
extends: {SCENARIO}
name: stacked chunk
time: {{horizon_days: 8}}
sweep:
  parameters:
    mechanisms.penalties.strength: {{values: [0, 2]}}
    mechanisms.monitoring.verification: {{values: [0.1, 0.7]}}
  replications: 150
"""


def test_a_sweep_batch_gives_each_point_the_rows_of_run_scenario(tmp_path):
    """Chunks of one block stacked in one task (however ``batches`` groups them) give each
    point exactly the rows of ``run_scenario`` of that point with the sweep's seed."""
    from sim.run.experiment import batches
    path = tmp_path / "sweep.yaml"
    path.write_text(SWEEP, encoding="utf-8")
    plan = load_sweep(path, seed=13)
    chunks = chunks_of(plan)
    assert len(chunks) == 4 and len({(c.first, c.size, c.seed) for c in chunks}) == 1
    c = chunks[0]
    block = block_size(plan)
    stacked = ([(g.key, g.point, plan.scenarios[g.point]) for g in chunks], c.first, c.size,
               c.seed, block)
    # the executors' own grouping covers every chunk once, with the same block
    grouped = list(batches(plan, chunks))
    assert sorted(k for task in grouped for k, _, _ in task[0]) == sorted(g.key for g in chunks)
    assert {task[1:] for task in grouped} == {stacked[1:]}
    results = run_batch(stacked)
    assert [key for key, _ in results] == [g.key for g in chunks]
    for key, rows in results:
        point = int(rows["point"].iloc[0])
        alone = run_scenario(plan.scenarios[point], plan.replications, 13, record_daily=False)
        expected = alone.replication_table().drop(columns="parameter_set")
        assert table_bytes(rows.drop(columns="point")) == table_bytes(expected), key
        assert (rows["point"] == point).all()
    # and a task of one chunk gives the same rows as the stacked task
    single = run_batch(grouped[-1])
    assert all(table_bytes(rows) == table_bytes(dict(results)[key]) for key, rows in single)


def test_a_model_takes_its_seed_from_rng_or_its_blocks_not_both():
    with pytest.raises(ValueError, match="rng or blocks"):
        CeasefireModel(scenario(), rng=1, blocks=[(10, 2)])
