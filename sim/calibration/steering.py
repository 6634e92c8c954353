"""How near a particle's durations came to every truce's: the graded distance by which the
corpus search may steer a later round's proposal (``search.steered``, ``sim.calibration.
amis.fitted``).

A truce's likelihood asks for its observed days within a factor of about two
(``sim.calibration.outcome_likelihood``); where no particle comes that near (a truce that
held for years, when every particle's truce fails within weeks) every particle's chance
sits at the smoothing's floor and the weights cannot say which particles came nearer.
This distance can: per replication, the squared distance in log time from its collapse to
the observed days (0 inside them; for a truce still standing on day c, only a collapse
before c counts), averaged over the replications and summed over truces. It is the
implausibility of history matching (Vernon, Goldstein and Bower 2010) on each truce's
duration, without its variances: it ranks particles and is never a weight, so the
posterior the weights target does not depend on it. How a truce ended is not in it.
"""

from __future__ import annotations

import numpy as np

from sim.analysis.predictive import HOUR
from sim.calibration.outcome_likelihood import Event, collapse_times


def distance(collapse_day: np.ndarray, event: Event) -> np.ndarray:
    """(particles,) the mean over replications (the last axis) of the squared log
    distance of each collapse from the observed days; ``collapse_day`` NaN where a
    replication stood to the horizon (read as collapsing there)."""
    t = np.log(collapse_times(collapse_day, event)[1])
    if event.kind == "held":
        gap = np.maximum(0.0, np.log(event.censored + 0.5) - t)
    else:
        gap = (np.maximum(0.0, np.log(max(event.lo - 0.5, HOUR)) - t)
               + np.maximum(0.0, t - np.log(event.hi + 0.5)))
    return (gap ** 2).mean(axis=-1)


def nearness(days: dict[str, np.ndarray], events: dict[str, Event]) -> np.ndarray:
    """(particles,) minus the summed distance over truces: higher is nearer."""
    return -sum(distance(days[name], event) for name, event in events.items())
