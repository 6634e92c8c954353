"""Reading YAML files safely: regular files of bounded size, the safe loader refusing
duplicate keys and keys that are not plain words (YAML merge keys allowed), and every
failure a :class:`ScenarioError` naming the file and, where it can, the field."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.errors import ScenarioError


class _DuplicateKeyError(yaml.constructor.ConstructorError):
    """A key given twice in one mapping; ``field`` is its dotted path in the document."""

    def __init__(self, field: str, key: Any, mark: yaml.Mark):
        super().__init__(None, None, f"duplicate key {key!r}", mark)
        self.field = field


class _KeyError(yaml.constructor.ConstructorError):
    """A mapping key that is not a plain scalar (``? [a, b]``); ``field`` is the mapping's path."""

    def __init__(self, field: str, problem: str, mark: yaml.Mark):
        super().__init__(None, None, problem, mark)
        self.field = field


#: The tag of a YAML merge key (``<<: *base``), which the safe loader resolves.
MERGE_TAG = "tag:yaml.org,2002:merge"


class _UniqueKeyLoader(yaml.SafeLoader):
    """The safe loader, refusing duplicate keys instead of keeping the last one."""

    def construct_document(self, node: yaml.Node) -> Any:
        self.field_paths = _field_paths(node)
        return super().construct_document(node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:       # "<<: *base": merged by the safe loader
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                prefix = self.field_paths.get(id(node), "")
                raise _KeyError(prefix, "a field name (a plain word), not a "
                                f"{'list' if isinstance(key_node, yaml.SequenceNode) else 'mapping'}",
                                key_node.start_mark)
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                prefix = self.field_paths.get(id(node), "")
                raise _DuplicateKeyError(f"{prefix}.{key}" if prefix else str(key), key,
                                         key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _field_paths(root: yaml.Node) -> dict[int, str]:
    """The dotted field path of each mapping and list of a composed YAML document, by node id.

    Iterative, and each node visited once, so aliases (even recursive ones) cost nothing.
    """
    paths: dict[int, str] = {}
    queue = [(root, "")]
    for node, path in queue:
        if id(node) in paths or not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            continue
        paths[id(node)] = path
        if isinstance(node, yaml.MappingNode):
            items = [(k.value if isinstance(k, yaml.ScalarNode) else "?", v)
                     for k, v in node.value]
        else:
            items = list(enumerate(node.value))
        queue.extend((child, f"{path}.{key}" if path else str(key)) for key, child in items)
    return paths


#: Largest scenario or sweep file read (the shipped ones are a few KiB): a bigger file,
#: or a device such as /dev/zero, is refused before it fills memory.
MAX_FILE_BYTES = 1 << 20


def read_text(path: Path, limit: int = MAX_FILE_BYTES,
              kind: str = "a scenario file is a few KiB of YAML") -> str:
    """The text of a regular file of at most ``limit`` bytes (``kind`` says why, when it is
    larger), without the byte-order mark spreadsheets and some editors begin a file with;
    or raise ScenarioError."""
    try:
        # non-blocking open: a FIFO without a writer must not hang before it is refused
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as f:
            mode = os.fstat(f.fileno()).st_mode
            if stat.S_ISDIR(mode):
                raise IsADirectoryError
            if not stat.S_ISREG(mode):
                raise ScenarioError(path, "", "not a regular file (a scenario is a YAML file)")
            raw = f.read(limit + 1)
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except IsADirectoryError:
        raise ScenarioError(path, "", "cannot be read: it is a directory, not a scenario "
                                      "file") from None
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > limit:
        raise ScenarioError(path, "", f"larger than {limit // 1024} KiB; {kind}")
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise ScenarioError(path, "", f"cannot be read ({exc})") from None


def read_yaml(path: Path) -> dict[str, Any]:
    """Parse one YAML file into a mapping, or raise ScenarioError."""
    text = read_text(path)
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise ScenarioError(path, "", "invalid YAML: nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        if "could not determine a constructor" in str(exc):
            problem = f"{problem} (only plain YAML is allowed: no '!' tags)"
        field = getattr(exc, "field", "")
        raise ScenarioError(path, field, f"invalid YAML at {line}{problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(path, "", f"expected a mapping of fields at the top level, "
                                      f"got {type(data).__name__}")
    return data
