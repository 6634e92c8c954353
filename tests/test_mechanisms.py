"""Every mechanism of the article is causal and moves survival in its stated direction.

DESIGN.md and history.md: survival rises with penalty strength, verification,
patron leverage and commitment, separation and the JIC's promise; it falls with
spoiler activity (ISIS and Nusra alike), attribution bias, accidents, blocked
aid and the Pentagon's opposition; a failed precedent lowers it; US-Russian
trust decides whether the JIC starts; intelligence sharing helps only when it
is not misused.

Each test runs the reference with a term switched off or pushed along its range,
R = 1500 replications, one seed, so the runs share their random numbers
(common random numbers, named streams). The check is on the *paired*
difference: it must exceed three standard errors of the per-replication
differences (a one-sided test at about the 0.1% level) and one point, so it
is stable for this seed and fails if the mechanism stops acting.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import REFERENCE, run

pytestmark = pytest.mark.slow

R = 1500
SEED = 3


def survival(**overrides) -> np.ndarray:
    return run(REFERENCE, R, SEED, **overrides).survived.astype(float)


def assert_rises(low: np.ndarray, high: np.ndarray, what: str) -> None:
    diff = high - low
    se = diff.std(ddof=1) / np.sqrt(len(diff))
    assert diff.mean() > max(3 * se, 0.01), (what, low.mean(), high.mean(), se)


RISING = {   # path: (low, high)
    "mechanisms.penalties.strength": (0.0, 2.0),
    "mechanisms.monitoring.verification": (0.0, 0.6),
    "actors.russia.leverage": (0.2, 1.0),
    "actors.russia.commitment": (0.1, 0.8),
    "actors.united_states.leverage": (0.1, 0.9),
    "actors.united_states.commitment": (0.2, 1.0),
    "mechanisms.separation.initial": (0.0, 1.0),
    "mechanisms.separation.rate_per_day": (0.0, 1.0),
    "actors.russia.jic_value": (0.0, 1.0),          # Russia restrains more for the JIC
    "mechanisms.jic.enabled": (False, True),
    "mechanisms.patron_pressure.enabled": (False, True),
    "mechanisms.commission.resolution": (0.0, 0.5),   # a joint commission (Fortna 2003)
    "mechanisms.observers.presence.idlib": (0.0, 1.0),   # observers (Mattes and Savun 2010)
}
FALLING = {
    "mechanisms.spoilers.activity": (0.0, 2.0),
    "actors.isis.war_rate": (0.0, 12.0),             # ISIS matters, not only Nusra
    "actors.nusra.war_rate": (0.0, 12.0),
    "behaviour.monitoring.bias": (0.3, 0.8),
    "behaviour.air.accident_rate": (0.0, 0.3),
    "mechanisms.accidents.enabled": (False, True),
    "mechanisms.humanitarian.obstruction": (0.0, 1.0),
    "mechanisms.intelligence.domestic_opposition": (0.0, 0.8),
}


def _set(path: str, value) -> dict:
    return {path.replace(".", "__"): value}


@pytest.mark.parametrize("path", RISING)
def test_survival_rises_with(path):
    low, high = RISING[path]
    assert_rises(survival(**_set(path, low)), survival(**_set(path, high)), path)


@pytest.mark.parametrize("path", FALLING)
def test_survival_falls_with(path):
    low, high = FALLING[path]
    assert_rises(survival(**_set(path, high)), survival(**_set(path, low)), path)


def test_a_failed_precedent_lowers_survival():
    """Article: "In February of 2016, similar agreements failed"; without that record the
    parties start from the prior and the truce survives more often."""
    assert_rises(survival(), survival(precedent=None), "precedent")


# The JIC can only start if the powers trust each other: a setting where it may start
# from day one and the government's record is clean, so Russia's record decides.
JIC_OPEN = dict(mechanisms__jic__quiet_days=0, precedent__violence_share__government=0.0)


def test_us_russian_trust_decides_whether_the_jic_starts():
    """Article: Obama cited "gaps of trust" between the US and Russia; the JIC starts only
    when both powers judge the other committed."""
    trusted = run(REFERENCE, R, SEED, precedent__violence_share__russia=0.0, **JIC_OPEN)
    distrusted = run(REFERENCE, R, SEED, precedent__violence_share__russia=0.9, **JIC_OPEN)
    assert_rises(distrusted.jic_activated.astype(float), trusted.jic_activated.astype(float),
                 "JIC activation")
    assert_rises(distrusted.survived.astype(float), trusted.survived.astype(float),
                 "survival")


def test_intelligence_sharing_is_safe_only_with_a_committed_recipient():
    """DESIGN: sharing helps only when trust and commitment are high enough that it is not
    misused. With the JIC open and no domestic drag, sharing with an uncommitted Russia
    that misuses what it gets (a misuse rate pushed up) costs survival; with a committed
    Russia at the shared misuse rate it costs nothing beyond noise (its gains, better targeting and more value in the JIC, roughly offset
    the US's reluctance to join). The effects are a few points, so this test runs twice
    the replications to resolve them."""
    def with_sharing(level: float, **extra) -> np.ndarray:
        r = run(REFERENCE, 2 * R, SEED, mechanisms__intelligence__level=level,
                mechanisms__intelligence__domestic_opposition=0.0,
                precedent__violence_share__russia=0.0, **JIC_OPEN, **extra)
        return r.survived_to(r.horizon_days).astype(float)   # the JIC acts once it starts

    reckless = dict(actors__russia__commitment=0.0, behaviour__power__misuse_per_day=10.0)
    harm_reckless = with_sharing(0.0, **reckless) - with_sharing(1.0, **reckless)
    committed = dict(actors__russia__commitment=0.7)
    harm_committed = with_sharing(0.0, **committed) - with_sharing(1.0, **committed)
    se = (harm_reckless - harm_committed).std(ddof=1) / np.sqrt(len(harm_reckless))
    assert harm_reckless.mean() - harm_committed.mean() > max(3 * se, 0.01)
    se_committed = harm_committed.std(ddof=1) / np.sqrt(len(harm_committed))
    assert harm_committed.mean() < 3 * se_committed + 0.005


def test_a_truce_can_fray_for_weeks_without_anyone_declaring_it_over():
    """history.md: the February truce held partly for weeks and unravelled on the ground;
    nobody formally declared it over. The same behaviour gives that outcome from the terms:
    with good verification (a declaration's blame sticks) and a committed patron, the
    reference truce erodes over weeks, mostly without a declaration. R = 1500: shares have
    standard errors under 0.013, and the thresholds sit more than 0.1 from the values."""
    r = run(REFERENCE, R, SEED, mechanisms__monitoring__verification=0.6,
            actors__russia__commitment=0.6, time__horizon_days=60)
    collapsed = ~np.isnan(r.collapse_day)
    assert np.median(r.collapse_day[collapsed]) > 14
    assert np.mean(r.kind_of_collapse[collapsed] == "de facto") > 0.8
    assert np.mean(r.formal_day >= 0) < 0.4
