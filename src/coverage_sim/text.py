"""Text shown to a person: control characters are made visible, never written raw.

A scenario file from someone else must not be able to retitle, clear or recolour the
reader's terminal, nor forge lines of output. Every error message, warning and every
text output format passes names and messages through :func:`visible`: C0 and C1
control characters, DEL, the Unicode line/paragraph separators and the bidirectional
overrides (which can make text read differently from what it is) are shown as
``\\x1b`` / ``\\u202e`` escapes. Newline and tab are kept where text is free-form.
"""

from __future__ import annotations

import re

_LAYOUT = "\t\n"
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_UNSAFE_ALL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, keep_layout: bool = True) -> str:
    """``text`` with every control character shown as an escape: ``"\\x1b[2J"``.

    ``keep_layout`` keeps newline and tab (free text); without it they are escaped too.
    """
    pattern = _UNSAFE if keep_layout else _UNSAFE_ALL
    return pattern.sub(_escape, text)


def has_unsafe(text: str, *, keep_layout: bool = True) -> bool:
    """True when :func:`visible` would change ``text``."""
    pattern = _UNSAFE if keep_layout else _UNSAFE_ALL
    return pattern.search(text) is not None


def json_safe(text: str) -> str:
    """JSON text with the characters ``json.dumps`` leaves raw (DEL, C1, separators,
    bidi overrides) as ``\\u`` and four hex digits; C0 controls are already escaped by
    ``json.dumps``.

    Lossless: a JSON reader gets the same strings back. Only valid on JSON text, where
    these characters can only occur inside strings.
    """
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def yaml_comment(text: str) -> str:
    """``text`` as one YAML comment line, ``# ...``: every line break YAML knows (``\\n``,
    ``\\r``, NEL, the Unicode separators) and every other control character escaped, so
    that no name or path written into a comment can end it and add a key."""
    return "# " + visible(text, keep_layout=False)


CLIP = 120  # characters of a user's argument that a message repeats


def clipped(text: str, limit: int = CLIP) -> str:
    """``text`` as a message repeats it: whole up to ``limit`` characters, else its start
    and end around ``...`` and its length (an error never echoes a 100 KB value)."""
    if len(text) <= limit:
        return text
    half = (limit - 5) // 2
    return f"{text[:half]}...{text[-half:]} ({len(text):,} characters)"


def readable_id(name: str) -> str:
    """An id as a reader would write it: ``account_executive`` -> ``Account executive``."""
    words = name.replace("_", " ").replace("-", " ").split()
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else name


def readable_key(path: str) -> str:
    """A scenario key path as a reader would name it, for charts: ``roles.account_executive.
    loaded_cost`` -> ``Account executive: loaded cost``, ``customers.renewal.adopted.covered``
    -> ``Renewal adopted (covered)``."""
    parts = path.split(".")
    if len(parts) >= 3 and parts[0] == "roles":
        rest = " ".join(p.replace("_", " ") for p in parts[2:])
        return f"{readable_id(parts[1])}: {rest}"
    body = parts[1:] if len(parts) > 1 and parts[0] in _SECTIONS else parts
    tail = ""
    if len(body) > 1 and body[-1] in ("covered", "uncovered"):
        tail = f" ({body[-1]})"
        body = body[:-1]
    words = [_ACRONYMS.get(w, w) for w in " ".join(body).replace("_", " ").split()]
    return readable_id(" ".join(words)) + tail


_SECTIONS = ("customers", "company", "market", "valuation", "budget")
_ACRONYMS = {"acv": "ACV", "arr": "ARR", "cac": "CAC", "npv": "NPV", "opex": "opex"}
