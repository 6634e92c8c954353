"""Incidents of unclear origin scaled by the war (``behaviour.monitoring.unclear_scale``,
``sim.agents.monitoring``): Model 2 gives every party the same ``ambiguous_per_day`` in a
quiet war and an intense one, while the fronts' thresholds and the de facto test are shares
of the war's own level; under 'war' they are ``ambiguous_share`` of the parties' war tempo
on the fronts where a party meets the other side, so they keep their share of the war
level whatever its scale."""

from __future__ import annotations

import numpy as np
from contract import reference
from ground import total, unclear, watch

from sim.agents.monitoring import Monitoring
from sim.model.theatre import Theatre

WAR = {"behaviour.monitoring.unclear_scale": "war"}
PARTIES = ("government", "opposition")


def scaled(factor: float) -> dict:
    sc = reference()
    return {f"actors.{n}.war_rate": a.war_rate * factor for n, a in sc.actors.items()}


def per_day(overrides: dict) -> np.ndarray:
    sc = reference(overrides)
    return Monitoring.unclear_per_day(sc, Theatre.of(sc))


def test_fixed_is_the_same_number_for_every_actor_whatever_the_war():
    for factor in (0.1, 1.0):
        assert np.all(per_day(scaled(factor)) == reference().behaviour.monitoring
                      .ambiguous_per_day)


def test_war_scales_with_every_war_rate_and_with_the_share():
    base = per_day(WAR)
    observers = Monitoring.observers_of(Theatre.of(reference()))
    assert np.all(base[observers] > 0)
    np.testing.assert_allclose(per_day(WAR | scaled(0.1)), 0.1 * base)
    np.testing.assert_allclose(per_day(WAR | {"behaviour.monitoring.ambiguous_share": 0.1}),
                               2 * base)


def test_a_quieter_war_books_proportionally_fewer_unclear_incidents():
    # Day 0 only (no truce has collapsed yet, so every world books them): the count over
    # 1000 worlds is Poisson; at the reference's scale its mean is about 1000 x 2 parties x
    # 2.0 x the misreading share, about 2,000 (2,151 here; 3,410 under 'war', whose
    # share 0.05 of the reference's tempo gives the government and the opposition 3.2 a
    # day each). A tenth of the war must book a tenth: within 0.03 of the ratio, about 5
    # sd of the quieter count (about 340, sd 18); the fixed form the same number (within
    # 15%, far beyond chance at these counts).
    def day0(overrides):
        return total(watch(overrides, R=1000, days=1), unclear)
    full, quiet = day0(WAR), day0(WAR | scaled(0.1))
    assert full > 300
    assert abs(quiet / full - 0.1) < 0.03
    fixed_full, fixed_quiet = day0({}), day0(scaled(0.1))
    assert abs(fixed_quiet / fixed_full - 1) < 0.15


def test_a_power_expects_the_noise_its_camps_party_factions_book():
    # under Model 2's likelihood a power reads its camp's bookings: its expected noise is
    # theirs, not that of its own air fronts (the United States flies none in September)
    sc = reference(WAR)
    theatre = Theatre.of(sc)
    names = list(theatre.actors)
    for power, party in (("united_states", "opposition"), ("russia", "government")):
        assert Monitoring.false_rate(sc, theatre, names.index(power)) == \
            Monitoring.false_rate(sc, theatre, names.index(party)) > 0
