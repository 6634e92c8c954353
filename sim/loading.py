"""Reading scenario files: safe YAML, ``extends:``, dotted-path overrides, clear errors.

Every failure raises :class:`ScenarioError`, which names the file, the field
path and what was expected; the CLI prints it and exits non-zero without a
traceback.
"""

from __future__ import annotations

import difflib
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim.schema import NameResolutionError, Scenario

Origins = dict[tuple[str, ...], Path]


class ScenarioError(Exception):
    """A scenario that cannot be used: which file, which field, what was expected."""

    def __init__(self, file: Path | str, field: str, expected: str):
        self.file, self.field, self.expected = str(file), field, expected
        where = f"{self.file}: {field}" if field else self.file
        super().__init__(f"{where}: {expected}")


class _UniqueKeyLoader(yaml.SafeLoader):
    """The safe loader, refusing duplicate keys instead of keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> dict[str, Any]:
    """Parse one YAML file into a mapping, or raise ScenarioError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(path, "", f"cannot be read ({exc})") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        if "could not determine a constructor" in str(exc):
            problem = f"{problem} (only plain YAML is allowed: no '!' tags)"
        raise ScenarioError(path, "", f"invalid YAML at {line}{problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(path, "", f"expected a mapping of fields at the top level, "
                                      f"got {type(data).__name__}")
    return data


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
            origins[path] = origin
    return merged


def _record(data: Any, origin: Path, origins: Origins, prefix: tuple[str, ...] = ()) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            _record(value, origin, origins, (*prefix, str(key)))
    origins[prefix] = origin


def resolve_extends(path: Path, chain: tuple[Path, ...] = ()) -> tuple[dict, Origins]:
    """The raw data of ``path`` with its ``extends:`` chain merged in, and each leaf's file."""
    path = path.resolve()
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise ScenarioError(chain[-1], "extends", f"cyclic extends: {cycle}")
    data = read_yaml(path)
    parent = data.pop("extends", None)
    origins: Origins = {}
    if parent is None:
        _record(data, path, origins)
        return data, origins
    if not isinstance(parent, str) or not parent:
        raise ScenarioError(path, "extends", "expected the path of another scenario file")
    parent_path = (path.parent / parent)
    if not parent_path.is_file():
        raise ScenarioError(path, "extends", f"file {parent!r} not found "
                                             f"(looked for {parent_path})")
    base, origins = resolve_extends(parent_path, (*chain, path))
    return deep_merge(base, data, path, origins), origins


def parse_value(text: str) -> Any:
    """A command-line override value, read as YAML (so 0.5, true, null, [a, b] work)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def apply_overrides(data: dict, overrides: dict[str, Any], origin: str,
                    origins: Origins) -> dict:
    """Set values by dotted path (``mechanisms.penalties.strength``) on raw scenario data."""
    for dotted, value in overrides.items():
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
        origins[tuple(keys)] = Path(origin)
    return data


def _is_schema_block(keys: list[str]) -> bool:
    """Whether a dotted prefix names a fixed block of the schema (not a user-named entry)."""
    model: Any = Scenario
    for key in keys:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return False
        field = model.model_fields.get(key)
        if field is None:
            return False
        model = field.annotation
    return isinstance(model, type) and issubclass(model, BaseModel)


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load, merge and validate a scenario file; raise ScenarioError on any problem."""
    path = Path(path)
    data, origins = resolve_extends(path)
    if overrides:
        data = apply_overrides(data, overrides, "command line", origins)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise _explain(exc, path, origins) from None


def _explain(exc: ValidationError, path: Path, origins: Origins) -> ScenarioError:
    """Turn pydantic's first error into a ScenarioError with the file the field came from."""
    messages = []
    first_loc: tuple[str, ...] = ()
    for i, err in enumerate(exc.errors()):
        loc = tuple(str(p) for p in err["loc"])
        inner = err.get("ctx", {}).get("error")
        if isinstance(inner, NameResolutionError):
            items = [(tuple(p.split(".")), m) for p, m in inner.problems]
        else:
            items = [(loc, _describe(err, loc))]
        for item_loc, message in items:
            if not messages:
                first_loc = item_loc
            messages.append(f"{'.'.join(item_loc) or '(top level)'}: {message}")
        if i >= 9:
            break
    file = _origin_of(first_loc, origins, path)
    field, _, expected = messages[0].partition(": ")
    more = "" if len(messages) == 1 else "\n  also: " + "\n  also: ".join(messages[1:])
    return ScenarioError(file, field, expected + more)


def _origin_of(loc: tuple[str, ...], origins: Origins, default: Path) -> Path:
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in origins:
            return origins[loc[:cut]]
    return default


def _describe(err: dict, loc: tuple[str, ...]) -> str:
    kind, got = err["type"], err.get("input")
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1])
        close = difflib.get_close_matches(loc[-1], allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown field; expected one of {sorted(allowed)}{hint}"
    if kind == "missing":
        return "required field is missing"
    text = err["msg"].removeprefix("Value error, ")
    return f"{text} (got {got!r})" if not isinstance(got, dict | list) else text


def _fields_at(loc: tuple[str, ...]) -> list[str]:
    """Field names of the schema block found at ``loc`` (dict entries are stepped over)."""
    model: Any = Scenario
    for key in loc:
        if isinstance(model, type) and issubclass(model, BaseModel):
            field = model.model_fields.get(key)
            model = field.annotation if field else None
        elif typing.get_origin(model) is dict:
            model = typing.get_args(model)[1]
        else:
            return []
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []
