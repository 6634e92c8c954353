"""Evidence that knows its own noise: the "complete" likelihood of an observer's beliefs.

Under ``behaviour.beliefs.likelihood: complete`` (issue 15, item 1) the incidents a day an
observer expects to book against a trusted party ``t`` (with the clients it answers for)
if ``t`` is committed include everything the observer knows can produce an incident it
books, not only ``t``'s undisciplined units:

- ``t``'s undisciplined units, as far as they are detected (``committed_rate``), held
  back by their patron at the patron's commitment;
- a committed side's retaliation to what its own camp perceived (``behaviour.party.
  retaliation`` per perceived incident, remembered over ``memory_days``), the two camps'
  retaliation answering each other (a 2 x 2 linear system, solved exactly);
- incidents of unclear origin its camp books against ``t`` (all of them, not a
  ``1 - bias`` share) and spoiler attacks that pass for ``t``'s, less the share
  ``behaviour.beliefs.motivated`` it will not allow for (motivated misperception, beyond
  the honest noise of ``behaviour.monitoring.bias``).

An uncommitted ``t`` adds its uncommitted tempo, as under Model 2. Counts are negative
binomial with dispersion ``r`` (``behaviour.beliefs.dispersion``): the day's log-likelihood
ratio of ``n`` incidents stays linear in ``n``,

    log LR = r * log((r + lam_u) / (r + lam_c)) - n * log(lam_u (r + lam_c) / (lam_c (r + lam_u))),

so a quiet day is worth at most ``r * log(1 + (lam_u - lam_c) / (r + lam_c))`` and one
incident at most ``log(1 + r / lam_c)`` (Poisson, ``r -> inf``, has no such bound). A
power books only a share ``behaviour.beliefs.power_sight`` of its camp's incidents (its own
stream ``<power>.evidence``), and expects that share: its beliefs come from its own
evidence. The expectations are the observer's, set at the truce's start (before the JIC's
suppression of spoilers, separation or disputes settled): what it knows can happen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents.monitoring import Monitoring

if TYPE_CHECKING:
    from sim.model.theatre import Theatre
    from sim.scenario.schema import Scenario


def members(theatre: Theatre, t: int) -> list[int]:
    """A trusted party and the clients it answers for."""
    return [t] + [c for c in range(theatre.n_actors) if theatre.patron[c] == t]


def noise_booked(sc: Scenario, theatre: Theatre, camp: int, accused: list[int]) -> float:
    """Incidents a day camp ``camp`` books against ``accused`` that none of them committed:
    incidents of unclear origin its party factions meet, and spoiler attacks on them that
    pass for the accused's (``Monitoring.ambiguous`` and ``Monitoring.perceive``)."""
    b, misread = sc.behaviour.monitoring, Monitoring.misread(sc)
    unclear = Monitoring.unclear_per_day(sc, theatre)
    accused_mask = np.isin(np.arange(theatre.n_actors), accused)
    cp = theatre.counterpart
    total = 0.0
    for f in np.flatnonzero(theatre.ground & (theatre.camp == camp) & (cp >= 0).any(1)):
        w = theatre.front_weight[f] * (cp[f] >= 0)
        if w.sum() > 0:
            share = float((w * accused_mask[np.maximum(cp[f], 0)]).sum() / w.sum())
            total += unclear[f] * misread * share
    s = sc.mechanisms.spoilers
    if not s.enabled:
        return total
    targets = theatre.presence * theatre.ground[:, None]                    # (A, G)
    for sp in (i for i, kind in enumerate(theatre.kind) if kind == "spoiler"):
        attacks = sc.actors[theatre.actors[sp]].war_rate * s.activity * theatre.front_weight[sp]
        mixed = theatre.intermixed[sp]
        for g in np.flatnonzero(attacks > 0):
            hit = targets[:, g]
            if hit.sum() <= 0:
                continue
            for f in np.flatnonzero((hit > 0) & (theatre.camp == camp)):
                blamed = mixed if mixed >= 0 else cp[f, g]
                if blamed < 0 or not accused_mask[blamed] or theatre.camp[blamed] == camp:
                    continue
                p = theatre.marbling[g] if mixed >= 0 else b.contact_ambiguity
                total += attacks[g] * hit[f] / hit.sum() * p * misread
    return total


def conduct(sc: Scenario, theatre: Theatre, m: int, classes: dict, own: bool) -> float:
    """Violations a day an observer expects of actor ``m`` while its side keeps the truce:
    a party faction's undisciplined units, held back by its patron at the patron's
    commitment; a power's own strikes: none if committed (the trusted side's hypothesis), at
    its known unwillingness if ``own`` (the observer's camp, whose strikes the other side
    answers)."""
    name, kind = theatre.actors[m], theatre.kind[m]
    if kind == "power":
        if not own:
            return 0.0
        Power = classes[kind]
        return ((1.0 - Power.commitment(sc, name)) * sc.behaviour.power.strike_share
                * sc.actors[name].war_rate)
    rate = classes[kind].committed_rate(sc, name)
    patron = theatre.patron[m]
    if patron >= 0:
        p = theatre.actors[patron]
        rate *= 1.0 - sc.actors[p].leverage * classes["power"].commitment(sc, p)
    return rate


def hypotheses(sc: Scenario, theatre: Theatre, observer: int, t: int, detection: float,
               classes: dict) -> tuple[float, float, float]:
    """(lam_c, lam_u, booked noise): the incidents a day ``observer`` expects to book
    against ``t`` (with its clients) if committed and if not, before any power's sight;
    and the noise its camp books against them (what its precedent's record held)."""
    mine, theirs = int(theatre.camp[observer]), int(theatre.camp[t])
    accused = members(theatre, t)
    camp_of = [[a for a in range(theatre.n_actors) if theatre.camp[a] == c]
               for c in (mine, theirs)]

    def committed(group):
        return sum(conduct(sc, theatre, m, classes, own=False) for m in group)

    def own(group):
        return sum(conduct(sc, theatre, m, classes, own=True) for m in group)

    def fighters(group):
        return sum(1 for m in group if theatre.ground[m])

    p = sc.behaviour.party
    memory = 1.0 / (1.0 - np.exp(-1.0 / p.memory_days))    # grievance per daily incident
    a = p.retaliation * memory
    # Retaliation of each camp's party factions to what their camp books against the other
    # camp: R_A = a K_A (N_A + d C_B + d R_B), R_B = a K_B (N_B + d C_A + d R_A).
    n_a = noise_booked(sc, theatre, mine, camp_of[1])
    n_b = noise_booked(sc, theatre, theirs, camp_of[0])
    c_a, c_b = own(camp_of[0]), committed(camp_of[1])
    k_a, k_b = a * fighters(camp_of[0]), a * fighters(camp_of[1])
    d = detection
    system = np.array([[1.0, -k_a * d], [-k_b * d, 1.0]])
    rhs = np.array([k_a * (n_a + d * c_b), k_b * (n_b + d * c_a)])
    if abs(np.linalg.det(system)) < 1e-9 or k_a * k_b * d * d >= 1.0:
        # retaliation answers itself without end: the observer allows for the most it can
        # still tell apart from war (its camp's war tempo)
        r_b = sum(sc.actors[theatre.actors[m]].war_rate for m in camp_of[1])
    else:
        r_b = float(np.linalg.solve(system, rhs)[1])
    share = fighters(accused) / max(fighters(camp_of[1]), 1)
    noise = noise_booked(sc, theatre, mine, accused)
    allowed = (1.0 - sc.behaviour.beliefs.motivated) * noise
    lam_c = d * committed(accused) + d * r_b * share + allowed
    war = sum(sc.actors[theatre.actors[m]].war_rate for m in accused)
    return lam_c, lam_c + d * sc.behaviour.beliefs.uncommitted_share * war, noise


def negative_binomial(lam_c: float, lam_u: float, r: float) -> tuple[float, float]:
    """(evidence of one incident, worth of a quiet day) under negative binomial counts
    with dispersion ``r`` (the log-likelihood ratio's terms; module docstring)."""
    return (float(np.log(lam_u * (r + lam_c) / (lam_c * (r + lam_u)))),
            float(r * np.log((r + lam_u) / (r + lam_c))))


def thinned(agent, rep: np.ndarray, sight: float) -> np.ndarray:
    """Which of a power's camp's incidents of the day it observes itself: each with chance
    ``sight``, from its own keyed stream ``<power>.evidence`` (keyed by world and the
    incident's rank in the world's day)."""
    order = np.argsort(rep, kind="stable")
    first = np.searchsorted(rep[order], rep[order], side="left")
    rank = np.empty(len(rep), np.int64)
    rank[order] = np.arange(len(rep)) - first
    rank = np.minimum(rank, 2**16 - 1)     # the key's 16 bits below the day
    u = agent.model.streams.at(f"{agent.name}.evidence", agent.model.day, rank & 255, rep, 1,
                               row=rank >> 8)[:, 0]
    return u < sight
