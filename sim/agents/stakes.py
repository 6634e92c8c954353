"""What is at stake for a party over a truce's life, from the state of the world.

A party's weighing (``PartyFaction.weigh``) reads three terms that change as the truce
ages; here each comes from what happened, and each is bounded whatever the day:

- **Regrouping.** A pause lets forces rest, rearm and redeploy, so fighting gains more the
  longer a front has been quiet. Its state is the regrouping a front has banked, ``x``
  (days), which grows by one a quiet day and decays at ``1 / regroup_days`` (forces that
  have regrouped are spent, or stood down, at that pace); the gain of fighting is
  multiplied by ``1 + regroup_per_day * x``. On a front quiet since the start that is

      1 + regroup_per_day * regroup_days * (1 - exp(-day / regroup_days)),

  growing at first at ``regroup_per_day`` a day, as before, and saturating at
  ``1 + regroup_per_day * regroup_days`` (a front's forces cannot regroup past full
  strength). A fighting front banks nothing (its quiet share is ``1 - status / 2``:
  holding 1, fraying 1/2, fighting 0), so regrouping is spent by fighting. Without
  ``regroup_days`` (the default) ``x`` is the truce's age whatever happens: the linear
  clock of Model 2, which grows without bound.
- **War-weariness.** What the war costs a party, remembered: ``w`` (a share, 0 to 1) is the
  decayed mean over ``weariness_days`` of the share of its fronts at war (front weights,
  the same statuses), starting at 1 (a truce follows a war). It adds ``weariness * w`` to
  what a front at peace is worth: the truce is worth most after a war (a hurting
  stalemate: Zartman 2000), less as peace makes war's cost a memory, more again as its
  fronts go back to war.
- **Battlefield momentum.** Who has been fighting where: ``m`` (-1 to 1, by front) is the
  decayed mean over ``momentum_days`` of its fire there less its counterpart's, each as a
  share of its war tempo (yesterday's rates of both, so the order in which parties decide
  does not matter). It moves its edge on that front by ``momentum * m``: what fighting
  gains it (``gain``) rises and what being exploited costs it (``exploitation``) falls as
  far as it has had the upper hand there, and the reverse for the side that held while the
  other fought.

Every constant is off by default (``regroup_days`` none, ``weariness`` and ``momentum`` 0):
the weighing is then Model 2's, bit for bit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.fields import Strict, param

if TYPE_CHECKING:
    from sim.agents.party import PartyFaction


class StakesBehaviour(Strict):
    """The constants of a party's stakes over time (``behaviour.party``, first: the base of
    ``PartyBehaviour``), in its units of value. Each is left out of a dump at its default."""

    regroup_days: float | None = param(
        None, "days", "Time scale of regrouping: banked regrouping decays at 1/regroup_days "
        "and grows a quiet day, so on a quiet front the gain of fighting saturates at "
        "1 + regroup_per_day x regroup_days, and fighting spends it (sim.agents.stakes). "
        "None: Model 2's linear clock (the truce's age), without bound.",
        source="assumed", gt=0, le=3650, opt_in=True)
    weariness: float = param(
        0.0, "value/day", "War-weariness: extra worth of a front at peace after a war fought "
        "on all its fronts, remembered over weariness_days (sim.agents.stakes); 0: off.",
        source="assumed (Zartman 2000: a hurting stalemate)", ge=0, le=50, opt_in=True)
    weariness_days: float = param(
        180.0, "days", "Memory of the cost of war: mean life of war-weariness.",
        source="assumed", gt=0, le=3650, opt_in=True)
    momentum: float = param(
        0.0, "edge", "Battlefield momentum: shift of its edge on a front where it has fought "
        "and the other side held (its gain of fighting up, its exposure to being exploited "
        "down; the reverse for the other), as a decayed mean (sim.agents.stakes); 0: off.",
        source="assumed", ge=0, le=1, opt_in=True)
    momentum_days: float = param(
        30.0, "days", "Mean life of battlefield momentum.", source="assumed", gt=0, le=3650,
        opt_in=True)


def regroup_rate(regroup_days: float | None) -> float:
    """The decay a day of banked regrouping, ``1 / regroup_days`` (0: the linear clock)."""
    return 0.0 if regroup_days is None else 1.0 / regroup_days


def decay(days: float) -> float:
    """What a decayed mean keeps of itself a day, over a memory of ``days``."""
    return float(np.exp(-1.0 / days))


def saturating(day: float, per_day: float, regroup_days: float | None) -> float:
    """The multiplier of the gain of fighting on a front quiet since day 0, in closed form."""
    if regroup_days is None:
        return 1.0 + per_day * day
    return 1.0 + per_day * regroup_days * -np.expm1(-day / regroup_days)


class Stakes:
    """A party's stakes that evolve with the world: regrouping banked by front (G, R), its
    war-weariness (R,), its momentum by front (G, R). ``advance`` folds in yesterday, once
    a day before the party weighs its fronts."""

    def __init__(self, party: PartyFaction, replications: int):
        model, k, G = party.model, party.k, party.model.theatre.n_regions
        self.party = party
        self.clock = not np.any(k.regroup_rate)                  # Model 2's linear clock
        self.weary = bool(np.any(k.weariness))
        self.moving = bool(np.any(k.momentum_gain) or np.any(k.momentum_exploited))
        self.active = not self.clock or self.weary or self.moving
        self.banked = np.zeros((G, replications))
        self.weariness = np.ones(replications)
        self.momentum = np.zeros((G, replications))
        self._day = 0                       # the day folded in last
        # on each front, the counterpart it faces (its agent), for the momentum
        cp = model.theatre.counterpart[party.index]
        self._foes = [(model.agent_of(c), cp == c) for c in np.unique(cp[cp >= 0])]

    @staticmethod
    def constants(b) -> dict:
        """A party's compiled constants of its stakes (``PartyArrays``; ``b``: its
        ``PartyBehaviour``)."""
        rate = regroup_rate(b.regroup_days)
        return {"regroup_rate": rate, "regroup_keep": float(np.exp(-rate)),
                # a day's regrouping banked, as decayed by the day's end: 1 on the clock
                "regroup_bank": float(-np.expm1(-rate) / rate) if rate > 0 else 1.0,
                "weariness": b.weariness,
                "weariness_keep": decay(b.weariness_days),
                "momentum_gain": b.gain * b.momentum,
                "momentum_exploited": b.exploitation * b.momentum,
                "momentum_keep": decay(b.momentum_days)}

    def advance(self) -> None:
        """Fold the days since the last call into the state (statuses and rates are
        yesterday's: ``front_status`` is set at the close, rates at the plan)."""
        model = self.party.model
        while self._day < model.day:
            self._day += 1
            if self.active:
                self._fold(model)

    def _fold(self, model) -> None:
        k = self.party.k
        at_war = model.front_status / 2.0                       # holding 0 .. fighting 1
        if not self.clock:
            quiet = np.where(k.regroup_rate > 0, 1.0 - at_war, 1.0)
            self.banked = self.banked * k.regroup_keep + k.regroup_bank * quiet
        if self.weary:
            keep = k.weariness_keep
            share = (k.front_weight * self.party.fronts[:, None] * at_war).sum(0)
            self.weariness = self.weariness * keep + (1.0 - keep) * share
        if self.moving:
            keep = k.momentum_keep
            self.momentum = self.momentum * keep + (1.0 - keep) * self.edge_of_fire()

    def edge_of_fire(self) -> np.ndarray:
        """Its fire on each front less its counterpart's there, each as a share of its own war
        tempo on that front (capped at 1), (G, R): 1 where it fought and the other held."""
        party = self.party
        diff = _share(party) * party.fronts[:, None]
        for foe, where in self._foes:
            diff = diff - np.where(where[:, None], _share(foe), 0.0)
        return diff

    def regrouped(self) -> np.ndarray | float:
        """The regrouping banked by front (days), or the truce's age on Model 2's clock."""
        return self.party.model.day if self.clock else self.banked

    def gain(self, k) -> np.ndarray:
        """The gain of fighting by front: its edge (moved by momentum) and sieges, times the
        regrouping banked."""
        edge = k.gain + k.momentum_gain * self.momentum if self.moving else k.gain
        return edge * (1.0 + k.regroup * self.regrouped())

    def exploited(self, k) -> np.ndarray:
        """The loss from holding while the other side fights, as momentum moves its edge."""
        return k.exploited - k.momentum_exploited * self.momentum if self.moving \
            else k.exploited

    def truce_value(self, k) -> np.ndarray:
        """What a front at peace is worth, with what the war has cost it, remembered."""
        return k.truce_value + k.weariness * self.weariness if self.weary else k.truce_value


def _share(agent) -> np.ndarray:
    """An agent's rates by front as a share of its war tempo there, capped at 1, (G, R)."""
    war = agent.k.war_rate * agent.k.front_weight
    war = war if war.ndim == 2 else war[:, None]
    return np.minimum(agent.rate / np.maximum(war, 1e-12), 1.0) * (war > 0)
