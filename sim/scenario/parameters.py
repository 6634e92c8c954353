"""The parameter reference, generated from the schema (never written by hand).

``python run.py --describe`` prints it; ``docs/parameters.md`` holds a copy that
a test keeps equal to it.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator

from pydantic import BaseModel

from sim.scenario.schema import Actor, Region, Scenario


def _rows(model: type[BaseModel], prefix: str) -> Iterator[tuple[str, str, str, str, str]]:
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _rows(annotation, path + ".")
            continue
        if typing.get_origin(annotation) is dict and typing.get_args(annotation)[1] in (
                Actor, Region):
            kind = typing.get_args(annotation)[1]
            yield (path, "mapping", "", "", field.description or "")
            yield from _rows(kind, f"{path}.<{kind.__name__.lower()}>.")
            continue
        extra = field.json_schema_extra or {}
        unit = extra.get("unit", "") if isinstance(extra, dict) else ""
        bounds = []
        for meta in field.metadata:
            for attr, sym in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
                if getattr(meta, attr, None) is not None:
                    bounds.append(f"{sym} {getattr(meta, attr)}")
        default = "required" if field.is_required() else repr(
            field.default_factory() if field.default_factory else field.default)
        yield (path, str(unit), ", ".join(bounds), default, field.description or "")


def parameter_table() -> str:
    """Every scenario parameter as a Markdown table: path, unit, range, default, meaning."""
    lines = ["| parameter | unit | range | default | meaning |", "|---|---|---|---|---|"]
    for path, unit, bounds, default, doc in _rows(Scenario, ""):
        doc = " ".join(doc.split()).replace("|", "\\|")
        lines.append(f"| `{path}` | {unit} | {bounds} | {default} | {doc} |")
    return "\n".join(lines)
