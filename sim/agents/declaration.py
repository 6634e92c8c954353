"""Whether a party's leadership gains by ending the truce formally: the declaration urge.

Model 2 (``behaviour.party.weighs_label`` false, the default) weighs, over all its fronts,
fighting everywhere against keeping the truce everywhere, less the public cost of ending it:

    urge = sum_g w_g * delta_g - D

where ``delta_g = G_g - C_g - p_g * T_g + (1 - p_g) * E_g`` is the front's weighing
(``PartyFaction.weigh``). It charges the costs of violating while the truce stands (C:
blame, patron pressure, penalties, as pinned) to the world after a declaration, although
declaring ends them, and it asks whether fighting pays, not whether ending the label does:
a party that fights on some fronts under the label declares as soon as fighting pays.

With ``weighs_label`` the leadership compares the two worlds it can choose between. After
declaring: no label, no violation costs, war on every front, at the public cost D of being
the one to end it. Keeping the label: its fronts as they are (fighting where it fights, at
the violation costs; holding where it holds, at the truce's worth and risk), and what the
label itself keeps for it, L (``behaviour.party.label_value``: its patron's favour, aid,
the other side's restraint elsewhere, standing with the guarantors). With x_g its posture
(1: fighting there),

    after declaring:   sum_g w_g * G_g - D
    under the label:   sum_g w_g * (x_g * (G_g - C_g) + (1 - x_g) * (p_g T_g - (1 - p_g) E_g)) + L
    urge = sum_g w_g * (C_g + (1 - x_g) * delta_g) - D - L

so a front it already fights on counts only for the violation costs declaring would end,
and a front it holds for what fighting there would gain without them. Declaring is worth
it only when ending the label gains more than the label keeps; where it does not, the
fronts fray back to war while the truce stands in name (erosion).

history.md: on 19 Sept 2016 the Syrian army declared the truce over, citing "more than 300"
rebel violations: a party whose patron backed it, for whom the label kept little. The
February 2016 cessation was never declared over: it eroded, front by front, from April,
while every party kept saying it held (what the label kept for each was worth more than
ending it).
"""

from __future__ import annotations

import numpy as np

from sim.core.fields import Strict, param


class DeclarationBehaviour(Strict):
    """The declaration's opt-in constants, part of ``behaviour.party`` (``PartyBehaviour``)."""

    weighs_label: bool = param(
        False, "", "Declaring weighs ending the label: war without it or its violation costs "
        "against fighting under it (sim.agents.declaration); off: Model 2's urge.",
        source="history.md: declared 19 Sept 2016; February 2016 eroded", opt_in=True)
    label_value: float = param(
        0.0, "value/day", "What keeping the truce in name is worth while it fights on some "
        "fronts (patron's favour, aid, restraint elsewhere), lost by declaring; read only "
        "with weighs_label.", source="assumed", ge=0, le=50, opt_in=True)


def urge(k, delta: np.ndarray, fighting: np.ndarray, cost: np.ndarray | None) -> np.ndarray:
    """The leadership's urge to declare the truce over, (R,), from a party's compiled
    constants ``k`` (``PartyArrays``), its weighing by front ``delta`` and its postures
    ``fighting`` (both (G, R), zero outside the deal's area) and the day's cost of
    violating on each front ``cost`` (the same shape, or None where no world weighs the
    label): Model 2's form, or the label's where ``k.weighs_label`` is set."""
    old = (k.front_weight * delta).sum(0) - k.declaration_cost
    if cost is None or not np.any(k.weighs_label):
        return old
    new = (k.front_weight * (cost + (1.0 - fighting) * delta)).sum(0) \
        - k.declaration_cost - k.label_value
    return np.where(k.weighs_label > 0, new, old)
