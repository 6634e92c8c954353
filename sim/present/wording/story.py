"""The story of one run in plain words: ``render(story)`` as text or Markdown, and the main
job's ``--story N`` / ``--story typical`` (``story.md`` beside ``summary.md``).

Names are the scenario's, made readable: a party faction is "the government", a
power or spoiler keeps its name ("Russia", "Nusra"), a name of four letters or
fewer is an acronym ("ISIS"), a power of several words takes "the" ("the United
States"); regions are title-cased ("Aleppo East").
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sim.analysis.summary import typical
from sim.run.story import Story
from sim.run.story import story as retell
from sim.scenario.loading import ScenarioError

if TYPE_CHECKING:
    from sim.run.posterior import Posterior
    from sim.model.results import Results
    from sim.model.story import Event
    from sim.scenario.schema import Scenario

#: Lines of the story the main job prints (the heading, outcome and the first events).
TERMINAL_LINES = 20

#: What each trigger of a declaration means, as the declaring party would cite it.
CITING = {"deliberate": "the other side's deliberate violations",
          "retaliation": "the other side's retaliation",
          "spoiler": "spoiler attacks it took for the other side's",
          "accident": "a misidentified strike",
          "misattribution": "incidents of unclear origin it blamed on the other side",
          "blocked_aid": "blocked aid",
          "intelligence_misuse": "the misuse of shared intelligence",
          "distrust": "plain distrust (nothing it perceived the day before)"}


def choice(value: str, replications: int, file: str) -> int | str:
    """``--story``'s value: a replication index of this run, or ``"typical"``."""
    if value == "typical":
        return value
    try:
        index = int(value)
    except ValueError:
        index = -1
    if not 0 <= index < replications:
        raise ScenarioError(file, "--story", f"expected a replication from 0 to "
                            f"{replications - 1} or 'typical' (got {value!r})")
    return index


def tell(which: int | str, results: Results, scenario: Scenario, seed: int,
         replications: int, posterior: Posterior | None, summary: Path
         ) -> tuple[Path, list[str]]:
    """The main job's ``--story``: the replication told (``typical`` picked from the run's
    results), written to ``story.md`` beside ``summary`` and linked from it; returns the
    file and the story's first lines in plain text, for the terminal."""
    picked = which == "typical"
    index = typical(results) if picked else int(which)
    one = retell(scenario, index, seed, replications, posterior=posterior)
    path = summary.parent / "story.md"
    path.write_text(render(one, markdown=True, typical=picked), encoding="utf-8")
    with summary.open("a", encoding="utf-8") as out:
        out.write(f"\n## The story of one run\n\n[Replication {index}]({path.name}) told "
                  "event by event: who did what where, how each side booked it, what each "
                  "came to believe.\n")
    return path, render(one, typical=picked).splitlines()[:TERMINAL_LINES]


def render(story: Story, markdown: bool = False, typical: bool = False) -> str:
    """The story in plain English: a heading, the outcome, beliefs before the truce, then
    day by day what happened, hour by hour (``typical``: say why this replication)."""
    names = _Names(story.kinds)
    o = story.outcome
    title = f"The story of replication {story.replication} of {story.replications}"
    lines = [f"# {title}" if markdown else title, "",
             f"{story.scenario}, seed {story.seed}"
             + (f", posterior draw {o['posterior_draw']}" if "posterior_draw" in o else "")
             + "."]
    if typical:
        lines.append("The typical replication: its collapse day is the closest to the run's "
                     "median collapse day (ties: the lowest replication index).")
    lines += ["", _outcome(story, names), "",
              "Days count from 1, the truce's first day; a collapse day in the tables is "
              "the number of full days the truce lasted. Decisions are taken at 00:00; "
              "'close' is the end of the day (fronts, beliefs).", "",
              "Before the truce: " + _beliefs(story.initial_trust, names, change=False)]
    day = 0
    for e in story.events:
        if e.day != day:
            if e.day > day + 1:     # only a declaration is told after a collapse on the ground
                lines += ["", f"(Days {day + 1}-{e.day - 1}: back to war on the ground; "
                          "nothing more is told until the declaration.)"]
            day = e.day
            lines += ["", f"## Day {day}", ""] if markdown else ["", f"Day {day}"]
        when, text = _line(e, names)
        text = text if markdown else text.replace("**", "")
        lines.append(f"- `{when}` {text}" if markdown else f"  {when:>5}  {text}")
    return "\n".join(lines) + "\n"


def day_lines(events: list[Event], kinds: dict[str, str], day: int) -> list[str]:
    """One day's events in plain words, hour by hour (the app's "what happened today")."""
    names = _Names(kinds)
    return [f"{when:>5}  {text.replace('**', '')}"
            for when, text in (_line(e, names) for e in events if e.day == day)]


def _line(e: Event, names: _Names) -> tuple[str, str]:
    """An event's time of day and its sentence."""
    return ("close" if e.hour >= 24 else f"{e.hour:02d}:00"), _cap(_sentence(e, names))


class _Names:
    """Readable names of the story's actors and regions."""

    def __init__(self, kinds: dict[str, str]):
        self.kinds = kinds

    def __call__(self, actor: str) -> str:
        words = actor.replace("_", " ")
        if len(actor) <= 4:
            return actor.upper()
        if self.kinds.get(actor) == "party":
            return f"the {words}"
        return f"the {words.title()}" if " " in words else words.title()

    @staticmethod
    def region(region: str) -> str:
        return region.replace("_", " ").title()

    def side(self, actor: str) -> str:
        return f"{self(actor)}'s side"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _times(count: int, what: str) -> str:
    return "" if count <= 1 else f" ({count} {what})"


def _sentence(e: Event, n: _Names) -> str:
    """One event in words."""
    d, where = e.detail, n.region(e.front)
    against, side = d.get("booked_against", ""), n.side(d.get("booked_by", e.target) or e.target)
    if e.kind == "attack":
        verb = {"retaliation": "retaliates against", "spoiler": "attacks"}.get(
            d["cause"], "strikes" if n.kinds.get(e.actor) == "power" else "attacks")
        text = f"{n(e.actor)} {verb} {n(e.target)} in {where}{_times(e.count, 'attacks')}"
        if d["cause"] == "spoiler":
            return text + (f"; {side} takes it for {n(against)}'s" if against
                           else "; seen for what it is")
        return text + (f"; {side} books it against {n(against)}" if against
                       else f"; nobody pins it on {n(e.actor)}")
    if e.kind == "misidentified_strike":
        text = f"{n(e.actor)} hits {n(e.target)} in {where} by mistake (a misidentified strike)"
        return text + (f"; {side} takes it for an attack and books it against {n(against)}"
                       if against else "; the joint commission settles it")
    if e.kind == "intelligence_misuse":
        return (f"{n(e.actor)} turns shared intelligence on {n(e.target)} in {where}; {side} "
                f"books it against {n(against)}")
    if e.kind == "convoy":
        return (f"An aid convoy to {where} is {d['fate']} by {n(e.actor)}; {side} books it "
                f"against {n(e.actor)}")
    if e.kind == "convoys_delivered":
        convoys = "an aid convoy" if e.count == 1 else f"{e.count} aid convoys"
        return (f"{_cap(convoys)} ({e.count * d['trucks']:.0f} trucks) got through to "
                f"{n(e.actor)} in {where} today")
    if e.kind == "convoys_waiting":
        convoys = "an aid convoy" if e.count == 1 else f"{e.count} aid convoys"
        return (f"{_cap(convoys)} to {n(e.actor)} in {where} waited at the border today: "
                "the road the deal asks both sides to pull back from is not cleared")
    if e.kind == "unclear":
        incidents = "an incident" if e.count == 1 else f"{e.count} incidents"
        return (f"{_cap(n.side(d['booked_by']))} books {incidents} of unclear origin in "
                f"{where} against {n(e.actor)}")
    if e.kind == "abandons":
        return f"{_cap(n(e.actor))} abandons the truce in {where}"
    if e.kind == "returns":
        return f"{_cap(n(e.actor))} returns to the truce in {where}"
    if e.kind == "jic_starts":
        return ("The Joint Implementation Center starts: joint strikes on the excluded "
                "factions, a joint commission for disputes, intelligence shared")
    if e.kind == "declared":
        return (f"**{_cap(n(e.actor))} declares the truce over**, citing "
                f"{CITING[d['trigger']]} (trigger: {d['trigger']})")
    if e.kind == "front":
        state = "holds again" if d["status"] == "holding" else f"is {d['status']}"
        return (f"{where} {state}: the parties' violence there at {d['violence']:.0%} of its "
                "pre-truce level")
    if e.kind == "beliefs":
        return "Beliefs tonight: " + _beliefs(d["pairs"], n, change=True)
    if e.kind == "de_facto":
        return (f"**The truce has collapsed on the ground** (de facto): the parties' violence "
                f"has stayed at or above {d['share']:.0%} of its pre-truce level for "
                f"{d['days']} days (today {d['violence']:.0%})")
    raise ValueError(f"no words for an event of kind {e.kind!r}")


def _beliefs(pairs, n: _Names, change: bool) -> str:
    """Each key pair's belief that the other is committed."""
    parts = []
    for observer, trusted, value, *delta in pairs:
        points = round(100 * delta[0]) if change and delta else 0
        moved = "" if not (change and delta) else " (unchanged)" if not points else \
            f" ({'up' if points > 0 else 'down'} {abs(points)} point{'s' * (abs(points) > 1)})"
        belief = f"{value:.0%}" if value >= 0.005 else "under 1%"
        parts.append(f"{n(observer)} trusts {n(trusted)} {belief}{moved}")
    return "; ".join(parts) + "."


def _outcome(story: Story, n: _Names) -> str:
    """The outcome, as the replication's row of the main job's table has it, the first
    collapse first."""
    o = story.outcome
    formal, de_facto = o["formal_collapse_day"], o["de_facto_collapse_day"]
    declared = "" if formal != formal else (   # NaN: never declared over
        f"{_cap(n(o['declared_by']))} declared the truce over at the start of day "
        f"{formal + 1:.0f}, citing {CITING[o['trigger']]} (trigger: {o['trigger']})")
    ground = "violence was back on the ground (de facto collapse) from day " \
        f"{de_facto + 1:.0f}"
    if o["collapse"] == "formal":
        said = [f"{declared}: collapse day {formal:.0f}."]
        if de_facto == de_facto:    # not NaN
            said.append(f"After that, {ground}.")
    elif o["collapse"] == "de facto":
        said = [f"{_cap(ground)}: collapse day {de_facto:.0f}, before any declaration."]
        if formal == formal:
            said.append(f"Later, {declared[0].lower()}{declared[1:]}.")
    elif o.get("ending") in ("expired", "superseded"):    # the deal's own end
        how = "lapsed (expired)" if o["ending"] == "expired" else \
            "was replaced by another deal (superseded)"
        said = [f"The truce was still standing when the deal {how} at the start of day "
                f"{o['end_day'] + 1:.0f}: it ended so, neither declared over nor back to war "
                "on the ground."]
    else:
        said = [f"The truce held to the end ({story.horizon_days} days): neither declared "
                "over nor back to war on the ground."]
    verdict = "survived" if o["survived"] else "did not survive"
    said.append(f"The truce {verdict} its {story.duration_days} days.")
    if o["jic_activated"]:
        said.append(f"The JIC started on day {o['jic_start_day'] + 1:.0f}.")
    return "Outcome: " + " ".join(said)
