"""Hostile acts drawn from an agent's rates: the part every fighting agent shares.

An agent that fights sets, once a day, its rate of acts on each front
(``self.rate``, (G, R), per day) and the part of it that is retaliation
(``self.retaliating``); each day :meth:`Attacker.act` draws the day's acts, sub-step by sub-step
(``time.step_hours``), from its own stream ``<name>.acts`` (5 uniforms per
sub-step and world: whether and how many, where, why, how it is perceived,
whether its author owns up to it).
"""

from __future__ import annotations

import numpy as np

from sim.core.events import DELIBERATE, RETALIATION, SPOILER, Acts
from sim.core.sampling import distinct_rows, per_step, pick_at, poisson_count


class Attacker:
    """Mixin: draws the day's acts from the day's rates."""

    index: int
    rate: np.ndarray          # (G, R) acts per day on each front
    retaliating: np.ndarray   # (G, R) the retaliatory part of it

    def set_rates(self, rate: np.ndarray, retaliating: np.ndarray | None = None) -> None:
        self.rate = np.ascontiguousarray(np.broadcast_to(rate, self.rate.shape))
        self.retaliating = np.zeros_like(self.rate) if retaliating is None else \
            np.broadcast_to(retaliating, self.rate.shape)
        self.total = self.rate.sum(0)
        self._p_step = per_step(self.total, self.model.dt)
        self._cumulative = None    # (G, R), built on the first act of the day

    def target_on(self, front: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Whom an act on ``front`` hits: the counterpart there."""
        return self.model.theatre.counterpart[self.index, front]

    def act(self, acts: Acts) -> None:
        """The day's acts. An agent that can never act (no war tempo in any world) draws
        nothing: its stream is its own, so no other stream shifts."""
        model = self.model
        if not np.any(self.k.war_rate):
            return
        # where the truce is declared over an act is war: whether, how many and where only
        u = self.uniforms("acts", 5 * model.substeps, idle=model.collapsed,
                          needed=2 * model.substeps).reshape(5, model.substeps, -1)
        # the (sub-step, world) slots where acts fire, by their flat index into each row
        slot = np.flatnonzero(u[0] < self._p_step)
        if not len(slot):
            return
        hour, rep = np.divmod(slot, u.shape[2])
        u = u.reshape(5, -1)
        n = poisson_count(u[0, slot], self.total[rep] * model.dt)
        if self._cumulative is None:
            self._cumulative = np.cumsum(self.rate, axis=0)
            self._distinct = distinct_rows(self.rate)
        front = pick_at(self._cumulative, rep, u[1, slot], self._distinct)
        war = model.collapsed[rep]
        if war.any():      # once a truce is declared over, its acts are war: counted only
            acts.add_war(rep[war], self.index, front[war], n[war])
            truce = ~war
            slot, hour, rep, n, front = slot[truce], hour[truce], rep[truce], n[truce], \
                front[truce]
            if not len(rep):
                return
        share = self.retaliating[front, rep] / np.maximum(self.rate[front, rep], 1e-300)
        why = u[2, slot]
        cause = np.where(why < share, RETALIATION,
                         SPOILER if self.model.theatre.kind[self.index] == "spoiler"
                         else DELIBERATE)
        acts.add(rep, self.index, self.target_on(front, why), front, n, cause,
                 u[3, slot], u[4, slot], hour)
