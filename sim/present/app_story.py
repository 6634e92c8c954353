"""The app's words for one truce: its status, and what happened on the day just run.

Both read a model of one world (R = 1) after a step and return plain text, so the page
only lays them out. ``today`` tells the day as the story of one run does (``--story``,
``sim.present.story``), from the events the app's model records as it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.agents.front import STATUSES
from sim.model.results import TRIGGERS

if TYPE_CHECKING:
    from sim.model.model import CeasefireModel


def status(model: CeasefireModel) -> str:
    """Whether the truce stands, and if not, how it ended: declared over (by whom, and the
    trigger that weighed most) or fallen apart on the ground (de facto), whichever first."""
    m, day = model, model.day
    lines = [f"Day {day} of {m.n_days}: days since the truce began (its phase lasts "
             f"{m.truce_days} days)"]
    formal, de_facto = int(m.collapse_day[0]), int(m.de_facto_day[0])
    if formal >= 0:
        lines.append(f"Declared over on day {formal} by {m.world.actors[m.declarer[0]]}; "
                     f"trigger: {TRIGGERS[m.trigger[0]].replace('_', ' ')}.")
    if de_facto >= 0:
        lines.append(f"Collapsed de facto on day {de_facto}: the parties' violence back above "
                     f"{m.base.outcomes.de_facto_share:.0%} of its pre-truce level for "
                     f"{m.base.outcomes.de_facto_window_days:g} days running.")
    if formal < 0 and de_facto < 0:
        lines.append("The truce is standing." if day < m.truce_days else
                     f"The truce survived its {m.truce_days} days.")
    jic = int(m.jic.start_day[0])
    lines.append(f"JIC started on day {jic}." if jic >= 0 else "JIC not started.")
    return "\n".join(lines)


def today(model: CeasefireModel) -> str:
    """What happened on the day just run, hour by hour, as the story of one run tells it
    (``--story``): acts, what each side booked against whom, fronts changing, aid,
    beliefs at the close, the declaration. A model that tells no story (no ``teller``)
    gets the day's totals instead."""
    m = model
    if m.day == 0:
        return "Nothing yet: press Step to run the first day."
    teller = getattr(m, "teller", None)
    if teller is None:
        return _totals(m)
    from sim.present.story import day_lines
    kinds = dict(zip(m.world.actors, m.world.kind, strict=True))
    lines = day_lines(teller.events, kinds, m.day)
    return f"Day {m.day}:\n" + ("\n".join(lines) if lines else "  nothing the story tells "
                                "(the truce had already collapsed on the ground)")


def _totals(m: CeasefireModel) -> str:
    """The day just run in totals: attacks by actor (and what the other side booked
    against it), fronts that changed status, aid that got through."""
    rec, d = m.recorder, m.day - 1
    # once declared over, nobody books violations of the truce: show what was done only
    booked = m.collapse_day[0] < 0 or d < m.collapse_day[0]
    acts = [f"{name} {int(rec.acts_day[d, a, 0])}" + (
                f" (booked by the other side {int(rec.reported_day[d, a, 0])})" if booked else "")
            for a, name in enumerate(m.world.actors) if rec.acts_day[d, a, 0]
            or rec.reported_day[d, a, 0]]
    lines = [f"Day {d + 1}: attacks " + ("; ".join(acts) if acts else "none") + "."]
    before = rec.status_day[d - 1, :, 0] if d > 0 else None
    changed = [f"{g} {STATUSES[s]}" for i, (g, s) in
               enumerate(zip(m.world.regions, rec.status_day[d, :, 0], strict=True))
               if before is None and s or before is not None and s != before[i]]
    if changed:
        lines.append("Fronts now " + ", ".join(changed) + ".")
    lines.append(f"Aid through to besieged regions: {rec.aid_day[d, 0]:g} trucks; "
                 f"civilian harm {rec.harm_day[d, 0]:.1f}.")
    if m.collapse_day[0] == d:
        lines.append(f"{m.world.actors[m.declarer[0]]} declared the truce over at the start "
                     "of the day.")
    return "\n".join(lines)
