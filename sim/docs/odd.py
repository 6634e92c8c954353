"""docs/ODD.md: the model in the ODD protocol (Grimm et al. 2020).

The prose is a template (``odd_template.md``); what the code can say for itself is
filled in from it: the patterns history.md asks for, the entities and their state
variables, the day's schedule (the model's docstring, assembled from the classes'
declared phases), the random streams, the initial beliefs and the submodels.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

from sim.agents.beliefs import Observer
from sim.agents.registry import MECHANISMS, weighing
from sim.core.events import CAUSES
from sim.docs.introspect import (comments, entities, first_line, param_list, patterns,
                                 replication_axis, state, streams, submodel_rows)
from sim.docs.mechanisms import GENERATED, SOURCES, _cell, agent_classes
from sim.model.model import CeasefireModel
from sim.model.results import TRIGGERS
from sim.scenario.parameters import ROLE_PLACEHOLDER, parameter_rows

TEMPLATE = Path(__file__).with_name("odd_template.md")

#: The ODD's submodels: the model, every class of the registry, and the mixin that draws
#: acts for every fighting agent.
SUBMODELS = ("CeasefireModel", *(c.__name__ for c in MECHANISMS), "Attacker")

ROLE_OF = {"PartyFaction": "party", "SpoilerFaction": "spoiler", "ExternalPower": "power"}


def schedule() -> str:
    """The numbered order of sub-steps, verbatim from ``CeasefireModel``'s docstring: from
    its "One step is" paragraph to its last numbered item."""
    doc = inspect.cleandoc(CeasefireModel.__doc__ or "")
    paragraphs = doc.split("\n\n")
    start = next(i for i, p in enumerate(paragraphs) if p.startswith("One step is"))
    end = max(i for i, p in enumerate(paragraphs) if re.search(r"^\d+\. ", p, re.M))
    return "\n\n".join(paragraphs[start:end + 1])


def schedule_items(text: str) -> list[str]:
    """The numbered items of a schedule, each as one line of text (an item ends at its
    paragraph's end or at the next item)."""
    items: list[str] = []
    for paragraph in text.split("\n\n"):
        parts = re.split(r"^(?=\d+\. )", paragraph.strip(), flags=re.M)
        items += [" ".join(p.split()) for p in parts if re.match(r"\d+\. ", p)]
    return items


def _entities_section(pairs, theatre, rows) -> list[str]:
    out: list[str] = []
    for a, b in pairs:
        cls = type(a)
        title = "The truce (`CeasefireModel`)" if cls is CeasefireModel else f"`{cls.__name__}`"
        out += [f"### {title}", "", first_line(cls.__doc__), ""]
        role = ROLE_OF.get(cls.__name__)
        if role:
            names = [n for n, k in zip(theatre.actors, theatre.kind, strict=True) if k == role]
            declared = [r.path.rsplit(".", 1)[1] for r in rows
                        if r.path.startswith(f"actors.{ROLE_PLACEHOLDER[role]}.")]
            out += [f"Plays: {', '.join(names)} (reference scenario). Declares: "
                    + ", ".join(f"`{d}`" for d in declared) + ".", ""]
        if cls.__name__ == "Front":
            out += ["State: its row of the model's `front_status` (0 holding, 1 fraying, "
                    "2 fighting); its neighbours are its cell's neighbours on the Mesa "
                    "`Network`. Regions (reference scenario): "
                    + ", ".join(theatre.regions) + ".", ""]
            continue
        sources = [cls.__init__] if cls is CeasefireModel else \
            [f for f in (cls.__dict__.get("reset"), getattr(cls, "reset_beliefs", None)) if f]
        found = state(a, replication_axis(a, b), comments(*sources))
        if found:
            out += ["| state variable | dtype | shape | note (from the code) |",
                    "|---|---|---|---|"]
            out += [f"| `{n}` | {d} | {s} | {_cell(c)} |" for n, d, s, c in found]
            out.append("")
    return out


def _submodels_section() -> list[str]:
    out: list[str] = []
    for cls in (agent_classes()[name] for name in SUBMODELS):
        module = sys.modules[cls.__module__]
        out += [f"### `{cls.__name__}` (`{cls.__module__}`)", "",
                inspect.cleandoc(module.__doc__ or ""), ""]
        if cls is CeasefireModel:
            out += ["Day's end (`CeasefireModel._close_day`): "
                    + first_line(CeasefireModel._close_day.__doc__) + " Declaration "
                    "(`CeasefireModel._declare`): " + first_line(CeasefireModel._declare.__doc__),
                    ""]
        if cls is not CeasefireModel and cls.__doc__ and \
                first_line(cls.__doc__) != first_line(module.__doc__):
            out += [inspect.cleandoc(cls.__doc__), ""]
        declared = submodel_rows(cls)
        terms = [r for r in declared if not r.shared]
        shared_rows = [r for r in declared if r.shared]
        if terms:
            out += ["Parameters:", "", *param_list(terms), ""]
        if shared_rows:
            out += ["Shared behavioural constants:", "", *param_list(shared_rows), ""]
    return out


def odd_markdown(sources: Path = SOURCES) -> str:
    """The ODD description, the template filled in from the code."""
    history = (sources / "history.md").read_text(encoding="utf-8")
    rows = parameter_rows()
    pairs = entities()
    m2 = pairs[0][0]
    theatre, t = m2.theatre, m2.base.time
    lines: list[str] = []
    for head, bullets in patterns(history):
        lines += [head, ""] + ([*[f"- {b}" for b in bullets], ""] if bullets else [])
    beliefs = [f"| {agent.name} | {theatre.actors[tr]} | "
               f"{float(agent.trust_in(int(tr))[0]):.3f} |"
               for agent in (m2.agent_of(i) for i in range(theatre.n_actors))
               if isinstance(agent, Observer) for tr in agent.trusted]
    terms = "; ".join(f"{term.replace('_', ' ')}: " + ", ".join(f"`{c.__name__}`" for c in cs)
                      for term, cs in weighing().items() if cs)
    fill = {
        "generated": GENERATED,
        "patterns": "\n".join(lines).rstrip("\n"),
        "sizes": f"sizes for the reference scenario (`scenarios/kerry_lavrov.yaml`): "
                 f"{theatre.n_regions} regions (G), {theatre.n_actors} actors (A), "
                 f"{len(theatre.siege_region)} sieges, {len(CAUSES)} causes; R replications",
        "entities": "\n".join(_entities_section(pairs, theatre, rows)).rstrip("\n"),
        "step_hours": f"{t.step_hours:g}", "duration_days": f"{t.duration_days:g}",
        "horizon_days": f"{t.horizon_days:g}",
        "schedule": schedule(),
        "weighing": terms,
        "streams": ", ".join(f"`{s}`" for s in streams()),
        "triggers": ", ".join(f"`{c}`" for c in TRIGGERS),
        "beliefs": "\n".join(beliefs),
        "submodels": "\n".join(_submodels_section()).rstrip("\n"),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in fill.items():
        text = text.replace("{{" + key + "}}", value)
    if "{{" in text:
        raise ValueError(f"{TEMPLATE.name}: unfilled placeholder near "
                         f"{text[text.index('{{'):][:40]!r}")
    return text.rstrip("\n") + "\n"
