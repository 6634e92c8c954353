"""Settled worlds: numbers they never read are not drawn, and a model whose worlds are all
settled can stop (``until``), without changing what the run gives.

No timing here: ``benchmarks/year_long.py`` measures the speed.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from sim.core.sampling import pick, pick_at
from sim.core.streams import Streams
from sim.model.model import CeasefireModel
from sim.run.experiment import STOPS, finish, run_scenario
from sim.run.posterior import SHIPPED, load_posterior
from sim.run.seeding import block_seeds
from sim.scenario.loading import load_scenario

from conftest import REFERENCE

#: The outcomes of a replication: what no day after it is settled can change.
OUTCOMES = ("formal_day", "declarer", "trigger", "de_facto_day", "jic_start_day", "end_day",
            "ending", "draw", "parameter_set", "replication", "seeds")

BLOCKS = [(30, 9), (21, 10)]     # the second block odd: 3 x 21 skipped numbers, a half-word


def test_idle_blocks_skip_the_rows_they_never_read_and_later_draws_are_unchanged():
    plain, skipping = Streams(BLOCKS, sets=2), Streams(BLOCKS, sets=2)
    idle = np.zeros(2 * 51, bool)
    idle[:30] = idle[51:81] = True      # the first block idle in both parameter sets
    idle[81:90] = True                  # the second idle in one set only: drawn in full
    for day in range(3):
        want = plain.uniforms("government.acts", 5)
        got = skipping.uniforms("government.acts", 5, idle=idle, needed=2)
        first_block = np.r_[0:30, 51:81]
        assert np.isnan(got[2:, first_block]).all()
        assert np.array_equal(got[:2], want[:2])
        rest = np.setdiff1d(np.arange(102), first_block)
        assert np.array_equal(got[:, rest], want[:, rest])
        # another stream, and the same stream with other row counts, as drawn in full
        assert np.array_equal(skipping.uniforms("government.decisions", 3),
                              plain.uniforms("government.decisions", 3))
        assert np.array_equal(skipping.uniforms("government.acts", 1 + day),
                              plain.uniforms("government.acts", 1 + day))


def test_no_idle_world_draws_as_before():
    a, b = Streams(BLOCKS), Streams(BLOCKS)
    assert np.array_equal(a.uniforms("isis.acts", 4),
                          b.uniforms("isis.acts", 4, idle=np.zeros(51, bool), needed=1))
    assert np.array_equal(a.uniforms("isis.acts", 4), b.uniforms("isis.acts", 4))


def test_pick_at_makes_the_choices_of_pick():
    rng = np.random.default_rng(3)
    weights = rng.random((7, 400)) * (rng.random((7, 400)) < 0.6)
    weights[:, :10] = 0.0               # worlds with no weight at all: index 0 ... the last
    column = rng.integers(0, 400, 5000)
    u = rng.random(5000, dtype=np.float32)
    cumulative = np.cumsum(weights, axis=0)
    assert np.array_equal(pick_at(cumulative, column, u),
                          pick(np.cumsum(weights.T, axis=1)[column], u))


def _equal(a, b) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    return a == b


@pytest.fixture(scope="module")
def year():
    """The reference over 120 days, 1300 replications (a full block and a partial one)
    under the shipped posterior."""
    return load_scenario(REFERENCE, {"time.horizon_days": 120}), load_posterior(SHIPPED)


def test_skipping_unread_numbers_leaves_every_result_as_drawing_them(year, monkeypatch):
    scenario, posterior = year
    skipping = run_scenario(scenario, 1300, 5, record_daily=True, posterior=posterior)
    monkeypatch.setattr(Streams, "_idle_blocks", lambda self, idle: set())
    drawing = run_scenario(scenario, 1300, 5, record_daily=True, posterior=posterior)
    assert (skipping.formal_day >= 0).all()     # the skipped path was exercised
    for f in fields(skipping):
        assert _equal(getattr(skipping, f.name), getattr(drawing, f.name)), f.name


def test_a_model_stops_once_its_worlds_are_settled_with_the_full_runs_outcomes(year):
    scenario, posterior = year
    full = run_scenario(scenario, 1300, 5, record_daily=False, posterior=posterior)
    early = run_scenario(scenario, 1300, 5, record_daily=False, posterior=posterior,
                         until="settled")
    for name in OUTCOMES:
        assert _equal(getattr(early, name), getattr(full, name)), name
    assert np.array_equal(early.collapse_day, full.collapse_day, equal_nan=True)
    assert np.array_equal(early.kind_of_collapse, full.kind_of_collapse)
    # the model stopped on the first day all its worlds were settled, before the horizon
    blocks = block_seeds(5, 300)
    model = CeasefireModel(scenario, blocks=[(size, seed) for _, size, seed in blocks],
                           record_daily=False)
    finish(model, blocks, until="settled")
    last = max(model.collapse_day.max(), model.de_facto_day.max())
    # (a declaration on day d is booked during day d, violence back on day d at its close)
    assert STOPS["settled"](model).all() and model.day - last in (0, 1) and model.day < model.n_days


@pytest.mark.parametrize("window", [2, 3])
def test_a_world_stopped_at_its_first_known_collapse_has_the_full_runs_first_collapse(window):
    """One world a model, so each stops on the day its own first collapse is known: its
    day and kind are the full run's, whatever the de facto window (a window of three that
    reaches past a declaration could once date an erosion before it, after the stop)."""
    from sim.run.experiment import run_blocks
    scenario = load_scenario(REFERENCE, {"time.horizon_days": 30,
                                         "outcomes.de_facto_window_days": window})
    stopped_early = 0
    for seed in range(40):
        blocks = [(0, 1, seed)]
        full = run_blocks([scenario], blocks, record_daily=False)
        model = CeasefireModel(scenario, blocks=[(1, seed)], record_daily=False)
        early = finish(model, blocks, until="first_collapse_known")
        stopped_early += model.day < model.n_days
        assert np.array_equal(full.collapse_day, early.collapse_day, equal_nan=True), seed
        assert np.array_equal(full.kind_of_collapse, early.kind_of_collapse), seed
    assert stopped_early > 20          # the stop was exercised
