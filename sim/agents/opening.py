"""How a party's decisions start from the deal: the order to hold, then evidence.

A truce starts at a stated hour with every party's order to hold its fronts. Model 2
revises each front's posture from the first hour on the beliefs the precedent left, so a
side that distrusts the other abandons fronts before it has seen a single incident (at the
posterior median the opposition leaves a front in 72% of worlds on day 1). With
``behaviour.party.first_revision_day`` the leadership keeps the order until it has seen
that many days of the other side's conduct: postures are revisited from that day on, at
``revision_rate``, on beliefs that have absorbed the evidence. Undisciplined units and
retaliation still act from the first hour (``PartyFaction.plan``).

history.md: in September 2016 monitors counted about 14 violations in the first 15 hours
and no civilian deaths in the first 48 hours; the fighting that ended the truce came after
days of incidents and mutual blame, not at its start.

Its default, 0, is Model 2: postures revised from the first hour.
"""

from __future__ import annotations

from sim.core.fields import Strict, param


class OpeningBehaviour(Strict):
    """When a party first revisits the order to hold (``behaviour.party``)."""

    first_revision_day: float = param(
        0.0, "days", "Days of the other side's conduct a party sees before it first "
        "revisits a front's posture (the order to hold stands until then; "
        "sim.agents.opening). 0: Model 2, revised from the first hour.",
        source="assumed (history.md: no civilian deaths in the first 48 hours)",
        ge=0, le=30, opt_in=True)

