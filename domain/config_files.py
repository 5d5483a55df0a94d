"""Reading configuration files so that every mistake in them can be reported with its file, its
line and what to fix: YAML read with the line of every key kept, pydantic's errors translated
into sentences for the person who edits the file.

`domain.config` decides what is valid; this module only says where and how it is not.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError


@dataclass(frozen=True)
class ConfigProblem:
    """One mistake in the configuration: where it is and what to do about it."""

    file: str  # a path, or "environment" for an override variable
    line: int | None  # 1-based, where known
    field: str  # e.g. "tehsils[1].deadline"; "" for the file as a whole
    message: str  # what is wrong and what to fix

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "field": self.field, "message": self.message}


def describe_problems(problems: Sequence[ConfigProblem]) -> str:
    """The message of the ConfigInvalid raised for these problems: one per line."""
    if len(problems) == 1:
        return str(problems[0])
    return f"{len(problems)} problems:\n" + "\n".join(f"  {problem}" for problem in problems)


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, except that a date that is no date (`2027-02-30`) stays a string, so
    the model reports it at its line instead of YAML failing with no line at all."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[arg-type]
        except ValueError:
            return self.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


@dataclass(frozen=True)
class YamlDocument:
    """A configuration file read: its data, and its node tree for finding the line of a value."""

    path: Path
    data: Any
    root: yaml.Node | None

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """The 1-based line of the value at `loc` (keys and list indexes); of the nearest
        enclosing value that exists when `loc` names something missing."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            child, key_line = _child(node, part) if node is not None else (None, None)
            if child is None:
                return line
            node, line = child, key_line
        return line


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node | None, int | None]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                return value, key.start_mark.line + 1
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        value = node.value[part]
        return value, value.start_mark.line + 1
    return None, None


def read_yaml(path: Path) -> tuple[YamlDocument | None, list[ConfigProblem]]:
    """The file read, or the problems that stop it being read (syntax, encoding, keys written twice)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [ConfigProblem(str(path), None, "", "not UTF-8 text: save the file as UTF-8")]
    except OSError as error:
        return None, [ConfigProblem(str(path), None, "", f"cannot be read: {error.strerror or error}")]
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = ": ".join(part for part in (error.context, error.problem) if part)
        column = f" (column {mark.column + 1})" if mark else ""
        return None, [ConfigProblem(str(path), mark.line + 1 if mark else None, "",
                                    f"YAML syntax error: {what}{column}: fix the syntax there (values holding ': ' or ' #' need quotes)")]
    except yaml.YAMLError as error:
        return None, [ConfigProblem(str(path), None, "", f"YAML syntax error: {error}")]
    finally:
        loader.dispose()
    problems = list(_keys_written_twice(path, root))
    if data is not None and not isinstance(data, dict):
        problems.append(ConfigProblem(str(path), 1, "", f"the file holds a {type(data).__name__}, not `key: value` lines"))
    return YamlDocument(path, data, root), problems


def _keys_written_twice(path: Path, node: yaml.Node | None) -> Iterable[ConfigProblem]:
    # YAML keeps the last of two equal keys without a word: the first one's settings are lost.
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if isinstance(key.value, str) and key.value in first:
                yield ConfigProblem(str(path), line, key.value, f"written twice (also on line {first[key.value]}): keep one")
            first.setdefault(key.value, line)
            yield from _keys_written_twice(path, value)
    elif isinstance(node, yaml.SequenceNode):
        for value in node.value:
            yield from _keys_written_twice(path, value)


def field_path(loc: Sequence[str | int]) -> str:
    """`("tehsils", 1, "deadline")` as `tehsils[1].deadline`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def validation_problems(error: ValidationError, where: YamlDocument | None, models: Iterable[type[BaseModel]],
                        file: str | None = None, prefix: Sequence[str | int] = ()) -> list[ConfigProblem]:
    """Pydantic's errors as problems at their lines, each saying what to fix. `models` give the
    known field names, for "did you mean"; `prefix` is where the validated data sits in the file."""
    known = sorted({name for model in models for name in _field_names(model)})
    problems = []
    for detail in error.errors():
        loc = tuple(part for part in detail["loc"] if part != "__root__")
        full = (*prefix, *loc)
        line = where.line_of(full) if where else None
        name = str(loc[-1]) if loc else ""
        problems.append(ConfigProblem(file or (str(where.path) if where else ""), line, field_path(full),
                                      _what_to_fix(detail, name, known)))
    return problems


def _what_to_fix(detail: Any, name: str, known: list[str]) -> str:
    kind, message, value = detail["type"], detail["msg"], detail.get("input")
    if kind == "missing":
        return f"missing: add `{name}: …`"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean `{close[0]}`? " if close else ""
        return f"unknown field: {hint}remove it or correct its spelling"
    if kind.startswith(("date_", "datetime_")):
        return f"{value!r} is not a date: write it as YYYY-MM-DD (for example 2027-03-31)"
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    return f"{message} (found {value!r})"


def _field_names(model: type[BaseModel]) -> Iterable[str]:
    for name, field in model.model_fields.items():
        yield name
        annotation = field.annotation
        for inner in (annotation, *getattr(annotation, "__args__", ())):
            if isinstance(inner, type) and issubclass(inner, BaseModel) and inner is not model:
                yield from _field_names(inner)
