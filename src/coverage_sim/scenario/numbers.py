"""Numbers as analysts type them: ``80k``, ``50M``, ``1.5B``, ``85%``, ``1_000``, ``$350k``.

The grammar (documented in docs/scenario-format.md):

    [sign] [$] digits[_digits...][.digits] [e[sign]digits] [k|K|M|B|%]

``k``/``K`` = 1e3, ``M`` = 1e6, ``B`` = 1e9, ``%`` = 1/100. A lowercase ``m`` is
rejected because it is ambiguous (milli or million). Commas are rejected because
they mean different things in different locales, and spaces inside a number
(``$15 M``, ``15 %``) are rejected with a hint (the grammar is strict everywhere).
Surrounding spaces are ignored. The result must be finite.
"""

from __future__ import annotations

import math
import re
import unicodedata

from coverage_sim.text import clipped

_SUFFIX_SCALE: dict[str, float] = {"": 1.0, "k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "%": 0.01}

_DIGITS = r"[0-9]+(?:_[0-9]+)*"
NUMBER_PATTERN = (
    rf"^\s*[-+]?\$?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})"
    r"(?:[eE][-+]?[0-9]+)?[kKMB%]?\s*$"
)
_NUMBER_RE = re.compile(
    rf"^(?P<sign>[-+]?)\$?(?P<body>(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})"
    r"(?:[eE][-+]?[0-9]+)?)(?P<suffix>[kKMB%]?)$"
)

NUMBER_FORMS = "a number such as 0.85, 85%, 80k, 50M, 1.5B or 1_000"


_LOOKALIKES = {
    "\u2212": "-",  # minus sign
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\ufe63": "-",  # small hyphen-minus
    "\uff0d": "-",  # fullwidth hyphen-minus
    "\uff0b": "+",  # fullwidth plus
    "\u066a": "%",  # Arabic percent sign
    "\ufe6a": "%",  # small percent sign
    "\uff05": "%",  # fullwidth percent sign
    "\uff0e": ".",  # fullwidth full stop
    "\uff04": "$",  # fullwidth dollar
}


def _ascii_lookalike(char: str) -> str | None:
    if char in _LOOKALIKES:
        return _LOOKALIKES[char]
    if not char.isascii() and unicodedata.category(char) == "Nd":
        return str(unicodedata.digit(char))
    return None


def _lookalike_hint(text: str) -> str:
    """`` (... is the Unicode character U+2212 MINUS SIGN; type -)`` when ``text`` is a
    number written with a look-alike of an ASCII sign, percent or digit."""
    swapped = "".join(_ascii_lookalike(c) or c for c in text)
    if swapped == text or not _NUMBER_RE.match(swapped):
        return ""
    char = next(c for c in text if _ascii_lookalike(c) is not None)
    name = unicodedata.name(char, "").title() or "a look-alike"
    return (
        f" ({char!r} is the Unicode character U+{ord(char):04X} {name}, not the "
        f"keyboard's {_ascii_lookalike(char)!r}; write {swapped})"
    )


def parse_number(text: str) -> float:
    """Parse ``text`` as a finite number, honouring ``k``/``M``/``B``/``%``/``_``/``$``.

    >>> parse_number("80k"), parse_number("85%"), parse_number("1_000")
    (80000.0, 0.85, 1000.0)

    Raises ``ValueError`` naming the accepted forms when ``text`` is not one of them.
    """
    if not isinstance(text, str):
        raise ValueError(f"expected {NUMBER_FORMS}; got {clipped(text)!r}")
    stripped = text.strip()
    match = _NUMBER_RE.match(stripped)
    if match is None:
        hint = _lookalike_hint(stripped)
        joined = "".join(stripped.split())
        if hint:
            pass
        elif joined.endswith("m") and _NUMBER_RE.match(joined[:-1]):
            hint = " (write M for millions; lowercase m is ambiguous)"
        elif "," in stripped:
            hint = " (commas are not accepted; write 1_000 or 1000)"
        elif joined != stripped and _NUMBER_RE.match(joined):
            hint = f" (no spaces inside a number: write {joined})"
        raise ValueError(f"expected {NUMBER_FORMS}; got {clipped(text)!r}{hint}")
    try:
        value = float(match.group("body").replace("_", ""))
    except (ValueError, OverflowError) as exc:  # pragma: no cover - the regex admits only floats
        raise ValueError(f"expected {NUMBER_FORMS}; got {clipped(text)!r}") from exc
    value *= _SUFFIX_SCALE[match.group("suffix")]
    if match.group("sign") == "-":
        value = -value
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text!r}")
    return value


def integral(value: float) -> int | None:
    """``value`` as an ``int`` when it is a whole number, else ``None``."""
    if math.isfinite(value) and value == int(value):
        return int(value)
    return None
