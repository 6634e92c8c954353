"""Dotted paths (``mechanisms.penalties.strength``): one walker of nested data by path.

Scenario files, ``--set``, a sweep's axes, the posterior's columns and the app's sliders
all name a value by its dotted path. This module walks them, in plain data (mappings),
in objects (attributes: a loaded scenario) and in a schema (pydantic models' fields); it
is on the ground floor and imports nothing of ``sim``.
"""

from __future__ import annotations

from typing import Any

from pydantic.fields import FieldInfo

#: ``get``'s default: the path must be there.
REQUIRED: Any = object()


def keys(path: str) -> list[str]:
    """The keys of a dotted path, outermost first."""
    return path.split(".")


def get(data: Any, path: str, default: Any = REQUIRED) -> Any:
    """The value at ``path``: each key a mapping's key, or else an object's attribute.
    Where the path is not there, ``default``, or without one ``KeyError`` (a mapping) or
    ``AttributeError`` (an object)."""
    node = data
    for key in keys(path):
        if isinstance(node, dict):
            if key not in node and default is not REQUIRED:
                return default
            node = node[key]
        else:
            if not hasattr(node, key) and default is not REQUIRED:
                return default
            node = getattr(node, key)
    return node


def assign(data: dict, path: str, value: Any) -> None:
    """Set ``path`` in nested mappings that hold it already (``KeyError`` otherwise)."""
    *outer, last = keys(path)
    node = data
    for key in outer:
        node = node[key]
    node[last] = value


def leaves(data: Any, prefix: str = "") -> dict[str, Any]:
    """Every value of nested mappings that is not itself a mapping, by its dotted path."""
    if not isinstance(data, dict):
        return {prefix: data}
    return {path: value for key, inner in data.items()
            for path, value in leaves(inner, f"{prefix}.{key}" if prefix else key).items()}


def field(model: Any, path: str) -> Any:
    """The declaration (pydantic ``FieldInfo``) of ``path`` in a schema: each key a field of
    the model before it, whose annotation is the next model; where that is a mapping of
    names (``actors``, ``regions``, a region's ``presence``), the key is a name and the
    declaration that of the mapping's values; an optional model (``X | None``) is its
    model."""
    info = None
    for key in keys(path):
        if getattr(model, "__origin__", None) is dict:   # a name: the values' declaration
            value = model.__args__[1]
            info = FieldInfo.from_annotation(value)
            model = model_of(value)
        else:
            info = model.model_fields[key]
            model = model_of(info.annotation)
    return info


def model_of(annotation: Any) -> Any:
    """The model of an annotation: itself, or the one non-None member of ``X | None``."""
    args = getattr(annotation, "__args__", ())
    if getattr(annotation, "__origin__", None) is not dict and type(None) in args:
        members = [a for a in args if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation
