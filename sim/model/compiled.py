"""A scenario turned into arrays: indices, static matrices and per-step rates.

``compile_scenario`` runs once per model. Everything here is derived from the
scenario and constant over a run, so the per-step rules in ``sim.model.rules`` only
do arithmetic on the replication axis.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from sim.scenario.schema import Scenario

#: Collapse triggers, in the order of the ``trigger`` codes in results.
TRIGGERS = ("deliberate", "retaliation", "spoiler", "accident", "misattribution",
            "blocked_aid", "initial_distrust")
DELIBERATE, RETALIATION, SPOILER, ACCIDENT, MISATTRIBUTION, BLOCKED_AID, INITIAL = range(7)


def per_step(rate_per_day: np.ndarray | float, dt_days: float) -> np.ndarray:
    """Probability of at least one event in a step, for a Poisson rate per day."""
    return -np.expm1(-np.asarray(rate_per_day, dtype=float) * dt_days)


def poisson_count(u: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Events in one step from one uniform per draw, inverting the Poisson CDF.

    ``u < per_step(rate)`` exactly when the count is at least one, so a rule can
    first threshold the uniform (cheap, dense) and count only where it fired.
    ``rate`` is the expected number of events in the step. Each pass works only
    on the draws still above the CDF, so the cost follows the counts.
    """
    v = 1.0 - u
    count = np.zeros(len(u), dtype=int)
    at = np.arange(len(u))
    term = np.exp(-rate)
    cdf = term
    k = 0
    while len(at):
        more = v[at] > cdf
        at, term, cdf = at[more], term[more], cdf[more]
        count[at] += 1
        k += 1
        term = term * rate[at] / k
        cdf = cdf + term
        if len(at) and term.max() < 1e-16:
            break
    return count


def alias_tables(prob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Walker's alias tables for sampling each row's categorical distribution with one uniform.

    Row i, uniform u: cell k = floor(u * n); keep k if the fraction u * n - k is
    below ``cut[i, k]``, else take ``alias[i, k]``. Rows of zeros get a table that
    always returns cell 0 (such actors never act).
    """
    rows, n = prob.shape
    cut = np.ones((rows, n))
    alias = np.tile(np.arange(n), (rows, 1))
    for i in range(rows):
        if prob[i].sum() <= 0:
            cut[i], alias[i] = 0.0, 0
            continue
        scaled = prob[i] * n / prob[i].sum()
        small = [k for k in range(n) if scaled[k] < 1.0]
        large = [k for k in range(n) if scaled[k] >= 1.0]
        while small and large:
            s_, l_ = small.pop(), large.pop()
            cut[i, s_], alias[i, s_] = scaled[s_], l_
            scaled[l_] -= 1.0 - scaled[s_]
            (small if scaled[l_] < 1.0 else large).append(l_)
        for k in small + large:      # numerical leftovers: keep them
            cut[i, k] = 1.0
    return cut, alias


def sample_alias(tables: tuple[np.ndarray, np.ndarray], row: np.ndarray,
                 u: np.ndarray) -> np.ndarray:
    """One draw from each row's distribution, using one uniform in [0, 1) per draw."""
    cut, alias = tables
    n = cut.shape[1]
    scaled = u * n
    k = scaled.astype(np.intp)
    return np.where(scaled - k < cut[row, k], k, alias[row, k])


@dataclass(frozen=True)
class Compiled:
    """Static arrays of one scenario, indexed by actor (A), camp (K) and region (G)."""

    scenario: Scenario
    actors: tuple[str, ...]
    regions: tuple[str, ...]
    dt: float                      # days per step
    steps_per_day: int
    truce_steps: int
    horizon_steps: int
    jic_start_step: int | None     # None: only once the truce has survived
    # actor attributes
    party: np.ndarray              # (A,) 1.0 for parties to the truce (float: used in products)
    excluded: np.ndarray           # (A,) 1.0 for factions outside the truce
    camp: np.ndarray               # (A,) int camp index
    n_camps: int
    intermixed_party: np.ndarray   # (A,) for an excluded faction: the party marbled with it, -1
    # decision terms
    truce_rate: np.ndarray         # (A,) per day
    war_rate: np.ndarray           # (A,) per day
    retaliation: np.ndarray        # (A,) per day per tension unit
    restraint: np.ndarray          # (A,) multiplier from patron pressure (or own commitment)
    deterrence: np.ndarray         # (A,) multiplier from expected penalties
    held_back: np.ndarray          # (A,) share of its opportunity an actor acts on: its
                                   # disciplined units obey restraint and deterrence, the
                                   # rest do not
    tolerance: np.ndarray          # (A,) inf where none
    trust_floor: np.ndarray        # (A,)
    declarers: np.ndarray          # indices of the parties that may declare the truce over
    # trust is tracked for the ordered pairs (party, party of another camp): the only
    # trust any rule reads
    pair_observer: np.ndarray      # (P,)
    pair_trusted: np.ndarray       # (P,)
    initial_trust: np.ndarray      # (P,)
    blame_pairs: np.ndarray        # (K * A, W) pairs hurt when camp k perceives actor a's
                                   # violation (its observers, in the accused and its patron);
                                   # padded with P, a slot that is dropped
    other_side_of_pairs: np.ndarray  # (A, P): mean over each actor's counterparts
    # where acts land: a joint (target, region) table per actor
    act_alias: tuple[np.ndarray, np.ndarray]  # (A, A * G) Walker alias tables: cut, alias
    can_act: np.ndarray            # (A,) 1.0 where the actor has someone to hit
    act_target: np.ndarray         # (A * G,) target actor of each table cell
    act_harm: np.ndarray           # (A, A * G) civilian casualties of an actor's attack there
    act_marbling: np.ndarray       # (A * G,) marbling there (for spoiler attacks)
    # accidents and separation
    accident_rate: np.ndarray      # (A,) misidentified strikes per day, before collateral
                                   # and JIC tempo
    collateral_exposure: np.ndarray  # (A, A): striker x intermixed party, marbling it flies over
    separation_rate: np.ndarray    # (A,) per step, for parties with an intermixed faction
    initial_separation: np.ndarray  # (A,)
    # ambiguous incidents
    p_ambiguous: np.ndarray        # (A,) per step
    main_counterpart: np.ndarray   # (A,) whom an ambiguous incident is blamed on, -1
    # convoys, one entry per besieged region
    siege_region: np.ndarray       # (B,)
    besieger: np.ndarray           # (B,)
    besieged_camp: np.ndarray      # (B,)
    siege_harm: np.ndarray         # (B,)
    # intelligence
    intel_recipient: int           # -1 when no sharing
    intel_provider: int
    p_misuse: float                # per step at zero commitment
    # trust
    key_pairs: tuple[tuple[int, int], ...]
    key_pair_index: np.ndarray     # (Q,) indices into the tracked pairs

    def pair(self, observer: int, trusted: int) -> int:
        """Index of a tracked trust pair, or -1."""
        return self._pair_index.get((observer, trusted), -1)

    @functools.cached_property
    def _pair_index(self) -> dict[tuple[int, int], int]:
        return {(int(o), int(t)): p for p, (o, t) in
                enumerate(zip(self.pair_observer, self.pair_trusted, strict=True))}

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_days(self) -> int:
        return -(-self.horizon_steps // self.steps_per_day)


def compile_scenario(sc: Scenario) -> Compiled:
    """Derive the static arrays of a validated scenario."""
    m = sc.mechanisms
    names = tuple(sc.actors)
    regions = tuple(sc.regions)
    ix = {n: i for i, n in enumerate(names)}
    acts = [sc.actors[n] for n in names]
    A, G = len(names), len(regions)
    dt = sc.time.step_hours / 24.0
    spd = round(24.0 / sc.time.step_hours)

    def vec(field: str) -> np.ndarray:
        return np.array([getattr(a, field) for a in acts], dtype=float)

    party = np.array([a.party for a in acts])
    excluded = np.array([a.kind == "faction" and not a.party for a in acts])
    patron = np.array([ix[a.patron] if a.patron else -1 for a in acts])
    camp_root = np.where(patron >= 0, patron, np.arange(A))
    _, camp = np.unique(camp_root, return_inverse=True)

    other_side = party[:, None] & party[None, :] & (camp[:, None] != camp[None, :])
    counterparts = other_side / np.maximum(other_side.sum(1, keepdims=True), 1)

    # Presence and contact across the region network.
    presence = np.array([[sc.regions[g].presence.get(n, 0.0) for g in regions] for n in names])
    adjacency = np.zeros((G, G))
    for gi, g in enumerate(regions):
        for nb in sc.regions[g].neighbours:
            adjacency[gi, regions.index(nb)] = adjacency[regions.index(nb), gi] = 1.0
    exposure = presence + sc.harm.spillover * presence @ adjacency        # (A, G)
    civilians = np.array([sc.regions[g].civilians for g in regions])
    marbling = np.array([sc.regions[g].marbling for g in regions])

    # Who may hit whom: attacks land on the ground forces of party factions of another camp
    # (a power's presence is its air operations, not a target).
    faction = np.array([a.kind == "faction" for a in acts])
    may_hit = (party & faction)[None, :] & (camp[:, None] != camp[None, :])
    weight = may_hit[:, :, None] * presence[:, None, :] * exposure[None, :, :]   # (A, A, G)
    totals = weight.reshape(A, -1).sum(1)
    can_act = totals > 0
    share = weight.reshape(A, -1) / np.where(can_act, totals, 1.0)[:, None]
    act_alias = alias_tables(share)
    strength = vec("strength")
    act_harm = np.tile(sc.harm.lethality * strength[:, None] * civilians[None, :], (1, A))
    act_target = np.repeat(np.arange(A), G)
    act_marbling = np.tile(marbling, A)

    intermixed_party = np.full(A, -1)
    for i, a in enumerate(acts):
        if a.intermixed_with:
            intermixed_party[ix[a.intermixed_with]] = i

    # Patron pressure: leverage x commitment restrains clients; a power restrains itself.
    leverage, commitment = vec("leverage"), vec("commitment")
    intel = m.intelligence
    sharing = intel.enabled and intel.provider is not None and intel.recipient is not None
    if sharing:
        commitment[ix[intel.provider]] *= 1.0 - intel.domestic_opposition
    restraint = np.ones(A)
    if m.patron_pressure.enabled:
        clients = patron >= 0
        restraint[clients] = 1.0 - leverage[patron[clients]] * commitment[patron[clients]]
        powers = np.array([a.kind == "power" for a in acts])
        restraint[powers] = 1.0 - commitment[powers]
    discipline = vec("discipline")
    deterrence = np.ones(A)
    if m.penalties.enabled:
        verification = m.attribution.verification if m.attribution.enabled else 0.0
        d0 = m.penalties.unverified_detection
        detection = d0 + (1.0 - d0) * verification
        deterrence[party] = 1.0 / (1.0 + m.penalties.strength * detection)

    tolerance = np.array([a.tolerance if a.tolerance is not None else np.inf for a in acts])
    has_other_side = party & other_side.any(1)

    trust0 = np.full((A, A), m.trust.initial)
    for i, a in enumerate(acts):
        for other, value in a.initial_trust.items():
            trust0[i, ix[other]] = value
    pair_observer, pair_trusted = np.nonzero(other_side)   # trust across the divide
    P = len(pair_observer)
    blame_pairs = _blame_pairs(pair_observer, pair_trusted, camp, patron)
    other_side_of_pairs = np.zeros((A, P))
    other_side_of_pairs[pair_observer, np.arange(P)] = counterparts[pair_observer, pair_trusted]

    # Accidents: misidentified strikes, more where marbled fighters are struck.
    air = vec("air_power")
    precision = np.zeros(A)
    level = intel.level * (1.0 - intel.domestic_opposition) if sharing else 0.0
    if sharing:
        precision[ix[intel.recipient]] = intel.precision_gain * level
    accident_rate = m.accidents.rate_per_day * air * (1.0 - precision) \
        * can_act if m.accidents.enabled else np.zeros(A)
    op_weight = presence / np.maximum(presence.sum(1, keepdims=True), 1e-12)
    collateral_exposure = np.zeros((A, A))
    for p in np.flatnonzero(intermixed_party >= 0):
        q = intermixed_party[p]
        collateral_exposure[:, q] = m.accidents.collateral * op_weight @ (
            marbling * (presence[q] > 0))
    separation_rate = np.zeros(A)
    if m.separation.enabled:
        for q in set(intermixed_party[intermixed_party >= 0]):
            p = patron[q]
            pull = leverage[p] * commitment[p] if p >= 0 else 0.0
            separation_rate[q] = m.separation.rate_per_day * pull * dt

    contact = (presence @ exposure.T) * other_side
    main_counterpart = np.where(contact.max(1) > 0, contact.argmax(1), -1)
    p_ambiguous = np.where(has_other_side & (main_counterpart >= 0),
                           per_step(m.attribution.ambiguous_per_day, dt), 0.0) \
        if m.attribution.enabled else np.zeros(A)

    sieges = [(gi, ix[sc.regions[g].besieged_by]) for gi, g in enumerate(regions)
              if sc.regions[g].besieged_by]
    siege_region = np.array([s[0] for s in sieges], dtype=int)
    besieger = np.array([s[1] for s in sieges], dtype=int)
    ground = party & faction       # the besieged are party factions on the ground
    besieged_camp = np.array([
        camp[np.argmax(np.where(ground & (camp != camp[b]), presence[:, g], -1.0))]
        for g, b in sieges], dtype=int)
    siege_harm = sc.harm.lethality * civilians[siege_region] if sieges else np.zeros(0)

    pairs = [(ix[a], ix[b]) for a, b in sc.key_pairs] or [
        (i, j) for i in range(A) for j in range(A)
        if other_side[i, j] and acts[i].kind == acts[j].kind]
    key_pair_index = np.array([np.flatnonzero((pair_observer == i) & (pair_trusted == j))[0]
                               for i, j in pairs], dtype=int)
    start = m.jic.start_day
    return Compiled(
        scenario=sc, actors=names, regions=regions, dt=dt, steps_per_day=spd,
        truce_steps=round(sc.time.duration_days * spd),
        horizon_steps=round(sc.time.horizon_days * spd),
        jic_start_step=None if (start is None or not m.jic.enabled) else round(start * spd),
        party=party.astype(float), excluded=excluded.astype(float), camp=camp,
        n_camps=int(camp.max()) + 1,
        intermixed_party=intermixed_party,
        truce_rate=vec("truce_rate"), war_rate=vec("war_rate"),
        retaliation=vec("retaliation") if m.retaliation.enabled else np.zeros(A),
        restraint=restraint, deterrence=deterrence,
        held_back=discipline * restraint * deterrence + (1.0 - discipline),
        tolerance=tolerance, trust_floor=vec("trust_floor"),
        declarers=np.flatnonzero(has_other_side) if m.declaration.enabled else np.zeros(0, int),
        pair_observer=pair_observer, pair_trusted=pair_trusted,
        initial_trust=trust0[pair_observer, pair_trusted],
        blame_pairs=blame_pairs,
        other_side_of_pairs=other_side_of_pairs,
        act_alias=act_alias, can_act=can_act.astype(float), act_target=act_target,
        act_harm=act_harm, act_marbling=act_marbling,
        accident_rate=accident_rate, collateral_exposure=collateral_exposure,
        separation_rate=separation_rate,
        initial_separation=np.where(np.isin(np.arange(A), intermixed_party),
                                    m.separation.initial, 0.0)
        if m.separation.enabled else np.zeros(A),
        p_ambiguous=p_ambiguous,
        main_counterpart=main_counterpart, siege_region=siege_region, besieger=besieger,
        besieged_camp=besieged_camp, siege_harm=siege_harm,
        intel_recipient=ix[intel.recipient] if sharing else -1,
        intel_provider=ix[intel.provider] if sharing else -1,
        p_misuse=float(per_step(intel.misuse_risk_per_day * level, dt)) if sharing else 0.0,
        key_pairs=tuple(pairs), key_pair_index=key_pair_index,
    )


def _blame_pairs(observer: np.ndarray, trusted: np.ndarray, camp: np.ndarray,
                 patron: np.ndarray) -> np.ndarray:
    """For each (perceiving camp, accused actor): the trust pairs that lose by it, (K * A, W).

    Every party of the camp loses trust in the accused and in the accused's patron
    (a patron answers for its client). Rows are padded with P, a slot that is dropped.
    """
    A, P, K = len(camp), len(observer), int(camp.max()) + 1
    hurt: list[list[int]] = [[] for _ in range(K * A)]
    for pair, (o, x) in enumerate(zip(observer, trusted, strict=True)):
        hurt[camp[o] * A + x].append(pair)
        for client in np.flatnonzero(patron == x):
            hurt[camp[o] * A + client].append(pair)
    table = np.full((K * A, max(1, *map(len, hurt))), P)
    for row, pairs in enumerate(hurt):
        table[row, :len(pairs)] = pairs
    return table
