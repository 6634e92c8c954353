"""The decision and perception rules, each a small function over the replication axis.

Every function takes the static arrays of a scenario (``Compiled``) and the
current state (``State``) and returns arrays whose last axis is the
replication axis R (actor-major: an (A, R) array holds one row per actor, so
numpy's inner loops run along the long axis). None of them draws random
numbers: the model draws one block of uniforms per step and hands each rule
its rows (draw first, then threshold), so two scenarios run with the same seed
share their random numbers.

Each docstring cites the sentence of the article (``shared/article.txt``) or
the research finding (``shared/history.md``) that the rule encodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.model.compiled import Compiled, per_step


@dataclass
class State:
    """Everything that changes during a run; the last axis is the replication axis R."""

    trust: np.ndarray          # (P, R) trust of each tracked (observer, trusted) pair
    tension: np.ndarray        # (A, R) decayed weight of violations perceived against its camp
    separation: np.ndarray     # (A, R) share of marbling undone, for intermixed parties
    collapsed: np.ndarray      # (R,) bool
    jic: np.ndarray            # (R,) bool: the Joint Implementation Center is working
    step: int = 0
    # what happened, for the results
    collapse_step: np.ndarray = field(default=None)   # (R,) int, -1 while the truce holds
    declarer: np.ndarray = field(default=None)        # (R,) int actor, -1
    trigger: np.ndarray = field(default=None)         # (R,) int cause code, -1
    jic_activated: np.ndarray = field(default=None)   # (R,) bool

    @classmethod
    def initial(cls, c: Compiled, replications: int) -> State:
        R, A = replications, c.n_actors
        return cls(
            trust=np.repeat(c.initial_trust[:, None], R, axis=1),
            tension=np.zeros((A, R)),
            separation=np.repeat(c.initial_separation[:, None], R, axis=1),
            collapsed=np.zeros(R, bool), jic=np.zeros(R, bool),
            collapse_step=np.full(R, -1), declarer=np.full(R, -1), trigger=np.full(R, -1),
            jic_activated=np.zeros(R, bool),
        )


def trust_in_other_side(c: Compiled, s: State) -> np.ndarray:
    """Mean trust of each actor in the other side's parties, (A, R).

    Article: Obama cited "'gaps of trust' between the United States and Russian
    governments as an obstacle to reducing violence".
    """
    return c.other_side_of_pairs @ s.trust


def violation_rates(c: Compiled, s: State, trust_other: np.ndarray) -> np.ndarray:
    """Hostile acts per day of each actor, (A, R).

    Under the truce a party's rate is its military opportunity (``truce_rate``)
    raised by distrust of the other side, plus retaliation for violations it
    perceived recently (``tension``). Its disciplined units are held back by
    patron pressure and by expected penalties; the rest are not (``c.held_back``):
    a penalty deters only as far as a violation is detected.
    Article: "depended largely on Russia successfully preventing Assad’s forces
    from indiscriminately bombing"; "contained no explicit penalties".
    A power's own strikes count too: "Russia proved unwilling to maintain the
    ceasefire, instead launching attacks on Aleppo".
    Once the truce has collapsed, everyone fights at their war rate. Excluded
    factions attack throughout, less while the JIC strikes them (spoilers).
    """
    m = c.scenario.mechanisms
    opportunity = (c.truce_rate * c.held_back * c.can_act * c.party)[:, None]
    opportunism = m.trust.opportunism if m.trust.enabled else 0.0
    truce = opportunity * (1.0 + opportunism) - (opportunity * opportunism) * trust_other
    truce += retaliation_coefficient(c)[:, None] * s.tension
    total = np.where(s.collapsed, (c.war_rate * c.can_act * c.party)[:, None], truce)
    spoilers = np.where(s.collapsed, (c.war_rate * c.can_act * c.excluded)[:, None],
                        (c.truce_rate * c.can_act * c.excluded)[:, None])
    total += spoilers * spoiler_activity(c, s)
    return total


def opportunistic_share(c: Compiled, s: State, total: np.ndarray, actor: np.ndarray,
                        rep: np.ndarray) -> np.ndarray:
    """For acts already drawn, the share of their rate that is not retaliation, (n,).

    Splits violations into deliberate ones and retaliation for perceived
    violations (the collapse triggers of DESIGN.md).
    """
    retaliatory = np.where(s.collapsed[rep], 0.0,
                           retaliation_coefficient(c)[actor] * s.tension[actor, rep])
    rate = total[actor, rep]
    return (rate - retaliatory) / np.maximum(rate, 1e-300)


def retaliation_coefficient(c: Compiled) -> np.ndarray:
    """Extra violations per day per unit of tension, (A,), held back like the rest.

    history.md: under noisy monitoring, parties punish what they perceive (tit-for-tat).
    """
    return c.retaliation * c.held_back * c.can_act * c.party


def spoiler_activity(c: Compiled, s: State) -> np.ndarray:
    """Multiplier on excluded factions' attacks, (R,).

    Article: ISIS and Nusra are outside the deal, and the US and Russia "are
    united in their opposition of both ISIS and the Nusra front": "If the truce
    had held, the United States and Russia would have then worked together" to
    target them, so joint strikes under the JIC suppress them.
    """
    m = c.scenario.mechanisms
    if not m.spoilers.enabled:
        return np.zeros(len(s.jic))
    return m.spoilers.activity * np.where(s.jic, 1.0 - m.jic.spoiler_suppression, 1.0)


def accident_probability(c: Compiled, s: State, actor: np.ndarray, rep: np.ndarray
                         ) -> np.ndarray:
    """Per-step chance of a misidentified strike by ``actor`` in replication ``rep``, (n,).

    history.md: coalition strikes at Deir ez-Zor on 17 Sept killed Syrian
    soldiers; "the US says it misidentified the target". Strikes on Nusra where
    opposition fighters are marbled with it hit the opposition (DESIGN: "marbling
    left over turns strikes on Nusra into hits on the opposition"); the JIC's
    joint strikes raise the tempo.
    """
    m = c.scenario.mechanisms
    collateral = ((1.0 - s.separation[:, rep]) * c.collateral_exposure[actor].T).sum(0)
    tempo = np.where(s.jic[rep], 1.0 + m.jic.strike_tempo, 1.0)
    return per_step(c.accident_rate[actor] * (1.0 + collateral) * tempo, c.dt)


def accident_bound(c: Compiled) -> np.ndarray:
    """An upper bound of ``accident_probability`` per actor, (A,), for thinning: the
    misidentified strikes of history.md (Deir ez-Zor) at full marbling and JIC tempo."""
    m = c.scenario.mechanisms
    return per_step(c.accident_rate * (1.0 + c.collateral_exposure.sum(1))
                    * (1.0 + m.jic.strike_tempo), c.dt)


def misattribution_probability(c: Compiled, s: State) -> np.ndarray:
    """Chance an ambiguous incident is blamed on the other side, (R,).

    Article: "Both sides ardently claim that the other failed to uphold their
    side of the bargain." Self-serving bias acts where verification leaves
    doubt; a joint commission resolves disputes (Fortna 2003; Mattes and Savun
    2010).
    """
    m = c.scenario.mechanisms
    if not m.attribution.enabled:
        return np.zeros(len(s.jic))
    doubt = 1.0 - m.attribution.verification
    return m.attribution.bias * doubt * np.where(s.jic, 1.0 - m.jic.dispute_resolution, 1.0)


def convoy_block_probability(c: Compiled, s: State, trust_other: np.ndarray,
                             siege: np.ndarray, rep: np.ndarray) -> np.ndarray:
    """Chance the besieger blocks a convoy, (n,) for convoys (siege, rep).

    Article: the deal demanded "unhindered humanitarian access to all regions".
    history.md: two 20-truck convoys waited all week at the border over the
    disputed Castello Road pull-back. A restrained, deterred, trusting besieger
    lets convoys through; after a collapse nothing restrains it.
    """
    m = c.scenario.mechanisms.humanitarian
    b = c.besieger[siege]
    restrained = m.obstruction * c.held_back[b] * (1.0 - trust_other[b, rep])
    return np.where(s.collapsed[rep], m.obstruction, restrained)


def convoy_strike_probability(c: Compiled, rates: np.ndarray, siege: np.ndarray,
                              rep: np.ndarray) -> np.ndarray:
    """Chance a convoy that got through is struck, (n,): scales with the besieger's violence.

    history.md: on 19 Sept, the day the truce was declared over, the UN/SARC
    convoy at Urum al-Kubra was struck.
    """
    m = c.scenario.mechanisms.humanitarian
    b = c.besieger[siege]
    return np.minimum(m.strike_risk * rates[b, rep] / np.maximum(c.war_rate[b], 1e-12), 1.0)


def misuse_probability(c: Compiled, s: State) -> np.ndarray:
    """Per-step chance that shared intelligence is turned on the provider's clients, (R,).

    Article: the plan's "requirement that the United States share intelligence
    with Russia", and the Pentagon's "aversion to sharing information with a
    military adversary" and "doubts that Russia would uphold its end of the
    deal". An uncommitted recipient that distrusts the provider misuses it.
    """
    if c.intel_recipient < 0:
        return np.zeros(len(s.jic))
    r, p = c.intel_recipient, c.intel_provider
    commitment = c.scenario.actors[c.actors[r]].commitment
    return c.p_misuse * (1.0 - commitment) * (1.0 - s.trust[c.pair(r, p)])


def update_separation(c: Compiled, s: State) -> None:
    """Parties separate from the excluded faction they are marbled with.

    Article: "the US was to persuade the opposition groups it backed to distance
    themselves from the Nusra forces". Each step closes a share of what is left,
    set by the patron's leverage and commitment (``Compiled.separation_rate``).
    """
    s.separation += c.separation_rate[:, None] * (1.0 - s.separation)


def update_trust(c: Compiled, s: State, blamed: np.ndarray) -> None:
    """Trust is lost with each perceived violation and regained slowly.

    Article: "'gaps of trust' ... deep-seated mistrust". ``blamed`` (P, R) is
    the weight of violations each tracked pair's observer perceived by the
    trusted actor this step: every party of the victim's camp perceives, and the
    accused's patron shares the blame ("Russia proved unwilling to maintain the
    ceasefire"). Loss is proportional, gain closes a small share of the gap each
    day, so trust is lost faster than it is gained and stays in [0, 1].
    """
    m = c.scenario.mechanisms.trust
    if not m.enabled:
        return
    gain = m.gain_per_day * c.dt
    s.trust *= 1.0 - gain
    s.trust += gain
    if m.loss_per_violation < 1.0:     # keep (1 - loss) of trust per violation
        s.trust *= np.exp(blamed * np.log1p(-m.loss_per_violation))
    else:                              # total loss: any violation ends trust
        s.trust[blamed > 0] = 0.0


def update_tension(c: Compiled, s: State, camp_total: np.ndarray) -> None:
    """Tension decays (forgiveness) and grows with what the actor's camp perceived.

    history.md: under noisy monitoring, "strict tit-for-tat retaliation locks
    into cycles of punishment"; forgiveness restores cooperation (Green and
    Porter 1984).
    """
    half_life = c.scenario.mechanisms.retaliation.memory_days
    s.tension *= 0.5 ** (c.dt / half_life)
    s.tension += camp_total[c.camp]


def declarations(c: Compiled, s: State, trust_other: np.ndarray) -> np.ndarray:
    """Which party declares the truce over this step, (R,) actor index or -1.

    A party declares when its tension exceeds its tolerance or its trust in the
    other side falls below its floor; tolerance and starting trust come from
    history (Article: "In February of 2016, similar agreements failed").
    history.md: on 19 Sept the Syrian army declared the truce over, citing "more
    than 300" rebel violations. When several would declare at once, the one
    furthest past its limit does.
    """
    d = c.declarers
    who = np.full(len(s.collapsed), -1)
    if not len(d):
        return who
    # Most steps nobody is near a limit: find the replications where someone is,
    # then weigh only those.
    floor = c.trust_floor[d, None]
    past = (s.tension[d] >= c.tolerance[d, None]) | ((trust_other[d] <= floor) & (floor > 0))
    (rows,) = np.nonzero(past.any(0) & ~s.collapsed)
    if len(rows):
        pressure = np.maximum(s.tension[d][:, rows] / c.tolerance[d, None],
                              c.trust_floor[d, None] / np.maximum(trust_other[d][:, rows], 1e-12))
        who[rows] = d[pressure.argmax(0)]
    return who

