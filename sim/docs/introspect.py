"""What the ODD description reads from the code: a small model of the reference scenario,
its agents' state variables and the comments the code gives them, the random streams a
day draws from, the patterns history.md asks for, and the parameter rows each class
declares."""

from __future__ import annotations

import inspect
import re

import numpy as np
from pydantic import BaseModel

from sim.model.model import CeasefireModel
from sim.scenario.deal import Deal
from sim.scenario.loading import load_scenario
from sim.scenario.parameters import _is_block, _strip_optional, parameter_rows
from sim.scenario.schema import Harm, Outcomes, Region, Scenario, Time

from sim.docs.mechanisms import ROOT

SCENARIO = ROOT / "scenarios" / "kerry_lavrov.yaml"


def patterns(history: str) -> list[tuple[str, list[str]]]:
    """The patterns history.md asks the model to reproduce: each paragraph that says what a
    scenario "should reproduce", and the research findings the mechanisms should agree
    with, as (lead sentence, bullets)."""
    out: list[tuple[str, list[str]]] = []
    paragraphs = [p.strip() for p in history.split("\n\n") if p.strip()]
    for i, para in enumerate(paragraphs):
        if para.startswith("What ") and "reproduce" in para:
            head, _, rest = para.partition("\n- ")
            out.append((" ".join(head.split()), _bullets("- " + rest) if rest else []))
        elif para.startswith("## Research") and i + 1 < len(paragraphs):
            out.append((para[3:].strip() + ":", _bullets(paragraphs[i + 1])))
    return out


def _bullets(text: str) -> list[str]:
    return [" ".join(b.split()) for b in re.split(r"^- ", text, flags=re.M) if b.strip()]


def small_model(replications: int = 2):
    """A model of the reference scenario (``replications`` worlds, seed 1)."""
    return CeasefireModel(load_scenario(str(SCENARIO)), replications, rng=1)


def comments(*functions) -> dict[str, str]:
    """What the code says of each state variable: the comment on the line that assigns
    ``self.<name>``, continued by comments on following lines of code that assign nothing."""
    notes: dict[str, str] = {}
    last = None
    for function in functions:
        for line in inspect.getsource(function).splitlines():
            code, _, comment = line.partition("#")
            assigned = re.match(r"\s*self\.(\w+)\s*=", code)
            if assigned:
                last = assigned.group(1) if comment.strip() else None
                if last:
                    notes[last] = comment.strip()
            elif last and code.strip() and comment.strip():
                notes[last] += " " + comment.strip()
            else:
                last = None
    return notes


def state(obj, varying: set[str], notes: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """An object's numpy state: (name, dtype, shape with the replication axis as R, what the
    code's comment says of it)."""
    out = []
    for name, value in vars(obj).items():
        if isinstance(value, np.ndarray) and not name.startswith("_"):
            dims = [str(d) for d in value.shape]
            if name in varying:
                dims[-1] = "R"
            shape = "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"
            out.append((name, value.dtype.name, shape, notes.get(name, "")))
    return out


def replication_axis(a, b) -> set[str]:
    """Names of numpy attributes whose last axis grows with the replications."""
    return {n for n, v in vars(a).items() if isinstance(v, np.ndarray) and v.ndim
            and isinstance(vars(b).get(n), np.ndarray)
            and vars(b)[n].shape[-1] != v.shape[-1]}


def actors(model) -> list:
    return [model.agent_of(i) for i in range(model.theatre.n_actors)]


def agents(model) -> list:
    return [*actors(model), model.monitoring, model.jic, model.convoys, model.fronts[0]]


def entities() -> list[tuple[object, object]]:
    """One agent of each class, in a model of 2 and of 3 replications."""
    m2, m3 = small_model(2), small_model(3)
    pairs, seen = [], set()
    for a, b in zip(agents(m2), agents(m3), strict=True):
        if type(a) not in seen:
            seen.add(type(a))
            pairs.append((a, b))
    return [(m2, m3), *pairs]


def first_line(doc: str | None) -> str:
    return " ".join((doc or "").strip().split("\n\n")[0].split())


def _blocks_by_module() -> dict[str, list[str]]:
    """Each schema block's path prefix, by the module that declares the block."""
    out: dict[str, list[str]] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            annotation = _strip_optional(field.annotation)
            if _is_block(annotation):
                out.setdefault(annotation.__module__, []).append(f"{prefix}{name}")
                walk(annotation, f"{prefix}{name}.")
    walk(Scenario, "")
    return out


def param_list(rows) -> list[str]:
    def unit(r) -> str:
        if r.unit:
            return f"{r.unit}; "
        return "switch; " if r.default in ("True", "False") else ""
    return [f"- `{r.path}` ({unit(r)}default {r.default}): {r.meaning}" for r in rows]


def submodel_rows(cls: type) -> list:
    """The parameter rows an agent class declares: its actor fields (``Params``), its
    ``Behaviour`` block and the other blocks its module declares; for a front, the region's
    fields; for the model, time, outcomes, harm and the deal over time."""
    own = {"Front": (Region,), "CeasefireModel": (Time, Outcomes, Harm, Deal)}.get(cls.__name__, ())
    blocks = _blocks_by_module().get(cls.__module__, [])
    params = getattr(cls, "Params", None)
    rows = []
    for r in parameter_rows():
        if (params is not None and r.block is params) or r.block in own or any(
                r.path.startswith(b + ".") for b in blocks):
            rows.append(r)
    return rows


#: The ODD's submodels: the model, each agent class, and the mixins several share.


def streams() -> list[str]:
    """The random streams a day of the reference scenario draws from."""
    model = small_model(2)
    model.step()
    return sorted(model.streams.names)
