"""The parameter reference, generated from the schema (never written by hand).

The schema is assembled from what the agent classes declare (``sim/agents``);
this module walks it: nested blocks, ``precedent`` (a block or none), the
mappings of actors and regions, and the shared behavioural constants under
``behaviour:``. An actor's fields depend on its role, so they are listed per
role: ``actors.<party>.*`` (a faction party to the truce), ``actors.<spoiler>.*``
(an excluded faction), ``actors.<power>.*`` (an external power), after the
fields every actor has (``actors.<actor>.*``).

``python run.py --describe`` prints :func:`parameter_table`; ``docs/parameters.md``
holds it (``python -m sim.docs`` writes it, a test keeps it current).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.scenario.schema import KIND_PARAMS, Actor, Region, Scenario

#: The placeholder that stands for an actor's name, by role (``KIND_PARAMS``' keys).
ROLE_PLACEHOLDER = {"party": "<party>", "spoiler": "<spoiler>", "power": "<power>"}


@dataclass(frozen=True)
class Row:
    """One parameter of the scenario schema."""

    path: str          # dotted path; <actor>, <party>, <spoiler>, <power>, <region>: any name
    unit: str
    range: str
    default: str
    source: str
    meaning: str
    numeric: bool      # a number (int or float, not bool)
    block: type | None  # the declaring block (a pydantic model), for grouping by agent

    @property
    def shared(self) -> bool:
        """A behavioural constant shared by every scenario (``behaviour.*``)."""
        return self.path.startswith("behaviour.")


def _strip_optional(annotation: typing.Any) -> typing.Any:
    """``X | None`` -> ``X``; anything else unchanged."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _is_block(annotation: typing.Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _bounds(metadata: list) -> str:
    bounds = []
    for meta in metadata:
        for attr, sym in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if getattr(meta, attr, None) is not None:
                bounds.append(f"{sym} {getattr(meta, attr)}")
    return ", ".join(bounds)


def _range(field: FieldInfo) -> str:
    if field.metadata:
        return _bounds(field.metadata)
    annotation = _strip_optional(field.annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return " or ".join(repr(v) for v in typing.get_args(annotation))
    if typing.get_origin(annotation) is dict:
        value = typing.get_args(annotation)[1]
        if typing.get_origin(value) is typing.Annotated:
            inner = _bounds(typing.get_args(value)[1:]) or _bounds(
                [m for a in typing.get_args(value)[1:] for m in getattr(a, "metadata", [])])
            return f"each {inner}" if inner else ""
    return ""


def _is_numeric(annotation: typing.Any) -> bool:
    annotation = _strip_optional(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation in (int, float)


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    return repr(field.default_factory() if field.default_factory else field.default)


def _leaf(path: str, field: FieldInfo, block: type | None) -> Row:
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return Row(path=path, unit=str(extra.get("unit", "")), range=_range(field),
               default=_default(field), source=str(extra.get("source", "")),
               meaning=" ".join((field.description or "").split()),
               numeric=_is_numeric(field.annotation), block=block)


def _rows(model: type[BaseModel], prefix: str) -> Iterator[Row]:
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = _strip_optional(field.annotation)
        if _is_block(annotation):
            if annotation is not field.annotation:          # a block or none: say so
                yield _leaf(path, field, model)
            yield from _rows(annotation, path + ".")
            continue
        if typing.get_origin(annotation) is dict and typing.get_args(annotation)[1] is Actor:
            yield _leaf(path, field, model)
            yield from _actor_rows(path)
            continue
        if typing.get_origin(annotation) is dict and typing.get_args(annotation)[1] is Region:
            yield _leaf(path, field, model)
            yield from _rows(Region, f"{path}.<region>.")
            continue
        yield _leaf(path, field, model)


def _actor_rows(path: str) -> Iterator[Row]:
    """The fields every actor has, then each role's fields (the block that declares them)."""
    role_fields = {n for block in KIND_PARAMS.values() for n in block.model_fields}
    for name, field in Actor.model_fields.items():
        if name not in role_fields:
            yield _leaf(f"{path}.<actor>.{name}", field, Actor)
    for role, block in KIND_PARAMS.items():
        yield from _rows(block, f"{path}.{ROLE_PLACEHOLDER[role]}.")


def parameter_rows() -> list[Row]:
    """Every parameter of the scenario schema, in schema order."""
    return list(_rows(Scenario, ""))


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _table(rows: list[Row]) -> list[str]:
    lines = ["| parameter | unit | range | default | source | meaning |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| `{r.path}` | {_cell(r.unit)} | {_cell(r.range)} | "
                     f"{_cell(r.default)} | {_cell(r.source)} | {_cell(r.meaning)} |")
    return lines


def parameter_table() -> str:
    """Every scenario parameter as Markdown: the facts and terms a scenario states, then the
    behavioural constants shared by every scenario (``behaviour.*``)."""
    rows = parameter_rows()
    return "\n".join([
        "## Facts and terms of the deal",
        "",
        "What a scenario file states. `<actor>` stands for any actor's name; `<party>`, "
        "`<spoiler>` and `<power>` for a faction party to the truce, an excluded faction and "
        "an external power; `<region>` for a region's name.",
        "",
        *_table([r for r in rows if not r.shared]),
        "",
        "## Shared behavioural constants (`behaviour.*`)",
        "",
        "How the agents behave, the same in every truce: defaults are the agent classes' "
        "declarations, calibrated jointly; a historical scenario does not set them.",
        "",
        *_table([r for r in rows if r.shared]),
    ])
