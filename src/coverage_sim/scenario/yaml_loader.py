"""Strict, safe YAML reading that keeps the line and column of every key.

Only the YAML *composer* runs (no constructor, so no tag can execute code), with a
resolver that follows the YAML 1.2 core schema instead of PyYAML's YAML 1.1 one:

- ``1e6`` is the number 1000000, ``012`` is twelve (never octal), ``.inf``/``.nan``
  are read as numbers and then rejected by validation;
- only ``true``/``false`` are booleans: ``yes``, ``no``, ``on``, ``off``, ``NO`` stay
  strings, so a mistyped value is reported instead of silently becoming a bool;
- ``80k``, ``85%``, ``1_000`` stay strings here; numeric fields parse them with
  :func:`coverage_sim.scenario.numbers.parse_number`.

Rejected with a located issue: anchors and aliases (no "billion laughs"), any tag
(``!!python/object``, ``!!binary``, ...), duplicate keys, non-scalar keys, documents
nested deeper than ``MAX_DEPTH`` or with more than ``MAX_NODES`` nodes, files over
``MAX_BYTES`` (10 MB), anything but a regular file (directories, pipes, sockets,
devices: refused without blocking), files that are not UTF-8 text (UTF-16 gets a hint),
empty files and top levels that are not a mapping.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from coverage_sim.errors import ScenarioIssue
from coverage_sim.safe_read import UnreadableFile, read_regular_file

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000

KeyPath = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

_INT_RE = re.compile(r"^[-+]?[0-9]+$")
_FLOAT_RE = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")


class CoreResolver(BaseResolver):
    """YAML 1.2 core-schema resolution of plain scalars (no 1.1 bools, octals, sexagesimals)."""


CoreResolver.add_implicit_resolver(_BOOL, _BOOL_RE, list("tTfF"))
CoreResolver.add_implicit_resolver(_NULL, _NULL_RE, ["~", "n", "N", ""])
CoreResolver.add_implicit_resolver(_INT, _INT_RE, list("-+0123456789"))
CoreResolver.add_implicit_resolver(_FLOAT, _FLOAT_RE, list("-+0123456789."))


class _Refused(yaml.MarkedYAMLError):
    """A construct this loader refuses (alias, anchor, too deep, too many nodes)."""


class StrictComposer(Reader, Scanner, Parser, Composer, CoreResolver):
    """Composes one document into nodes, refusing anchors/aliases and oversized trees."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        CoreResolver.__init__(self)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        mark: Any = event.start_mark
        if isinstance(event, AliasEvent):
            raise _Refused(None, None, "aliases (*name) are not allowed", mark)
        if isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.anchor is not None:
            raise _Refused(None, None, "anchors (&name) are not allowed", mark)
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(None, None, f"document has more than {MAX_NODES} nodes", mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    None,
                    None,
                    f"document is nested deeper than {MAX_DEPTH} levels",
                    mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


@dataclass(frozen=True)
class Location:
    """Where a key or list item starts: file, 1-based line and column (``None``: not a file)."""

    file: str
    line: int | None
    column: int | None


@dataclass
class YamlDocument:
    """A parsed file: plain data, the location of every key path, and problems found.

    ``sources`` are the files read to make it: the file itself, then its ``extends``
    parents (nearest first).
    """

    path: Path
    data: dict[str, Any]
    marks: dict[KeyPath, Location] = field(default_factory=dict)
    issues: list[ScenarioIssue] = field(default_factory=list)
    sources: list[Path] = field(default_factory=list)


def dotted(path: KeyPath) -> str:
    """``("roles", "ae", "motions")`` -> ``"roles.ae.motions"``; list indexes as ``[0]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most ``MAX_BYTES`` (see ``coverage_sim.safe_read``)."""
    try:
        return read_regular_file(path, MAX_BYTES)
    except UnreadableFile as exc:
        raise _FileProblem(str(exc)) from None


def read_text(path: Path) -> str:
    """The file's text, or a ``_FileProblem`` saying why it cannot be used."""
    raw = read_bytes(path)
    encoding = _utf16_or_32(raw)
    if encoding is not None:
        raise _FileProblem(
            f"file is {encoding} text; save it as UTF-8 (most editors offer "
            '"Save with encoding" or "UTF-8" in the save dialog)'
        )
    if b"\x00" in raw:
        raise _FileProblem("file is binary, not YAML text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _FileProblem(f"file is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def _utf16_or_32(raw: bytes) -> str | None:
    """``"UTF-16"``/``"UTF-32"`` when ``raw`` decodes as such and either starts with its
    byte-order mark or has a NUL byte beside most characters (ASCII text); else None."""
    head = raw[:400]
    nuls = head.count(0)
    for name, codec, marks, enough in (
        (
            "UTF-32",
            "utf-32",
            (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"),
            nuls * 4 >= len(head) * 3 > 0,
        ),
        ("UTF-16", "utf-16", (b"\xff\xfe", b"\xfe\xff"), nuls * 5 >= len(head) * 2 > 0),
    ):
        if raw.startswith(marks) or enough:
            for variant in (codec, f"{codec}-le", f"{codec}-be"):
                try:
                    text = raw.decode(variant)
                except UnicodeDecodeError:
                    continue
                if "\x00" not in text:
                    return name
    return None


class _FileProblem(Exception):
    """The file cannot be read at all; carries the message for a file-level issue."""


def load_yaml(path: Path) -> YamlDocument:
    """Read ``path`` into a :class:`YamlDocument`; fatal problems are its only issues."""
    shown = str(path)
    doc = YamlDocument(path=path, data={}, sources=[path])
    try:
        text = read_text(path)
    except _FileProblem as exc:
        doc.issues.append(ScenarioIssue(shown, "", str(exc)))
        return doc
    try:
        root = _compose(text)
    except _ComposeProblem as exc:
        doc.issues.append(ScenarioIssue(shown, "", exc.message, exc.line, exc.column))
        return doc
    if root is None:
        doc.issues.append(
            ScenarioIssue(shown, "", "file is empty; expected a mapping of scenario keys")
        )
        return doc
    if not isinstance(root, MappingNode):
        doc.issues.append(
            ScenarioIssue(
                shown,
                "",
                "expected a mapping of scenario keys (name: ..., company: ...) at the top level",
                root.start_mark.line + 1,
                root.start_mark.column + 1,
            )
        )
        return doc
    builder = _Builder(shown)
    doc.data = builder.mapping(root, ())
    doc.marks = builder.marks
    doc.marks[()] = Location(shown, 1, 1)
    doc.issues = builder.issues
    return doc


def load_yaml_value(text: str, shown: str, path: KeyPath) -> tuple[Any, list[ScenarioIssue]]:
    """One value written in the scenario grammar (``36M``, ``"85% to 95%"``, a flow mapping).

    The same strict reading as a file (core schema, no tags, anchors or aliases); issues
    name ``shown`` (e.g. the ``--set`` argument) and the key path the value is meant for.
    An empty text is YAML's null, as an empty value in a file is.
    """
    try:
        root = _compose(text)
    except _ComposeProblem as exc:
        return None, [ScenarioIssue(shown, dotted(path), exc.message)]
    if root is None:
        return None, []
    builder = _Builder(shown)
    value = builder.value(root, path)
    issues = [ScenarioIssue(shown, issue.key_path, issue.message) for issue in builder.issues]
    return value, issues


class _ComposeProblem(Exception):
    """YAML that cannot be composed: the message and where (1-based) when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def _compose(text: str) -> Node | None:
    """The document's root node (``None`` when empty); raises ``_ComposeProblem``."""
    try:
        composer = StrictComposer(text)
        try:
            return composer.get_single_node()
        finally:
            composer.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        tab = _tab_hint(text, exc)
        message = (message + tab) if tab else _explained(message)
        raise _ComposeProblem(f"invalid YAML: {message}", line, column) from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise _ComposeProblem(f"invalid YAML: {exc}") from None


class _Builder:
    """Turns composed nodes into dicts/lists/scalars, recording marks and issues."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.marks: dict[KeyPath, Location] = {}
        self.issues: list[ScenarioIssue] = []

    def _issue(self, node: Node, path: KeyPath, message: str) -> None:
        mark = node.start_mark
        self.issues.append(
            ScenarioIssue(self.file, dotted(path), message, mark.line + 1, mark.column + 1)
        )

    def _mark(self, node: Node, path: KeyPath) -> None:
        self.marks[path] = Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def value(self, node: Node, path: KeyPath) -> Any:
        if node.tag not in (_STR, _INT, _FLOAT, _BOOL, _NULL, _MAP, _SEQ):
            self._issue(
                node,
                path,
                f"YAML tags are not allowed (found {_shown_tag(node.tag)}); write a plain value",
            )
            return None
        if isinstance(node, MappingNode):
            return self.mapping(node, path)
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self._mark(item, (*path, index))
                items.append(self.value(item, (*path, index)))
            return items
        return self.scalar(cast(ScalarNode, node), path)

    def mapping(self, node: MappingNode, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag not in (
                _STR,
                _INT,
                _FLOAT,
                _BOOL,
                _NULL,
            ):
                self._issue(key_node, path, "mapping keys must be plain names")
                continue
            key = str(key_node.value)
            key_path = (*path, key)
            if key in result:
                first = self.marks[key_path]
                self._issue(
                    key_node,
                    key_path,
                    f"duplicate key {key!r} (first defined at line {first.line}); "
                    "each key may appear once",
                )
                continue
            self._mark(key_node, key_path)
            result[key] = self.value(value_node, key_path)
        return result

    def scalar(self, node: ScalarNode, path: KeyPath) -> Any:
        text = node.value
        if node.tag == _STR:
            return text
        if node.tag == _NULL and _NULL_RE.match(text):
            return None
        if node.tag == _BOOL and _BOOL_RE.match(text):
            return text.lower() == "true"
        if node.tag in (_INT, _FLOAT) and (_INT_RE.match(text) or _FLOAT_RE.match(text)):
            return _number(text)
        self._issue(node, path, f"{text!r} is not a valid {node.tag.rsplit(':', 1)[-1]}")
        return None


_TOO_LARGE = 10**400  # stands for a literal beyond float range: "too large", not "infinity"


def _number(text: str) -> int | float:
    """A core-schema int or float. A literal beyond float range (``1e400``, more digits than
    ``int()`` takes) becomes a huge int, which validation reports as too large; only a
    written ``.inf``/``.nan`` becomes infinity or NaN (rejected later as such)."""
    lowered = text.lower()
    if lowered.endswith("inf"):
        return float("-inf") if lowered.startswith("-") else float("inf")
    if lowered.endswith("nan"):
        return float("nan")
    huge = -_TOO_LARGE if text.startswith("-") else _TOO_LARGE
    try:
        value = int(text) if _INT_RE.match(text) else float(text)
    except ValueError:  # more digits than int() accepts
        return huge
    return huge if isinstance(value, float) and math.isinf(value) else value


_EXPLANATIONS = (
    (
        ("expected <block end>", "did not find expected key", "expected <block mapping start>"),
        "bad indentation: this line is indented differently from the keys around it; keys "
        "of one mapping must start in the same column, and nested keys further right (spaces)",
    ),
    (
        ("mapping values are not allowed here",),
        "unexpected ':' here: check the indentation (this key may be indented under a "
        "plain value), or put a value that contains ': ' in quotes",
    ),
    (
        ("could not find expected ':'",),
        "a line without 'key: value' (a missing ':' or a continuation line at the wrong "
        "indentation)",
    ),
    (
        ("found unexpected end of stream", "found unexpected end of document"),
        "the file ends inside a value: a quote or bracket is not closed",
    ),
    (
        ("expected ',' or ']'", "expected ',' or '}'"),
        "a [list] or {mapping} written on one line is not closed, or an item in it needs "
        "a comma or quotes",
    ),
    (
        ("that cannot start any token",),
        "a plain value cannot start with this character; put the value in quotes",
    ),
)


def _explained(message: str) -> str:
    """The parser's message in plain words, the parser's own text kept in brackets."""
    for patterns, plain in _EXPLANATIONS:
        if any(pattern in message for pattern in patterns):
            return f"{plain} [parser: {message}]"
    return message


def _tab_hint(text: str, exc: yaml.MarkedYAMLError) -> str:
    """A hint when the scanner stopped at a tab: in the indentation, or elsewhere."""
    mark = exc.problem_mark
    if mark is None or "'\\t'" not in str(exc.problem):
        return ""
    lines = text.splitlines()
    before = lines[mark.line][: mark.column] if mark.line < len(lines) else ""
    if before.strip() == "":
        return " (YAML indentation must use spaces, not tabs)"
    return " (YAML does not allow a tab here; use spaces)"


def _shown_tag(tag: str) -> str:
    """``tag:yaml.org,2002:python/object`` -> ``!!python/object`` as the user wrote it."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag
