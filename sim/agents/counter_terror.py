"""Strikes on excluded groups on shared fronts: "legitimate targets" that hit the other side.

Article: ISIS and Nusra are outside the deal (the powers "are united in their opposition
of both ISIS and the Nusra front"), and "the US was to persuade the opposition groups it
backed to distance themselves from the Nusra forces". Named strikers (a party or a power)
keep striking an excluded faction during the truce; on a front where that faction is
intermixed with the other camp's party, the share of marbling not yet separated
(``regions.<region>.marbling`` times what separation has left) of those strikes hits the
party. The striker claims them as counter-terror (they are not violations in its own
record), but the victims take them for attacks: they are booked against the striker as
misidentified strikes are (``Monitoring.perceive``: weighty evidence unless a joint
commission settles them), and counted with them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import Field

from sim.core.events import ACCIDENT, Acts
from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes, Mechanism
from sim.core.sampling import per_step, poisson_count
from sim.core.stacking import Compiled


class CounterTerrorTerms(Strict):
    """``mechanisms.counter_terror``: strikes on excluded factions during the truce."""

    strikers: list[str] = Field(default_factory=list, description="The parties or powers "
                                "that keep striking the excluded factions during the truce.")
    rate: float = param(
        2.0, "strikes/day", "Each striker's strikes a day on an excluded faction, spread "
        "over the fronts where the faction is and the striker is present.",
        source="the deal: excluded groups stay legitimate targets", ge=0, le=100)

    def actors_named(self) -> dict[str, tuple[list[str], str | None]]:
        """The actors it names, by field, and the kind each must be."""
        return {"strikers": (self.strikers, "not excluded")}


@dataclass(frozen=True)
class CounterTerrorArrays(Compiled):
    """A striker's hits a day on the intermixed party, by front, before separation."""

    hits: np.ndarray      # (G,) with nothing separated (0: not a striker)
    victim: np.ndarray    # (G,) the party hit there (-1: none)


class CounterTerror(Mechanism):
    """Mixin for the agents that may strike excluded factions (parties and powers):
    counter-terror strikes that hit the party intermixed with an excluded faction, booked
    by its camp against the striker. Draws from ``<name>.counter_terror`` and, keyed,
    ``<name>.counter_terror_details``, only where it is a striker."""

    key, Terms, optional = "counter_terror", CounterTerrorTerms, True
    compiles = (("ct_k", "ct_constants", CounterTerrorArrays),)
    phases = (("act", 5, "strike"),)
    encodes = (
        Encodes(
            "strikes on excluded groups",
            "united in their opposition of both ISIS and the Nusra front",
            ("CounterTerror.strike", "Monitoring.perceive"),
            ("mechanisms.counter_terror.strikers", "mechanisms.counter_terror.rate",
             "regions.<region>.marbling", "actors.<party>.intermixed_with",
             "mechanisms.separation.rate_per_day", "behaviour.monitoring.accident_weight"),
            "Strikers keep hitting the excluded factions; where a faction is intermixed with "
            "the other camp's party, the marbling not yet separated turns a share of the "
            "strikes into hits on that party, claimed as counter-terror and booked by its "
            "camp against the striker."),
    )

    index: int

    def ct_constants(self, sc, theatre) -> dict:
        terms, i, G = sc.mechanisms.counter_terror, self.index, theatre.n_regions
        hits, victim = np.zeros(G), np.full(G, -1.0)
        if terms is None or theatre.actors[i] not in terms.strikers:
            return {"hits": hits, "victim": victim}
        for x in np.flatnonzero(theatre.intermixed >= 0):
            party = theatre.intermixed[x]
            if theatre.camp[party] == theatre.camp[i]:
                continue            # its own camp's party: no harm to the other side
            weight = theatre.front_weight[x] * (theatre.presence[i] > 0)
            if weight.sum() > 0:
                share = terms.rate * weight / weight.sum() * theatre.marbling
                hits = hits + share
                victim = np.where(share > 0, party, victim)
        return {"hits": hits, "victim": victim}

    def strike(self, acts: Acts) -> None:
        """The day's strikes on excluded factions that hit the intermixed party:
        ``hits x (1 - separation)`` a day on each front, in the worlds whose truce still
        stands. Article: "the US was to persuade the opposition groups it backed to
        distance themselves from the Nusra forces"."""
        k, model = self.ct_k, self.model
        if not np.any(k.hits):
            return
        G, R = len(k.hits), model.replications
        rate = np.broadcast_to(k.hits, (G, R)) * (1.0 - model.separation) * ~model.collapsed
        u = self.uniforms("counter_terror", G)
        g, rep = np.nonzero(u < per_step(rate, 1.0))
        if not len(rep):
            return
        n = poisson_count(u[g, rep], rate[g, rep])
        detail = model.streams.at(f"{self.name}.counter_terror_details", model.day,
                                  np.zeros(len(rep), int), rep, 2, row=g)
        victim = np.broadcast_to(k.victim, (G, R))[g, rep].astype(int)
        acts.add(rep, self.index, victim, g, n, ACCIDENT, detail[:, 0], 1.0,
                 np.minimum((detail[:, 1] * model.substeps).astype(int), model.substeps - 1))
