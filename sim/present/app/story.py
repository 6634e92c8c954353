"""The app's words for one truce: its status, and what happened on the day just run.

Both read a model of one world (R = 1) after a step and return plain text, so the page
only lays them out. ``today`` tells the day as the story of one run does (``--story``,
``sim.present.wording.story``), from the events the app's model records as it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.results import TRIGGERS
from sim.present.wording.story import day_lines

if TYPE_CHECKING:
    from sim.model.model import CeasefireModel
    from sim.present.app.model import TruceModel


def status(model: CeasefireModel) -> str:
    """Whether the truce stands, and if not, how it ended: declared over (by whom, and the
    trigger that weighed most) or fallen apart on the ground (de facto), whichever first."""
    m, day = model, model.day
    lines = [f"Day {day} of {m.n_days}: days since the truce began (its phase lasts "
             f"{m.truce_days} days)"]
    formal, de_facto = int(m.collapse_day[0]), int(m.de_facto_day[0])
    if formal >= 0:
        lines.append(f"Declared over at the start of day {formal + 1} (collapse day {formal}) "
                     f"by {m.theatre.actors[m.declarer[0]]}; trigger: "
                     f"{TRIGGERS[m.trigger[0]].replace('_', ' ')}.")
    if de_facto >= 0:
        lines.append(f"Collapsed de facto from day {de_facto + 1} (collapse day {de_facto}): "
                     "the parties' violence back above "
                     f"{m.base.outcomes.de_facto_share:.0%} of its pre-truce level for "
                     f"{m.base.outcomes.de_facto_window_days:g} days running.")
    if formal < 0 and de_facto < 0:
        lines.append("The truce is standing." if day < m.truce_days else
                     f"The truce survived its {m.truce_days} days.")
    jic = int(m.jic.start_day[0])
    lines.append(f"JIC started on day {jic + 1}." if jic >= 0 else "JIC not started.")
    return "\n".join(lines)


def today(model: TruceModel) -> str:
    """What happened on the day just run, hour by hour, as the story of one run tells it
    (``--story``): acts, what each side booked against whom, fronts changing, aid,
    beliefs at the close, the declaration."""
    m = model
    if m.day == 0:
        return "Nothing yet: press Step to run the first day."
    kinds = dict(zip(m.theatre.actors, m.theatre.kind, strict=True))
    lines = day_lines(m.teller.events, kinds, m.day)
    return f"Day {m.day}:\n" + ("\n".join(lines) if lines else "  nothing more: the story "
                                "stops at the truce's first collapse")
