"""The geometry of one scenario: who is who, who meets whom, where.

``World.of(scenario)`` is computed once per parameter set when a model is
built. Its index arrays (camps, counterparts, sieges) must be the same for all
parameter sets of one model (they are the structure of the conflict); its
numeric arrays (presence, front weights, marbling) may differ and are stacked
on the replication axis by the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Theatre:
    actors: tuple[str, ...]
    regions: tuple[str, ...]
    kind: tuple[str, ...]           # per actor: "party", "spoiler" or "power"
    camp: np.ndarray                # (A,) camp index: a power and its clients share one
    patron: np.ndarray              # (A,) actor index of the patron, -1
    party: np.ndarray               # (A,) bool: party to the truce (factions and guarantors)
    ground: np.ndarray              # (A,) bool: party factions (forces on the ground)
    presence: np.ndarray            # (A, G)
    adjacency: np.ndarray           # (G, G) 0/1
    civilians: np.ndarray           # (G,)
    marbling: np.ndarray            # (G,)
    counterpart: np.ndarray         # (A, G) the party faction of another camp an actor
                                    # mostly meets on front g, -1
    front_weight: np.ndarray        # (A, G) share of an actor's fighting on each front
    pairs: np.ndarray               # (P, 2) tracked beliefs (observer, trusted): parties of
                                    # different camps
    intermixed: np.ndarray          # (A,) for a spoiler: the party faction whose fighters
                                    # are intermixed with it, -1
    siege_region: np.ndarray        # (B,)
    besieger: np.ndarray            # (B,)
    besieged: np.ndarray            # (B,) the party faction inside

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_regions(self) -> int:
        return len(self.regions)

    def index(self, name: str) -> int:
        return self.actors.index(name)

    def pair(self, observer: int, trusted: int) -> int:
        hit = np.flatnonzero((self.pairs[:, 0] == observer) & (self.pairs[:, 1] == trusted))
        return int(hit[0]) if len(hit) else -1

    def structure(self) -> tuple:
        """What must be equal for parameter sets to share one model."""
        return (self.actors, self.regions, self.kind, self.camp.tobytes(),
                self.patron.tobytes(), self.counterpart.tobytes(), self.pairs.tobytes(),
                self.siege_region.tobytes(), self.besieger.tobytes(), self.besieged.tobytes(),
                self.intermixed.tobytes())

    @classmethod
    def of(cls, sc: Scenario) -> Theatre:
        names, regions = tuple(sc.actors), tuple(sc.regions)
        ix = {n: i for i, n in enumerate(names)}
        acts = [sc.actors[n] for n in names]
        A, G = len(names), len(regions)
        kind = tuple("power" if a.kind == "power" else "party" if a.party else "spoiler"
                     for a in acts)
        patron = np.array([ix[a.patron] if a.patron else -1 for a in acts])
        _, camp = np.unique(np.where(patron >= 0, patron, np.arange(A)), return_inverse=True)
        party = np.array([a.party for a in acts])
        ground = np.array([k == "party" for k in kind])
        presence = np.array([[sc.regions[g].presence.get(n, 0.0) for g in regions]
                             for n in names])
        adjacency = np.zeros((G, G))
        for gi, g in enumerate(regions):
            for nb in sc.regions[g].neighbours:
                adjacency[gi, regions.index(nb)] = adjacency[regions.index(nb), gi] = 1.0
        civilians = np.array([sc.regions[g].civilians for g in regions])
        marbling = np.array([sc.regions[g].marbling for g in regions])

        # Who fights whom where: a party faction meets the ground forces of the other camps'
        # party factions; a power's presence is its air operations over its clients' fronts.
        other_camp = camp[:, None] != camp[None, :]
        foe = other_camp & ground[None, :]                                   # (A, A)
        contact = presence[:, None, :] * presence[None, :, :] * foe[:, :, None]  # (A, A, G)
        counterpart = np.where(contact.max(1) > 0, contact.argmax(1), -1)       # (A, G)
        weight = contact.sum(1)
        for i in range(A):
            if kind[i] == "spoiler":     # spoilers attack any party faction they meet
                weight[i] = presence[i] * (presence * ground[:, None]).sum(0)
        sieges = [(gi, ix[sc.regions[g].besieged_by]) for gi, g in enumerate(regions)
                  if sc.regions[g].besieged_by]
        besieged_front = np.isin(np.arange(G), [g for g, _ in sieges])
        weight = weight * sc.behaviour.fronts.stake(civilians, besieged_front)
        front_weight = weight / np.maximum(weight.sum(1, keepdims=True), 1e-12)
        pairs = np.array([(o, t) for o in range(A) for t in range(A)
                          if party[o] and party[t] and camp[o] != camp[t]],
                         dtype=int).reshape(-1, 2)
        intermixed = np.full(A, -1)
        for i, a in enumerate(acts):
            mixed = getattr(a, "intermixed_with", None)
            if mixed is not None:
                intermixed[ix[mixed]] = i
        besieged = [int(np.argmax(np.where(ground & (camp != camp[b]), presence[:, g], -1.0)))
                    for g, b in sieges]
        return cls(actors=names, regions=regions, kind=kind, camp=camp, patron=patron,
                   party=party, ground=ground, presence=presence, adjacency=adjacency,
                   civilians=civilians, marbling=marbling, counterpart=counterpart,
                   front_weight=front_weight, pairs=pairs,
                   intermixed=intermixed,
                   siege_region=np.array([s[0] for s in sieges], dtype=int),
                   besieger=np.array([s[1] for s in sieges], dtype=int),
                   besieged=np.array(besieged, dtype=int))
