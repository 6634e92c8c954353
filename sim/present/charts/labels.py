"""How charts name things: an actor or region by its ``label:`` in the scenario (or its name
prettified), a trust pair, a trigger of a declaration, a scenario compared.

Every chart takes its names through ``Labels``, so no code name (``united_states``,
``blocked_aid``) reaches a reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sim.scenario.schema import Scenario

#: The internal names of the triggers of a declaration (``sim.model.results.TRIGGERS``) in
#: words, as a chart's reader would say them.
TRIGGER_WORDS = {"deliberate": "Deliberate violations", "retaliation": "Retaliation",
                 "spoiler": "Spoiler attacks", "accident": "Misidentified strikes",
                 "misattribution": "Incidents blamed on the other side",
                 "blocked_aid": "Blocked aid",
                 "intelligence_misuse": "Misuse of shared intelligence",
                 "distrust": "Plain distrust"}


def prettified(name: str) -> str:
    """A code name as words: underscores to spaces, each word's first letter capitalised
    and the rest left as written (``united_states`` -> ``United States``, ``US_envoy`` ->
    ``US Envoy``)."""
    return " ".join(w[:1].upper() + w[1:] for w in name.replace("_", " ").split())


@dataclass(frozen=True)
class Labels:
    """Display names: ``names`` maps an actor's or region's name to its label; any other
    name is prettified."""

    names: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, scenario: Scenario | None) -> Labels:
        """The labels a scenario writes (``actors.<name>.label``, ``regions.<name>.label``);
        an actor without one whose name has four letters or fewer is an acronym (``isis``
        -> ``ISIS``, as the story says it); every other name prettified."""
        if scenario is None:
            return cls()
        named = {**scenario.actors, **scenario.regions}
        acronyms = {n: n.upper() for n in scenario.actors if len(n) <= 4}    # as the story
        return cls(acronyms | {n: x.label for n, x in named.items() if x.label})

    def __call__(self, name: str) -> str:
        """An actor or a region, by its label or its name prettified."""
        return self.names.get(name) or prettified(name)

    def pair(self, observer: str, trusted: str) -> str:
        """A trust pair: the observer's belief that the trusted is committed."""
        who = self(observer)
        return f"{who}{chr(39) if who.endswith('s') else chr(39) + 's'} trust in {self(trusted)}"

    def trigger(self, name: str) -> str:
        """A trigger of a declaration, in words."""
        return TRIGGER_WORDS.get(name) or prettified(name)

    def shares(self, shares: Mapping[str, float], trigger: bool = False) -> dict[str, float]:
        """Shares keyed by actors (or triggers, with ``trigger``) keyed by their labels."""
        name = self.trigger if trigger else self
        return {name(k): v for k, v in shares.items()}


def scenario_label(name: str, file: str = "") -> str:
    """A scenario compared: its title, and the file it came from on a second line (a
    scenario built in memory has no file; a name that is a code name is prettified)."""
    title = prettified(name) if name.isidentifier() else name
    return f"{title}\n({Path(file).name})" if file else title
