"""Penalties (``sim.agents.penalties``): the mechanism contract, and the direction in which its
terms move 7-day survival on the reference scenario (``contract.direction``); the opt-in
form that needs an enforcer and is charged per attributed violation: nothing with no
enforcer willing, more survival with more strength, a cost in proportion to the party's
own violations on each front."""

from __future__ import annotations

import numpy as np
import pytest
from contract import R_DIRECTION, SEED, MechanismContract, direction, reference

from sim.agents.penalties import Penalties, attributed
from sim.agents.power import ExternalPower
from sim.model.model import CeasefireModel
from sim.run.experiment import run_scenario
from sim.scenario.errors import ScenarioError

ENFORCED = {"mechanisms.penalties.enforcer": "united_states",
            "mechanisms.penalties.per": "violation"}


class TestPenalties(MechanismContract):
    cls = Penalties
    DIRECTIONS = (
        ('mechanisms.penalties.strength', 0.0, 2.0, +1),   # survival rises
    )

    def test_the_default_form_is_automatic_and_charged_per_front_day(self):
        sc = reference({"mechanisms.penalties.strength": 2.0})
        assert Penalties.pinned_cost(sc) == 2.0
        model = CeasefireModel(sc, 2, rng=1)
        model.step()
        assert Penalties.violation_cost(model.actor("government")) == 0.0
        dumped = sc.model_dump(mode="json")["mechanisms"]["penalties"]
        assert set(dumped) == {"enabled", "strength"}      # as before the enforced form

    def test_with_no_enforcer_willing_penalties_do_nothing(self):
        """An enforcer with no commitment imposes nothing: the run is the same, world by
        world, as one with no penalties (same seed)."""
        unwilling = {"actors.united_states.commitment": 0.0}

        def outcome(overrides):
            r = run_scenario(reference({**unwilling, **overrides}), 200, SEED,
                             record_daily=False)
            return r.survived_to(7), r.violations

        none = outcome({"mechanisms.penalties.strength": 0.0})
        enforced = outcome({**ENFORCED, "mechanisms.penalties.strength": 3.0})
        assert all(np.array_equal(a, b) for a, b in zip(none, enforced, strict=True))

    def test_more_strength_more_survival_in_the_enforced_form(self):
        """Paired over R_DIRECTION worlds: the same rule as the contract's directions."""
        effect, se = direction("mechanisms.penalties", {**_block(ENFORCED), "strength": 0.0},
                               {**_block(ENFORCED), "strength": 1.0}, +1)
        assert R_DIRECTION and effect > max(3 * se, 0.01), (effect, se)

    def test_per_violation_it_is_charged_on_the_partys_own_violations(self):
        model = CeasefireModel(reference({**ENFORCED, "mechanisms.penalties.strength": 1.5}),
                               2, rng=1)
        model.step()
        party = model.actor("government")
        cost = np.asarray(Penalties.violation_cost(party))
        will = ExternalPower.commitment(model.base, "united_states")   # less domestic
        expected = 1.5 * will * party.k.war_rate * party.k.front_weight \
            * attributed(model, model.compiled["penalties"].detection)
        assert np.allclose(cost, expected) and cost.max() > 0
        assert Penalties.pinned_cost(model.base) == 0.0     # not also charged per front-day

    def test_the_enforcer_must_be_a_power(self):
        with pytest.raises(ScenarioError, match="mechanisms.penalties.enforcer"):
            reference({"mechanisms.penalties.enforcer": "opposition"})


def _block(overrides: dict) -> dict:
    return {k.rsplit(".", 1)[1]: v for k, v in overrides.items()}


def test_an_enforced_penalty_deters_blocking_convoys_as_the_automatic_one_does():
    """A blocked convoy is one violation: the enforced form deters a besieger from blocking
    by the penalty its enforcer would impose (strength x its commitment), where it used to
    leave convoys as they were without penalties. Compiled constants: exact."""
    def obstruction(overrides):
        model = CeasefireModel(reference(overrides), 1, rng=0, record_daily=False)
        return float(np.asarray(model.convoys.k.obstruction).ravel()[0])

    none = obstruction({})
    will = ExternalPower.commitment(reference(), "united_states")
    enforced = obstruction({**ENFORCED, "mechanisms.penalties.strength": 3.0})
    automatic = obstruction({"mechanisms.penalties.strength": 3.0 * will})
    assert enforced < none
    assert enforced == pytest.approx(automatic)
