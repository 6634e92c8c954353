"""Each rule on a scripted state: the direction the article gives it, one rule at a time.

The model is built with R replications that differ in one thing only (a column
of the state set by hand), and the rule is read on that state, so a test fails
if the rule stops responding to what its docstring cites.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import REFERENCE
from sim.model import rules
from sim.scenario.loading import load_scenario
from sim.model.model import CeasefireModel


def model(replications: int = 3, **overrides) -> CeasefireModel:
    sc = load_scenario(REFERENCE, {k.replace("__", "."): v for k, v in overrides.items()})
    return CeasefireModel(sc, replications=replications, rng=0)


def index(m: CeasefireModel, name: str) -> int:
    return m.actor(name).index


def test_the_model_is_a_mesa_model_of_named_agents_on_a_region_network():
    m = model(replications=1)
    names = {a.name for a in m.actors}
    assert names == {"government", "opposition", "nusra", "isis", "russia", "united_states"}
    assert type(m.actor("russia")).__name__ == "ExternalPower"
    assert type(m.actor("nusra")).__name__ == "Faction"
    aleppo = next(r for r in m.regions if r.name == "aleppo_east")
    assert {r.name for r in aleppo.neighbours} == {"aleppo_west", "idlib"}
    assert len(m.agents) == 6 + len(m.regions)
    results = m.run()
    assert results.replications == 1 and m.actor("government").trust_in("opposition").shape == (1,)


def test_retaliation_raises_violations_with_perceived_tension():
    m = model()
    g = index(m, "government")
    m.state.tension[g] = [0.0, 5.0, 10.0]
    rates = rules.violation_rates(m.compiled, m.state, rules.trust_in_other_side(m.compiled, m.state))
    assert rates[g, 0] < rates[g, 1] < rates[g, 2]


def test_distrust_raises_opportunistic_violations():
    m = model()
    g, o = index(m, "government"), index(m, "opposition")
    m.state.trust[m.compiled.pair(g, o)] = [0.9, 0.5, 0.1]
    rates = rules.violation_rates(m.compiled, m.state, rules.trust_in_other_side(m.compiled, m.state))
    assert rates[g, 0] < rates[g, 1] < rates[g, 2]


@pytest.mark.parametrize("path,low,high", [
    ("actors__russia__leverage", 0.1, 0.9),
    ("actors__russia__commitment", 0.1, 0.9),
    ("mechanisms__penalties__strength", 0.0, 3.0),
])
def test_patron_pressure_and_penalties_hold_the_client_back(path, low, high):
    rate = {}
    for value in (low, high):
        m = model(**{path: value})
        trust = rules.trust_in_other_side(m.compiled, m.state)
        rate[value] = rules.violation_rates(m.compiled, m.state, trust)[index(m, "government"), 0]
    assert rate[high] < rate[low]


def test_spoilers_attack_throughout_and_less_under_the_jic():
    m = model()
    nusra = index(m, "nusra")
    spec = m.scenario_spec.actors["nusra"]
    m.state.collapsed[:] = [False, True, False]
    m.state.jic[:] = [False, False, True]
    rates = rules.violation_rates(m.compiled, m.state, rules.trust_in_other_side(m.compiled, m.state))
    assert rates[nusra, 0] == pytest.approx(spec.truce_rate)
    assert rates[nusra, 1] == pytest.approx(spec.war_rate)
    assert 0 < rates[nusra, 2] < rates[nusra, 0]


def test_a_collapsed_truce_is_fought_at_war_rates():
    m = model()
    g = index(m, "government")
    m.state.collapsed[:] = [False, True, False]
    rates = rules.violation_rates(m.compiled, m.state, rules.trust_in_other_side(m.compiled, m.state))
    assert rates[g, 1] == pytest.approx(m.scenario_spec.actors["government"].war_rate)
    assert rates[g, 0] < rates[g, 1]


def test_verification_and_the_joint_commission_cut_misattribution():
    weak, strong = model(), model(mechanisms__attribution__verification=0.8)
    weak.state.jic[:] = [False, True, False]
    p_weak = rules.misattribution_probability(weak.compiled, weak.state)
    p_strong = rules.misattribution_probability(strong.compiled, strong.state)
    assert p_strong[0] < p_weak[0] and p_weak[1] < p_weak[0]


def test_trust_is_lost_faster_than_it_is_gained():
    """At middling trust, one perceived violation undoes more than a whole quiet day."""
    m = model()
    m.state.trust[:] = 0.5
    blamed = np.zeros_like(m.state.trust)
    blamed[:, 0] = 1.0                        # one perceived violation, first replication
    rules.update_trust(m.compiled, m.state, blamed)
    lost = 0.5 - m.state.trust[:, 0]
    for _ in range(m.compiled.steps_per_day - 1):
        rules.update_trust(m.compiled, m.state, np.zeros_like(blamed))
    gained_in_a_day = m.state.trust[:, 1] - 0.5
    assert (gained_in_a_day > 0).all() and (lost > gained_in_a_day).all()


def test_tension_fades_with_forgiveness():
    m = model()
    g = index(m, "government")
    m.state.tension[g] = 8.0
    half_life_steps = round(m.scenario_spec.mechanisms.retaliation.memory_days
                            * m.compiled.steps_per_day)
    for _ in range(half_life_steps):
        rules.update_tension(m.compiled, m.state, np.zeros((m.compiled.n_camps, 3)))
    assert m.state.tension[g] == pytest.approx(4.0)


def test_the_party_past_its_limit_declares_and_no_other():
    m = model()
    g, o = index(m, "government"), index(m, "opposition")
    tolerance = m.scenario_spec.actors["government"].tolerance
    m.state.tension[g] = [0.0, tolerance, 0.0]
    m.state.trust[m.compiled.pair(o, g)] = [0.5, 0.5, 0.001]     # below the opposition's floor
    m.state.trust[m.compiled.pair(o, index(m, "russia"))] = [0.5, 0.5, 0.001]
    who = rules.declarations(m.compiled, m.state, rules.trust_in_other_side(m.compiled, m.state))
    assert who.tolist() == [-1, g, o]


def test_blocked_convoys_depend_on_restraint_and_collapse():
    m = model()
    siege = np.array([0, 0])
    rep = np.array([0, 1])
    m.state.collapsed[:] = [False, True, False]
    p = rules.convoy_block_probability(m.compiled, m.state,
                                       rules.trust_in_other_side(m.compiled, m.state), siege, rep)
    obstruction = m.scenario_spec.mechanisms.humanitarian.obstruction
    assert p[0] < p[1] == pytest.approx(obstruction)


def test_intelligence_is_misused_only_by_an_uncommitted_recipient():
    reckless = model(actors__russia__commitment=0.0)
    loyal = model(actors__russia__commitment=1.0)
    assert (rules.misuse_probability(reckless.compiled, reckless.state) > 0).all()
    assert (rules.misuse_probability(loyal.compiled, loyal.state) == 0).all()
    off = model(mechanisms__intelligence__enabled=False)
    assert (rules.misuse_probability(off.compiled, off.state) == 0).all()


def test_separation_progresses_with_the_patrons_pull_and_cuts_collateral():
    m = model(mechanisms__separation__rate_per_day=1.0)
    o, r = index(m, "opposition"), index(m, "russia")
    actor, rep = np.array([r]), np.array([0])
    before = rules.accident_probability(m.compiled, m.state, actor, rep)
    for _ in range(24 * 7):
        rules.update_separation(m.compiled, m.state)
    assert 0 < m.state.separation[o, 0] < 1
    assert rules.accident_probability(m.compiled, m.state, actor, rep) < before


def test_results_do_not_hinge_on_the_step_length():
    """Counts per step are Poisson, so halving the step changes the outcome only by the
    finer timing of reactions: survival at 30-minute and 2-hour steps stays within 0.04
    of the hourly model (R = 2000 each: standard error of a difference about 0.013)."""
    from conftest import run
    hourly = run(REFERENCE, 2000, 5).survived.mean()
    for hours in (0.5, 2.0):
        other = run(REFERENCE, 2000, 5, time__step_hours=hours).survived.mean()
        assert abs(other - hourly) < 0.04, (hours, other, hourly)
