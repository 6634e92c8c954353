"""Reading scenario files: safe YAML, ``extends:`` (with ``rename:`` and null removals,
``sim.scenario.names``), dotted-path overrides, clear errors.

Every failure raises :class:`ScenarioError`, which names the file, the field
path and what was expected; the CLI prints it and exits non-zero without a
traceback.
"""

from __future__ import annotations

import difflib
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim.dotted import model_of
from sim.scenario import facts, names
from sim.scenario.checks import MAX_NAME, semantic_problems, type_problems
from sim.scenario.errors import ScenarioError
from sim.scenario.yamlfile import MAX_FILE_BYTES, read_text, read_yaml  # noqa: F401 - re-exported
from sim.scenario.schema import FieldProblems, Scenario

Origins = dict[tuple[str, ...], Path]


def deep_merge(base: dict, override: dict, origin: Path, origins: Origins,
               prefix: tuple[str, ...] = ()) -> dict:
    """Mappings merge key by key; anything else in ``override`` replaces the base value."""
    merged = dict(base)
    for key, value in override.items():
        path = (*prefix, str(key))
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value, origin, origins, path)
        else:
            merged[key] = value
            _set_origin(origins, path, origin)
    return merged


def _set_origin(origins: Origins, path: tuple[str, ...], origin: Path) -> None:
    """Record ``origin`` as the latest to set ``path``, forgetting who set what inside it.

    Deleting before inserting keeps ``origins`` in the order the values were set.
    """
    for key in [k for k in origins if k[:len(path)] == path]:
        del origins[key]
    origins[path] = origin


def _record(data: Any, origin: Path, origins: Origins, prefix: tuple[str, ...] = (),
            seen: set[int] | None = None) -> None:
    """Record ``origin`` for every field of ``data``; a mapping reached again through a YAML
    alias is not walked twice (so recursive or exponentially shared aliases cannot hang)."""
    seen = set() if seen is None else seen
    if isinstance(data, dict) and id(data) not in seen:
        seen.add(id(data))
        for key, value in data.items():
            _record(value, origin, origins, (*prefix, str(key)), seen)
    origins[prefix] = origin


#: Longest ``extends:`` chain: deep enough for any family of scenarios, short enough that
#: the reader never runs out of stack and blames a valid file for being "nested too deeply".
MAX_EXTENDS = 100


def resolve_extends(path: Path, chain: tuple[Path, ...] = ()) -> tuple[dict, Origins]:
    """The raw data of ``path`` with its ``extends:`` chain merged in, and each leaf's file."""
    try:
        path = path.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop, before Python 3.13
        raise ScenarioError(path, "", f"cannot be read ({exc})") from None
    if len(chain) >= MAX_EXTENDS:
        raise ScenarioError(chain[-1], "extends", f"a chain of at most {MAX_EXTENDS} files, "
                                                  f"each extending the next (this one is longer)")
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise ScenarioError(chain[-1], "extends", f"cyclic extends: {cycle}")
    data = read_yaml(path)
    parent = data.pop("extends", None)
    origins: Origins = {}
    if parent is None:
        names.unused(data, path)
        _record(data, path, origins)
        return data, origins
    if not isinstance(parent, str) or not parent:
        raise ScenarioError(path, "extends", "expected the path of another scenario file")
    parent_path = (path.parent / parent)
    try:
        parent_path.stat()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise ScenarioError(path, "extends", f"cannot read {parent!r} "
                                             f"({exc.strerror or exc})") from None
    if parent_path.is_dir():
        raise ScenarioError(path, "extends", f"{parent!r} is a directory, not a scenario "
                                             f"file (looked at {parent_path})")
    if not parent_path.is_file():
        raise ScenarioError(path, "extends", f"file {parent!r} not found "
                                             f"(looked for {parent_path})")
    base, origins = resolve_extends(parent_path, (*chain, path))
    if "rename" in data:                  # the parent's names, before this file's values
        base = names.rename(base, data.pop("rename"), data, path, origins)
    gone = names.remove(base, data, path, origins)     # its null entries
    merged = deep_merge(base, data, path, origins)
    names.dangling(merged, gone, path)
    return merged, origins


def parse_value(text: str) -> Any:
    """A command-line override value, read as YAML (so 0.5, true, null, [a, b] work)."""
    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):
        return text


def sets(data: Any, path: str) -> bool:
    """Whether raw file data sets the dotted ``path``, or a value holding it (an override
    there would replace what the file says)."""
    for key in path.split("."):
        if not isinstance(data, dict):
            return True
        if key not in data:
            return False
        data = data[key]
    return True


def apply_overrides(data: dict, overrides: dict[str, Any], origin: str,
                    origins: Origins) -> dict:
    """Set values by dotted path (``mechanisms.penalties.strength``) on raw scenario data."""
    for dotted, value in overrides.items():
        if not isinstance(dotted, str) or not dotted:
            raise ScenarioError(origin, str(dotted), "a parameter's dotted path, as text "
                                "(such as 'mechanisms.penalties.strength')")
        keys = dotted.split(".")
        node = data
        for depth, key in enumerate(keys[:-1]):
            child = node.get(key) if isinstance(node, dict) else None
            if child is None and isinstance(node, dict) and _is_schema_block(keys[:depth + 1]):
                child = node[key] = {}
            if not isinstance(child, dict):
                raise ScenarioError(origin, dotted, f"unknown parameter path: "
                                                    f"{'.'.join(keys[:depth + 1])!r} "
                                                    f"is not a block of the scenario")
            node = child
        node[keys[-1]] = value
        _set_origin(origins, tuple(keys), Path(origin))
    return data


def _is_schema_block(keys: list[str]) -> bool:
    """Whether a dotted prefix names a fixed block of the schema (not a user-named entry),
    or a mapping of names a block declares (``mechanisms.observers.presence``)."""
    model: Any = Scenario
    for key in keys:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return False
        field = model.model_fields.get(key)
        if field is None:
            return False
        model = model_of(field.annotation)      # an optional block (X | None) is its block
    return isinstance(model, type) and issubclass(model, BaseModel) \
        or typing.get_origin(model) is dict


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load, merge and validate a scenario file; raise ScenarioError on any problem."""
    path = Path(path)
    data, origins = resolve_extends(path)
    if overrides:
        data = apply_overrides(data, overrides, "command line", origins)
        if "name" not in overrides and isinstance(data.get("name"), str):
            data["name"] = renamed(data["name"], overrides)
    return validate(data, path, origins)


def renamed(name: str, overrides: dict[str, Any]) -> str:
    """A scenario's name with the overrides it was loaded with, so that charts, reports
    and tables of a changed scenario never carry the unchanged one's title."""
    changes = "; ".join(f"{path} = {value}" for path, value in overrides.items())
    full = f"{name}, with {changes}"
    return full if len(full) <= MAX_NAME else \
        f"{name}, with {len(overrides)} changes"[:MAX_NAME]


def validate(data: dict, path: Path, origins: Origins) -> Scenario:
    """Validate merged scenario data: numbers are numbers (not booleans), the schema, then
    the checks of the scenario as a whole (``sim.scenario.checks``); facts given as ranges
    are checked at both ends and held at their midpoints (``sim.scenario.facts``)."""
    ranges = facts.extract(data)
    if ranges:
        return facts.resolve(data, ranges, lambda p: _origin_of(tuple(p.split(".")), origins,
                                                                path),
                             lambda d: _validate(d, path, origins))
    return _validate(data, path, origins)


def _validate(data: dict, path: Path, origins: Origins) -> Scenario:
    problems = type_problems(data)
    if not problems:
        try:
            scenario = Scenario.model_validate(data)
        except ValidationError as exc:
            raise explain(exc, path, origins, data=data) from None
        problems = semantic_problems(scenario)
    if problems:
        field, message = problems[0]
        file = _origin_of(tuple(field.split(".")), origins, path)
        more = "".join(f"\n  also: {f}: {m}" for f, m in problems[1:10])
        raise ScenarioError(file, field, message + more)
    return scenario


def explain(exc: ValidationError, path: Path, origins: Origins,
            model: type[BaseModel] = Scenario, prefix: str = "",
            data: dict | None = None) -> ScenarioError:
    """Turn pydantic's errors into one ScenarioError, naming the file the first field came
    from; ``model`` is the block validated and ``prefix`` its path in the file."""
    messages = []
    first_loc: tuple[str, ...] = ()
    for i, err in enumerate(exc.errors()):
        loc = tuple(str(p) for p in err["loc"])
        inner = err.get("ctx", {}).get("error")
        if isinstance(inner, FieldProblems):
            items = [((*loc, *p.split(".")), m) for p, m in inner.problems]
        else:
            items = [(loc, _describe(err, loc, model) + _typo_hint(err, loc, data))]
        for item_loc, message in items:
            if not messages:
                first_loc = item_loc
            where = ".".join(((prefix,) if prefix else ()) + item_loc)
            messages.append(f"{where or '(top level)'}: {message}")
        if i >= 9:
            break
    file = _origin_of(first_loc, origins, path)
    field, _, expected = messages[0].partition(": ")
    more = "" if len(messages) == 1 else "\n  also: " + "\n  also: ".join(messages[1:])
    return ScenarioError(file, field, expected + more)


def _origin_of(loc: tuple[str, ...], origins: Origins, default: Path) -> Path:
    """The file that last set ``loc`` or anything inside it, else the one that set its block.

    An error about a whole block (``time``, or an ``initial_trust`` mapping) is thus
    blamed on the file that changed it last, not on the parent that first defined it.
    """
    inside = [origin for key, origin in origins.items() if key[:len(loc)] == loc]
    if inside:
        return inside[-1]
    for cut in range(len(loc) - 1, -1, -1):
        if loc[:cut] in origins:
            return origins[loc[:cut]]
    return default


def _typo_hint(err: dict, loc: tuple[str, ...], data: dict | None) -> str:
    """For a required field missing from a new actor or region: is its name a typo of one
    that exists (e.g. a misspelt actor in a file that extends another)?"""
    if err["type"] != "missing" or data is None or len(loc) != 3 or \
            loc[0] not in ("actors", "regions") or not isinstance(data.get(loc[0]), dict):
        return ""
    others = [n for n in data[loc[0]] if n != loc[1]]
    close = difflib.get_close_matches(loc[1], others, n=1)
    return f" (is {loc[1]!r} a misspelling of {close[0]!r}?)" if close else ""


def _describe(err: dict, loc: tuple[str, ...], model: type[BaseModel]) -> str:
    kind, got = err["type"], err.get("input")
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1], model)
        close = difflib.get_close_matches(loc[-1], allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown field; expected one of {sorted(allowed)}{hint}"
    if kind == "missing":
        return "required field is missing"
    text = err["msg"].removeprefix("Value error, ")
    return f"{text} (got {got!r})" if not isinstance(got, dict | list) else text


def _fields_at(loc: tuple[str, ...], root: type[BaseModel]) -> list[str]:
    """Field names of the schema block found at ``loc`` (dict entries are stepped over)."""
    model: Any = _block(root)
    for key in loc:
        if isinstance(model, type) and issubclass(model, BaseModel):
            field = model.model_fields.get(key)
            model = _block(field.annotation) if field else None
        elif typing.get_origin(model) is dict:
            model = _block(typing.get_args(model)[1])
        else:
            return []
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _block(annotation: Any) -> Any:
    """The schema block an annotation holds: ``Block | None`` is ``Block``."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation
