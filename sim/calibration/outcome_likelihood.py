"""The chance a parameter set gives to what happened in one truce, from its replications.

A truce's observed outcome (``sim.analysis.scoring.Observed``) is one event: a first
collapse on a day from lo to hi, declared or eroded as the outcome file says (interval-
censored); or no collapse through day c (right-censored: holding, superseded, expired).

**A duration is asked of the model within a factor of about two**, the precision the
project judges it by (issue 15: "within a factor two of their observed durations"): each
replication's collapse time T is read as log-normal around it, with a standard deviation
``duration_sd`` of log T (0.35: two standard deviations are a factor two). A replication
adds the share of that spread inside the observed days [lo - 1/2, hi + 1/2) if it ended
as observed (declared or eroded), half of it if it was still standing at the horizon
(its ending unknown; read as collapsing at the horizon, which runs to twice hi, so that
the spread past the observed days is seen), and nothing if it ended the other way or its
deal ended (expired, superseded) while it stood, since no collapse could follow; for
a truce still standing on day c, the share of its spread after c + 1/2 (a replication
standing at the horizon, c + 1, adds all of it). Without the spread, a window of days
years out is hit by one replication in many or none, and one lucky replication moves a
particle's weight by a factor of a hundred: the likelihood would be noise.

The chance scored is the mean over replications, under the validation's one smoothing
rule (``sim.analysis.predictive``: 0.9 x the model + 0.1 x log-uniform, endings halved).
The mean is an unbiased estimate of the model's chance (with the spread), and a product
over truces run on independent random numbers is unbiased for the product, so
importance sampling with it in place of the likelihood targets that likelihood's exact
posterior whatever the number of replications (pseudo-marginal: Andrieu and Roberts
2009; Tran et al. 2013); more replications only make the weights less noisy.

The first week's record adds nothing where it agrees with the interval (a collapse on
days 3-12 whose first week did not hold is a collapse on days 3-7, and is scored so);
where the two disagree (Minsk II: its first week broke at Debaltseve, its end was
declared seven years later; the model's first collapse cannot be both), the end is
scored, as the validation scores it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from sim.analysis.predictive import HOUR, SMOOTHING, reference
from sim.analysis.scoring import FIRST_WEEK, Observed
from sim.calibration.spec import _bounds

#: Endings of a replication, as codes: no collapse by the horizon, declared, eroded, and
#: the deal's own end (expired or superseded) while it stood: no collapse can follow.
HELD, DECLARED, ERODED, ENDED = 0, 1, 2, 3
CODES = {"held": HELD, "declared": DECLARED, "eroded": ERODED, "ended": ENDED}
_REFERENCE = reference()


#: The longest a scenario may run (the schema's ``time.horizon_days`` limit).
LONGEST = int(_bounds("time.horizon_days")[2])
#: The time of a collapse on day 0 (its first half-day's middle).
DAY_ZERO = 0.25


@dataclass(frozen=True)
class Event:
    """What a truce's replications must reproduce: a first collapse of ``kind`` on a day
    in [lo, hi], or (``kind`` "held") none on days 0 .. ``censored``."""

    kind: str
    lo: int = 0
    hi: int = 0
    censored: int = 0

    @property
    def horizon(self) -> int:
        """Days a replication runs: to twice the last observed day for a collapse (within
        the schema's limit), one past the censoring day otherwise; at least the first
        week."""
        if self.kind == "held":
            return max(self.censored, FIRST_WEEK) + 1
        return int(min(LONGEST, max(np.ceil(2 * (self.hi + 0.5)), FIRST_WEEK + 1)))

    def reference_chance(self) -> float:
        """The smoothing reference's chance of the event (log-uniform, endings halved)."""
        if self.kind == "held":
            return _REFERENCE.survival(self.censored)
        return _REFERENCE.between(self.lo, self.hi) / 2


def event_of(obs: Observed) -> Event:
    """The event an outcome record stands for (see the module's docstring)."""
    if not obs.collapsed:
        return Event("held", censored=obs.censored)
    lo, hi = obs.lo, obs.hi
    if not obs.first_week_held and lo <= FIRST_WEEK:
        hi = min(hi, FIRST_WEEK)
    elif obs.first_week_held and hi > FIRST_WEEK:
        lo = max(lo, FIRST_WEEK + 1)
    return Event(obs.kind, lo, hi)


def _below(t: float, at: np.ndarray, sd: float) -> np.ndarray:
    """The share of a log-normal spread around times ``at`` that lies before time t."""
    return ndtr((np.log(t) - np.log(at)) / sd)


def collapse_times(collapse_day: np.ndarray, event: Event) -> tuple[np.ndarray, np.ndarray]:
    """(standing, at): which replications stood to the event's horizon (``collapse_day``
    NaN, or known only past it), and each one's collapse time in days, read at the horizon
    where it stood and at no less than ``DAY_ZERO``."""
    standing = np.isnan(collapse_day) | (collapse_day > event.horizon)
    at = np.where(standing, float(event.horizon), np.maximum(np.nan_to_num(collapse_day),
                                                             DAY_ZERO))
    return standing, at


def contributions(collapse_day: np.ndarray, ending: np.ndarray, event: Event,
                  duration_sd: float) -> np.ndarray:
    """Each replication's share of the event (see the module's docstring), elementwise;
    ``collapse_day`` NaN where a replication stood to the horizon."""
    standing, at = collapse_times(collapse_day, event)
    if event.kind == "held":
        after = 1.0 - _below(event.censored + 0.5, at, duration_sd)
        return np.where(standing, 1.0, after)
    inside = (_below(event.hi + 0.5, at, duration_sd)
              - _below(max(event.lo - 0.5, HOUR), at, duration_sd))
    matches = np.where(ending == ENDED, 0.0, np.where(
        standing, 0.5, (ending == CODES[event.kind]).astype(float)))
    return inside * matches


def log_chance(collapse_day: np.ndarray, ending: np.ndarray, event: Event,
               duration_sd: float) -> np.ndarray:
    """Per parameter set (rows: its replications), the log of the smoothed chance of the
    event: log(0.9 x the mean contribution + 0.1 x the reference's chance)."""
    return smoothed_log(contributions(collapse_day, ending, event, duration_sd).mean(axis=-1),
                        event.reference_chance())


def reference_chances(events) -> np.ndarray:
    """The smoothing reference's chance of each event."""
    return np.array([e.reference_chance() for e in events])


def smoothed_log(chance: np.ndarray, reference: float | np.ndarray) -> np.ndarray:
    """The log of the validation's smoothing of a chance, 0.9 x it + 0.1 x the reference's
    chance of the same event."""
    return np.log((1.0 - SMOOTHING) * chance + SMOOTHING * reference)
