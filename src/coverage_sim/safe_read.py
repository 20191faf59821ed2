"""Reading an input file safely: regular files only, a size cap, never blocking.

Scenario files, their ``extends`` parents and ``report --include`` documents all come
through :func:`read_regular_file`. A directory, named pipe, socket or device is refused
before it is opened (``stat``), and again after (``fstat`` of what was opened, with
``O_NONBLOCK`` so that a pipe swapped in between cannot block); at most ``limit + 1``
bytes are ever read, so ``/dev/zero`` or a huge file cannot exhaust memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)
_KINDS = (
    (stat.S_ISDIR, "is a directory; expected a file"),
    (stat.S_ISFIFO, "is a named pipe; only regular files are read"),
    (stat.S_ISSOCK, "is a socket; only regular files are read"),
    (stat.S_ISCHR, "is a device; only regular files are read"),
    (stat.S_ISBLK, "is a device; only regular files are read"),
)


class UnreadableFile(Exception):
    """The file cannot be used; the message says why (``is a named pipe; ...``)."""


def _refuse_special(mode: int) -> None:
    for test, message in _KINDS:
        if test(mode):
            raise UnreadableFile(message)
    if not stat.S_ISREG(mode):
        raise UnreadableFile("is not a regular file; only regular files are read")


def file_kind(path: Path) -> str:
    """What is at ``path`` when it is not a readable regular file, as a message says it:
    ``no such file``, ``is a directory; expected a file``, ``is a named pipe; ...``; ``""``
    for a regular file."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "no such file"
    except (OSError, ValueError) as exc:
        return f"cannot be read: {getattr(exc, 'strerror', None) or exc}"
    try:
        _refuse_special(mode)
    except UnreadableFile as exc:
        return str(exc)
    return ""


def _too_big(size: int, limit: int) -> UnreadableFile:
    return UnreadableFile(
        f"file is {size:,} bytes; files are limited to {limit // (1024 * 1024)} MB"
    )


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path`` when it holds at most ``limit`` bytes."""
    try:
        _refuse_special(os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _NOCTTY)
    except FileNotFoundError:
        raise UnreadableFile("file not found") from None
    except PermissionError:
        raise UnreadableFile("file is not readable (permission denied)") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise UnreadableFile(f"cannot read the file: {reason}") from None
    try:
        info = os.fstat(fd)
        _refuse_special(info.st_mode)
        if info.st_size > limit:
            raise _too_big(info.st_size, limit)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise _too_big(total, limit)
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
