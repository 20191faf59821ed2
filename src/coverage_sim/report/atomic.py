"""Atomic output files: a failed or interrupted run leaves an existing file untouched.

The text goes to a temporary file in the destination's directory, is flushed and
fsync'ed, then ``os.replace`` moves it over the destination in one step (atomic on
POSIX and Windows within one file system). On any failure, Ctrl-C included (and
SIGTERM/SIGHUP, which the CLI turns into an exception), the temporary file is removed
and the exception propagates.

:func:`check_writable` runs at planning time, before anything is simulated: the output
must not be one of the run's input files (a scenario or any ``extends`` parent, also
through a symlink or hard link), and its folder must accept a temporary file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from coverage_sim.errors import UsageError


def check_writable(path: Path, inputs: Iterable[Path] = (), *, flag: str = "--output") -> None:
    """Fail early (before a long run) if ``path`` cannot be an output file.

    ``inputs`` are the files the run reads; writing over one of them is refused. ``flag``
    names the option in messages (``--output``, ``--samples``).
    """
    _refuse_inputs(path, inputs, flag)
    if _is_special(path):
        return
    if path.is_dir():
        raise UsageError(f"{flag} {path}: is a directory; give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"{flag} {path}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"{flag} {path}: directory {parent} is not writable")
    try:
        fd, probe = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(
            f"{flag} {path}: cannot create a file in {parent}: {exc.strerror or exc}"
        ) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)


def _refuse_inputs(path: Path, inputs: Iterable[Path], flag: str = "--output") -> None:
    """``UsageError`` when ``path`` is (or links to) one of ``inputs``."""
    try:
        target = os.stat(path)
    except (OSError, ValueError):
        return  # nothing there yet: it cannot be an input
    if not stat.S_ISREG(target.st_mode):
        return
    for source in inputs:
        try:
            info = os.stat(source)
        except (OSError, ValueError):
            continue
        if (info.st_dev, info.st_ino) == (target.st_dev, target.st_ino):
            raise UsageError(
                f"{flag} {path}: is an input of this run ({source}); "
                "refusing to overwrite it, choose another file"
            )


def _new_file_mode(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets 0o666 minus the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _is_special(path: Path) -> bool:
    """An existing non-regular file: /dev/null, /dev/stdout, a named pipe."""
    try:
        return not stat.S_ISREG(path.stat().st_mode) and not path.is_dir()
    except OSError:
        return False


def write_atomic(path: Path, text: str | bytes, *, flag: str = "--output") -> None:
    """Write ``text`` (UTF-8; bytes as they are) to ``path`` atomically: all of it, or
    nothing changes. ``flag`` names the option in error messages.

    A device or pipe (``--output /dev/null``) cannot be replaced, and must not be:
    it is written directly.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    if _is_special(path):
        try:
            with open(path, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise UsageError(f"{flag} {path}: cannot write: {exc.strerror or exc}") from exc
        return
    check_writable(path, flag=flag)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"{flag} {path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, _new_file_mode(path))
        os.replace(tmp_name, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):
            raise UsageError(f"{flag} {path}: cannot write: {exc.strerror or exc}") from exc
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable where the platform allows it (POSIX); harmless elsewhere."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
