"""Where a scenario names its actors and regions, so that a file that ``extends:`` another
can rename or remove them everywhere.

A file that extends another may, besides setting values:

- **remove** an actor or a region, or any entry of a mapping keyed by name (a presence,
  a precedent's share), by giving it ``null``::

      regions:
        raqqa: null            # the region goes, and so do the other regions' edges to it
      actors:
        isis: null             # the actor goes, with its presences and precedent share

  A removed actor still named where a name is a value (a patron, a siege, the
  intelligence link, a key pair, intermixing) is an error naming that field: set it in
  the same file.

- **rename** actors and regions with ``rename:``, applied to what it extends before its
  own values (which use the new names)::

      rename:
        actors: {united_states: turkey}
        regions: {aleppo_east: afrin}
      actors:
        turkey: {leverage: 0.5}

  Every reference to the old name follows: the keys of ``actors`` and ``regions``,
  presences, precedent shares, patrons, intermixing, sieges, the intelligence link, key
  pairs and neighbours (``REFERENCES``; ``tests/test_extends.py`` checks that it covers
  every field of the schema that holds a name).

Problems raise ``ScenarioError`` naming the file and the field.
"""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sim.scenario.errors import ScenarioError
from sim.scenario.schema import Scenario

Origins = dict[tuple[str, ...], Path]

#: Where names appear, by kind: ``keys`` are mappings keyed by the name, ``values`` the
#: places that hold one as a value (``*`` steps over every entry of a mapping or list).
REFERENCES: dict[str, dict[str, tuple[tuple[str, ...], ...]]] = {
    "actors": {
        "keys": (("actors",), ("regions", "*", "presence"), ("precedent", "violence_share")),
        "values": (("actors", "*", "patron"), ("actors", "*", "intermixed_with"),
                   ("regions", "*", "besieged_by"), ("mechanisms", "intelligence", "provider"),
                   ("mechanisms", "intelligence", "recipient"), ("key_pairs", "*", "*"),
                   ("mechanisms", "threat", "by"), ("mechanisms", "penalties", "enforcer"),
                   ("mechanisms", "counter_terror", "strikers", "*")),
    },
    "regions": {
        "keys": (("regions",), ("mechanisms", "observers", "presence")),
        "values": (("regions", "*", "neighbours", "*"), ("mechanisms", "buffers", "fronts", "*"),
                   ("mechanisms", "patrols", "fronts", "*"), ("mechanisms", "area", "regions", "*"),
                   ("mechanisms", "humanitarian", "pullback", "*")),
    },
}
KINDS = tuple(REFERENCES)


def _nodes(data: Any, pattern: tuple[str, ...], at: tuple[str, ...] = ()):
    """(path, container, key) of every place ``pattern`` reaches in ``data``."""
    if not pattern:
        return
    head, rest = pattern[0], pattern[1:]
    if isinstance(data, dict):
        keys = list(data) if head == "*" else [head] if head in data else []
    elif isinstance(data, list) and head == "*":
        keys = list(range(len(data)))
    else:
        return
    for key in keys:
        path = (*at, str(key))
        if rest:
            yield from _nodes(data[key], rest, path)
        else:
            yield path, data, key


def _mappings(data: Any, pattern: tuple[str, ...]):
    """(path, mapping) of every mapping ``pattern`` reaches (its keys are names)."""
    if not pattern[1:]:
        found = data.get(pattern[0]) if isinstance(data, dict) else None
        if isinstance(found, dict):
            yield (pattern[0],), found
        return
    for path, container, key in _nodes(data, pattern):
        if isinstance(container[key], dict):
            yield path, container[key]


def _rename_origins(origins: Origins, mappings: set[tuple[str, ...]],
                    table: dict[str, str]) -> None:
    """Who set what, under the new names: one pass (keys keep their order)."""
    depths = sorted({len(m) for m in mappings})
    renamed: Origins = {}
    for key, origin in origins.items():
        for depth in depths:
            if len(key) > depth and key[:depth] in mappings and key[depth] in table:
                key = (*key[:depth], table[key[depth]], *key[depth + 1:])
        renamed[key] = origin
    origins.clear()
    origins.update(renamed)


def rename(base: dict, spec: Any, child: dict, path: Path, origins: Origins) -> dict:
    """``base`` with the names of ``spec`` (a file's ``rename:``) changed everywhere; the
    file's own values (``child``) must use the new names."""
    if not isinstance(spec, dict) or not spec:
        raise ScenarioError(path, "rename", f"expected a mapping of {' and/or '.join(KINDS)} to "
                            "{old name: new name}")
    for kind, table in spec.items():
        field = f"rename.{kind}"
        if kind not in REFERENCES:
            raise ScenarioError(path, field, f"unknown field; expected one of {list(KINDS)}")
        if not isinstance(table, dict) or not table:
            raise ScenarioError(path, field, "expected a mapping {old name: new name}")
        existing = base.get(kind) if isinstance(base.get(kind), dict) else {}
        for old, new in table.items():
            where = f"{field}.{old}"
            if old not in existing:
                raise ScenarioError(path, where, f"the file it extends has no {kind[:-1]} "
                                    f"{old!r}; its {kind}: {sorted(map(str, existing))}")
            if not isinstance(new, str) or not new:
                raise ScenarioError(path, where, f"expected the new name, got {new!r}")
        staying = set(existing) - set(table)
        targets: dict[str, str] = {}
        for old, new in table.items():
            if new in staying:
                raise ScenarioError(path, f"{field}.{old}", f"{new!r} is already "
                                    f"{'an actor' if kind == 'actors' else 'a region'}")
            if new in targets:
                raise ScenarioError(path, f"{field}.{old}", f"{targets[new]!r} is renamed "
                                    f"{new!r} too")
            targets[new] = old
        _old_names(child, kind, table, path)
        base = _rename(base, kind, table, origins)
    return base


def _old_names(child: dict, kind: str, table: dict[str, str], path: Path) -> None:
    """Refuse an old name in the file that renames it: its values come after the rename."""
    refs, gone = REFERENCES[kind], set(table) - set(table.values())   # a swap keeps both
    found = [((*where, old), old) for pattern in refs["keys"]
             for where, mapping in _mappings(child, pattern) for old in mapping if old in gone]
    found += [(where, container[key]) for pattern in refs["values"]
              for where, container, key in _nodes(child, pattern)
              if isinstance(container[key], str) and container[key] in gone]
    if found:
        where, old = found[0]
        raise ScenarioError(path, ".".join(where), f"names {old!r}, which this file renames "
                            f"{table[old]!r} (rename.{kind}); its values use the new name")


def _rename(data: dict, kind: str, table: dict[str, str], origins: Origins) -> dict:
    """Rename in place; a mapping or list shared through a YAML alias is renamed once (a
    swap renamed twice would undo itself)."""
    refs = REFERENCES[kind]
    done: set[int] = set()
    wheres: set[tuple[str, ...]] = set()
    for pattern in refs["keys"]:
        for where, mapping in list(_mappings(data, pattern)):
            wheres.add(where)
            if id(mapping) not in done:
                done.add(id(mapping))
                renamed = {table.get(k, k): v for k, v in mapping.items()}   # order kept
                mapping.clear()
                mapping.update(renamed)
    _rename_origins(origins, wheres, table)
    seen: set[tuple[int, Any]] = set()
    for pattern in refs["values"]:
        for _, container, key in list(_nodes(data, pattern)):
            value = container[key]
            if (id(container), key) not in seen and isinstance(value, str) and value in table:
                container[key] = table[value]
            seen.add((id(container), key))
    return data


def removals(data: dict) -> list[tuple[Any, ...]]:
    """The entries a file removes: the paths its ``null`` values give in mappings of named
    entries (``actors.isis``, ``regions.raqqa.presence.russia``), where null is no value."""
    found = []
    seen: set[int] = set()      # a mapping reached again through a YAML alias: once

    def walk(node: Any, at: tuple[str, ...]) -> None:
        if not isinstance(node, dict) or id(node) in seen:
            return
        seen.add(id(node))
        for key, value in node.items():
            path = (*at, key)
            if value is None and _entry_of_a_named_mapping(path):
                found.append(path)
            else:
                walk(value, path)
    walk(data, ())
    return found


def _entry_of_a_named_mapping(path: tuple[Any, ...]) -> bool:
    """Whether ``path`` is an entry of a mapping keyed by user names, whose values cannot be
    null (so null there can only mean: remove it)."""
    annotation: Any = Scenario
    for key in path[:-1]:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(key)
            if field is None:
                return False
            annotation = field.annotation
        elif typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
        else:
            return False
    annotation = _unwrap(annotation)
    if typing.get_origin(annotation) is not dict:
        return False
    value = typing.get_args(annotation)[1]
    return type(None) not in typing.get_args(value) and value is not type(None)


def _unwrap(annotation: Any) -> Any:
    """``Block | None`` is ``Block``; ``Annotated[X, ...]`` is ``X``."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def remove(base: dict, child: dict, path: Path, origins: Origins) -> list[tuple[str, str]]:
    """Take out of ``base`` what ``child`` removes (and the null entries out of ``child``);
    a removed actor leaves the mappings keyed by it, a removed region the neighbours lists.
    Returns the (kind, name) of the actors and regions removed."""
    gone: list[tuple[str, str]] = []
    dropped: list[tuple[str, ...]] = []
    for where in removals(child):
        parent, node = child, base
        for key in where[:-1]:
            parent = parent[key]
            node = node.get(key) if isinstance(node, dict) else None
        del parent[where[-1]]
        field = ".".join(map(str, where))
        if not isinstance(node, dict) or where[-1] not in node:
            have = sorted(map(str, node)) if isinstance(node, dict) else []
            raise ScenarioError(path, field, f"null removes an entry of the file it extends, "
                                f"which has no {where[-1]!r} here (it has: {have})")
        del node[where[-1]]
        dropped.append(tuple(map(str, where)))
        if len(where) == 2 and where[0] in REFERENCES:
            gone.append((where[0], where[1]))
    for kind, name in gone:
        for pattern in REFERENCES[kind]["keys"][1:]:
            for at, mapping in _mappings(base, pattern):
                if name in mapping:
                    del mapping[name]
                    dropped.append((*at, name))
        if kind == "regions":
            for _, container, key in list(_nodes(base, ("regions", "*", "neighbours"))):
                if isinstance(container[key], list):
                    container[key] = [n for n in container[key] if n != name]
    _drop_origins(origins, set(dropped))
    return gone


def _drop_origins(origins: Origins, prefixes: set[tuple[str, ...]]) -> None:
    """Forget who set what inside the removed entries: one pass."""
    depths = sorted({len(p) for p in prefixes})
    for key in [k for k in origins if any(k[:d] in prefixes for d in depths)]:
        del origins[key]


def dangling(merged: dict, gone: list[tuple[str, str]], path: Path) -> None:
    """Refuse a removed actor or region still named as a value once the file is merged."""
    for kind, name in gone:
        kept = merged.get(kind)
        if isinstance(kept, dict) and name in kept:
            continue            # given again, as a new entry
        for pattern in REFERENCES[kind]["values"]:
            for where, container, key in _nodes(merged, pattern):
                if container[key] == name:
                    raise ScenarioError(path, ".".join(where), f"names {name!r}, which this "
                                        f"file removes ({kind}.{name}: null); set it here to "
                                        f"another {kind[:-1]} or remove it too")


def unused(data: dict, path: Path) -> None:
    """A file that extends nothing can neither rename nor remove."""
    if "rename" in data:
        raise ScenarioError(path, "rename", "renames entries of the file this one extends; "
                            "this file extends none (add 'extends:')")
    found = removals(data)
    if found:
        raise ScenarioError(path, ".".join(map(str, found[0])), "null removes an entry of "
                            "the file this one extends; this file extends none (add "
                            "'extends:', or leave the entry out)")
