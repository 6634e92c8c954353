"""Directions that history and research agree on (DESIGN.md, history.md).

Each parameter is set to three increasing values on the reference scenario,
all run with the same seed, so the three runs share their random numbers
(common random numbers) and differ only by the term of the deal. With
R = 1500 the standard error of one survival share is at most 0.013; paired
runs differ by much less noise than that. Each test asks the ends to differ
by at least 0.05 (about four standard errors of an unpaired difference) and
the middle value not to break the order by more than 0.02.
"""

from __future__ import annotations

import pytest

from conftest import REFERENCE, run

R = 1500
SEED = 3
MARGIN = 0.05
SLACK = 0.02

RISING = {
    "mechanisms.penalties.strength": (0.0, 1.0, 3.0),
    "mechanisms.attribution.verification": (0.0, 0.4, 0.8),
    "actors.russia.leverage": (0.2, 0.6, 1.0),
    "actors.russia.commitment": (0.1, 0.4, 0.8),
    "actors.united_states.leverage": (0.1, 0.5, 0.9),
    "actors.united_states.commitment": (0.2, 0.6, 1.0),
    "mechanisms.separation.initial": (0.0, 0.5, 1.0),
    "mechanisms.separation.rate_per_day": (0.0, 0.5, 1.0),
}
FALLING = {
    "mechanisms.spoilers.activity": (0.0, 1.0, 2.0),
    "mechanisms.attribution.bias": (0.2, 0.5, 0.9),
    "mechanisms.accidents.rate_per_day": (0.0, 0.1, 0.3),
}


def survival(path: str, value: float) -> float:
    return run(REFERENCE, R, SEED, **{path.replace(".", "__"): value}).survived.mean()


@pytest.mark.parametrize("path", RISING)
def test_survival_rises_with(path):
    low, mid, high = (survival(path, v) for v in RISING[path])
    assert high - low > MARGIN, (low, mid, high)
    assert low - SLACK <= mid <= high + SLACK, (low, mid, high)


@pytest.mark.parametrize("path", FALLING)
def test_survival_falls_with(path):
    low, mid, high = (survival(path, v) for v in FALLING[path])
    assert low - high > MARGIN, (low, mid, high)
    assert high - SLACK <= mid <= low + SLACK, (low, mid, high)


def test_intelligence_sharing_helps_only_when_it_is_not_misused():
    """DESIGN: sharing helps only when trust and commitment are high enough.

    With a committed, trusting recipient and no domestic drag, sharing (better
    targeting) does not hurt; with an uncommitted recipient and a high misuse
    risk it does.
    """
    def with_sharing(level, **extra):
        return run(REFERENCE, R, SEED, mechanisms__intelligence__level=level,
                   mechanisms__intelligence__domestic_opposition=0.0, **extra).survived.mean()

    committed = dict(actors__russia__commitment=0.9)
    assert with_sharing(1.0, **committed) >= with_sharing(0.0, **committed) - SLACK
    reckless = dict(actors__russia__commitment=0.1,
                    mechanisms__intelligence__misuse_risk_per_day=5.0)
    assert with_sharing(1.0, **reckless) < with_sharing(0.0, **reckless) - MARGIN
