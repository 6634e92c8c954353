"""Each agent's decisions respond to what its docstring says they respond to.

Scripted states, as Axelrod's strategies are tested against scripted opponents:
a small model of the reference scenario is built, one agent's inputs are set by
hand, and its decision is checked. No statistics: each check compares two
deterministic computations, or probabilities far from the threshold.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import REFERENCE
from sim.agents.front import FIGHTING, FRAYING, HOLDING, assess
from sim.agents.monitoring import Monitoring
from sim.model.model import CeasefireModel
from sim.scenario.loading import load_scenario

R = 400


def model(**overrides) -> CeasefireModel:
    sc = load_scenario(REFERENCE, {k.replace("__", "."): v for k, v in overrides.items()})
    return CeasefireModel(sc, R, rng=5)


# -- beliefs ---------------------------------------------------------------------------

def _day_of(observer, trusted: str, incidents: float) -> np.ndarray:
    row = observer.slot[observer.model.theatre.index(trusted)]
    before = observer.trust_in(trusted).copy()
    observer.evidence.add(np.full(R, row), np.arange(R), np.full(R, incidents))
    observer.update_beliefs()
    return observer.trust_in(trusted) - before


def test_beliefs_rise_when_the_other_side_looks_committed_and_fall_when_it_does_not():
    m = model(precedent=None)
    opp = m.actor("opposition")
    row = opp.slot[m.theatre.index("government")]
    lam_c = opp.belief_k.gap[row, 0] / (np.exp(opp.belief_k.log_ratio[row, 0]) - 1)
    assert (_day_of(opp, "government", 0.5 * lam_c) > 0).all()
    assert (_day_of(opp, "government", 10 * lam_c) < 0).all()


def test_good_verification_makes_the_same_incidents_stronger_evidence():
    """DESIGN: with poor verification an incident says little about the other's intent;
    with good verification it says much."""
    drops = []
    for v in (0.0, 0.9):
        m = model(precedent=None, mechanisms__monitoring__verification=v)
        drops.append(_day_of(m.actor("opposition"), "government", 12.0).mean())
    assert drops[1] < drops[0] < 0


def test_a_failed_precedent_starts_beliefs_low():
    plain = model(precedent=None).actor("opposition").trust_in("government")
    after = model().actor("opposition").trust_in("government")
    assert (after < plain).all()


# -- a party's weighing ----------------------------------------------------------------

def _set_trust(party, value: float) -> None:
    party.logodds[:] = np.log(value / (1 - value))


def test_a_party_weighs_fighting_less_the_more_it_trusts_the_other_side():
    m = model()
    gov = m.actor("government")
    _set_trust(gov, 0.9)
    trusting = gov.weigh()
    _set_trust(gov, 0.1)
    distrusting = gov.weigh()
    fronts = gov.fronts
    assert (trusting[fronts] < distrusting[fronts]).all()


@pytest.mark.parametrize("override", [
    {"mechanisms__penalties__strength": 2.0},          # "contained no explicit penalties"
    {"mechanisms__monitoring__verification": 0.9},     # violations pinned on their author
    {"actors__russia__commitment": 1.0},               # the patron presses its client
])
def test_costs_of_violating_make_fighting_weigh_less(override):
    base, other = model().actor("government"), model(**override).actor("government")
    for party in (base, other):
        _set_trust(party, 0.5)
        party.patron_agent.decide()
    fronts = base.fronts
    assert (other.weigh()[fronts] < base.weigh()[fronts]).all()


def test_a_besieger_weighs_fighting_more_on_the_fronts_it_besieges():
    m = model()
    gov = m.actor("government")
    _set_trust(gov, 0.5)
    delta = gov.weigh().mean(1)
    sieges = m.theatre.siege_region[m.theatre.besieger == gov.index]
    others = [g for g in np.flatnonzero(gov.fronts) if g not in sieges]
    gain = gov.k.gain[:, 0]
    assert (gain[sieges][:, None] > gain[others][None, :]).all()
    assert delta[sieges].min() > np.median(delta[others])


def test_postures_follow_the_weighing():
    m = model()
    gov = m.actor("government")
    _set_trust(gov, 0.99)
    gov.decide()
    calm = gov.posture[gov.fronts].mean()
    _set_trust(gov, 0.001)
    gov.posture[:] = 0.0
    for _ in range(5):
        gov.decide()
    assert calm < 0.05 < 0.5 < gov.posture[gov.fronts].mean()


# -- powers and the joint center ---------------------------------------------------------

def test_a_power_restrains_more_the_more_it_values_the_jic_and_trusts_its_partner():
    """Article: "This mutually shared goal was meant to be the key to ensuring cooperation"."""
    m = model()
    russia = m.actor("russia")
    us = m.theatre.index("united_states")
    willingness = []
    for trust in (0.1, 0.9):
        russia.logodds[russia.slot[us]] = np.log(trust / (1 - trust))
        russia.decide()
        willingness.append(russia.willingness.copy())
    assert (willingness[1] > willingness[0]).all()
    cold = model(actors__russia__jic_value=0.0).actor("russia")
    cold.logodds[cold.slot[us]] = np.log(9.0)
    cold.decide()
    assert (cold.willingness < willingness[1]).all()


def test_the_jic_starts_only_after_its_quiet_days_and_when_both_powers_join():
    m = model()
    jic = m.jic
    for power in jic.powers:
        power.joins = np.ones(R, bool)
    m.day = 1
    m._recent[-1] = 0.0                    # a quiet day...
    m.convoys.access[:] = 1.0              # ...with access
    for day in range(6):
        jic.decide()
        assert not jic.active.any(), day   # not before seven quiet days
    jic.decide()
    assert jic.active.all()
    m2 = model()
    m2.day = 1
    m2._recent[-1] = 0.0
    m2.convoys.access[:] = 1.0
    m2.jic.powers[0].joins = np.zeros(R, bool)
    m2.jic.powers[1].joins = np.ones(R, bool)
    for _ in range(10):
        m2.jic.decide()
    assert not m2.jic.active.any()         # one power does not trust the other


# -- monitoring, convoys, fronts -------------------------------------------------------------

def test_verification_raises_detection_and_cuts_misreading():
    low, high = (load_scenario(REFERENCE, {"mechanisms.monitoring.verification": v})
                 for v in (0.0, 0.8))
    assert Monitoring.detection(high) > Monitoring.detection(low)
    assert Monitoring.misread(high) < Monitoring.misread(low)


def test_a_besieger_fighting_on_the_front_blocks_the_convoys():
    from sim.core.events import Acts
    m = model(mechanisms__humanitarian__obstruction=0.0, mechanisms__humanitarian__convoys_per_day=24)
    gov = m.actor("government")
    delivered = blocked = 0
    for fighting in (0.0, 1.0):
        gov.posture[m.theatre.siege_region] = fighting
        out = [m.convoys.run(Acts()) for _ in range(24)]
        delivered = sum(o[0].sum() for o in out)
        blocked = sum(o[1].sum() for o in out)
        if fighting:
            assert blocked > 10 * delivered          # blocked_when_fighting: 0.95
        else:
            assert blocked == 0 and delivered > 0


def test_fronts_are_holding_fraying_or_fighting_by_their_violence():
    b = load_scenario(REFERENCE).behaviour.fronts
    war = np.array([[10.0], [10.0], [10.0], [0.0]])
    violence = np.array([[0.0], [10 * (b.fraying_share + 0.01)],
                         [10 * (b.fighting_share + 0.01)], [5.0]])
    status = assess(violence, war, b.fraying_share, b.fighting_share)
    assert status[:, 0].tolist() == [HOLDING, FRAYING, FIGHTING, HOLDING]


def test_spoiler_attacks_pass_for_the_other_side_only_where_fighters_are_intermixed():
    """Article: the US was to persuade the opposition "to distance themselves from the Nusra
    forces"; separated, Nusra's attacks can no longer pass for the opposition's."""
    from sim.core.events import SPOILER, Acts
    booked = []
    for separation in (0.0, 1.0):
        m = model(behaviour__monitoring__bias=1.0, mechanisms__separation__initial=separation)
        m.jic.active[:] = False
        nusra, gov = m.theatre.index("nusra"), m.theatre.index("government")
        idlib = m.theatre.regions.index("idlib")
        acts = Acts()
        reps = np.arange(R)
        acts.add(reps, nusra, gov, idlib, 1, SPOILER, np.full(R, 0.01), 1.0, 0)
        seen = m.monitoring.perceive(acts.arrays())
        booked.append(int(((seen.cause == SPOILER)
                           & (seen.accused == m.theatre.index("opposition"))).sum()))
    assert booked[0] == R and booked[1] == 0
