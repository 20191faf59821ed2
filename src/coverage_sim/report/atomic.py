"""Atomic output files: a failed or interrupted run leaves an existing file untouched.

The text goes to a temporary file in the destination's directory, is flushed and
fsync'ed, then ``os.replace`` moves it over the destination in one step (atomic on
POSIX and Windows within one file system). On any failure, Ctrl-C included (and
SIGTERM/SIGHUP, which the CLI turns into an exception), the temporary file is removed
and the exception propagates.

:func:`write_atomic_set` writes several files into one folder (the PNG charts of
``report``) so that a failure or a signal never leaves old and new files of one run
mixed: every file is first written to a temporary file beside its destination, and
only when all of them are written are they renamed into place, with the signals that
end a run (SIGINT, SIGTERM, SIGHUP) held until the renames are done.

Signals are also held while a temporary file is created and its name recorded for
removal, so that an interrupt at any instant leaves no ``.tmp`` file behind; the write
itself stays interruptible (the temporary file is then removed and the destination is
left as it was).

:func:`check_writable` runs at planning time, before anything is simulated: the output
must not be one of the run's input files (a scenario or any ``extends`` parent, also
through a symlink or hard link), and its folder must accept a temporary file.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import FrameType

from coverage_sim.errors import UsageError


def check_writable(path: Path, inputs: Iterable[Path] = (), *, flag: str = "--output") -> None:
    """Fail early (before a long run) if ``path`` cannot be an output file.

    ``inputs`` are the files the run reads; writing over one of them is refused. ``flag``
    names the option in messages (``--output``, ``--samples``).
    """
    _refuse_inputs(path, inputs, flag)
    if is_special(path):
        return
    if path.is_dir():
        raise UsageError(f"{flag} {path}: is a directory; give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"{flag} {path}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"{flag} {path}: directory {parent} is not writable")
    probe: list[str] = []
    try:
        with signals_held():  # the probe is removed, whenever a signal comes
            fd, name = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
            probe.append(name)
        os.close(fd)
    except OSError as exc:
        raise UsageError(
            f"{flag} {path}: cannot create a file in {parent}: {exc.strerror or exc}"
        ) from None
    finally:
        _remove(probe)


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


def is_special(path: Path) -> bool:
    """An existing non-regular file: /dev/null, /dev/stdout, a named pipe."""
    try:
        return not stat.S_ISREG(path.stat().st_mode) and not path.is_dir()
    except OSError:
        return False


_ENDING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP while the block runs: one that arrives meanwhile is
    remembered and handled (raising, through the CLI's handlers) right after the block.

    The Python handlers are swapped rather than the signals masked: a mask holds a signal
    for one thread only, and a process with a worker pool has others that would take it.
    Signal handlers belong to the main thread; elsewhere this holds nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[tuple[int, FrameType | None]] = []

    def remember(signum: int, frame: FrameType | None) -> None:
        pending.append((signum, frame))

    previous = {number: signal.signal(number, remember) for number in _ENDING_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for signum, frame in pending[:1]:
            handler = previous[signum]
            if callable(handler):
                handler(signum, frame)  # raises KeyboardInterrupt / the CLI's Terminated
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), signum)  # what the signal would have done


def check_folder_writable(
    folder: Path, inputs: Iterable[Path] = (), *, name_pattern: str = "", flag: str = "--output"
) -> None:
    """Fail early if ``folder`` cannot receive output files: not a folder, its parent
    missing, not writable (probed with a temporary folder, as /proc refuses one), or one of
    ``inputs`` inside it has a name that ``name_pattern`` (a regular expression) says an
    output file could take."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{flag} {folder}: give a folder, not a file")
    probe_in = folder
    if not folder.exists():
        probe_in = folder.parent if str(folder.parent) else Path(".")
        if not probe_in.is_dir():
            raise UsageError(f"{flag} {folder}: directory {probe_in} does not exist")
    probe: list[str] = []
    try:
        with signals_held():  # the probe is removed, whenever a signal comes
            probe.append(tempfile.mkdtemp(dir=probe_in, prefix=".coverage-sim.", suffix=".tmp"))
    except OSError as exc:
        raise UsageError(
            f"{flag} {folder}: cannot write in {probe_in}: {exc.strerror or exc}"
        ) from None
    finally:
        for name in probe:
            with contextlib.suppress(OSError):
                os.rmdir(name)
    if not name_pattern or not folder.is_dir():
        return
    names = re.compile(name_pattern)
    for source in inputs:
        with contextlib.suppress(OSError, ValueError):
            if source.resolve().parent == folder.resolve() and names.fullmatch(source.name):
                raise UsageError(
                    f"{flag} {folder}: {source.name} there is an input of this run and an "
                    "output could take its name; refusing to overwrite it, choose another folder"
                )


def write_atomic_set(
    folder: Path,
    files: Sequence[tuple[str, bytes]],
    inputs: Iterable[Path] = (),
    *,
    flag: str = "--output",
) -> None:
    """Write every ``(name, bytes)`` into ``folder`` (created if missing): all of them
    replace their destinations together, or none does."""
    for name, _ in files:
        _refuse_inputs(folder / name, inputs, flag)
        if (folder / name).is_dir():  # a rename onto it would fail halfway through the set
            raise UsageError(f"{flag} {folder}: {name} there is a folder; choose another folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{flag} {folder}: cannot create it: {exc.strerror or exc}") from None
    made: list[str] = []
    try:
        for name, data in files:
            _temporary_copy(folder / name, data, flag, made)
        with signals_held():  # a signal now waits until every file is in place
            for tmp_name, (name, _) in zip(made, files, strict=True):
                os.replace(tmp_name, folder / name)
    except BaseException as exc:
        _remove(made)
        if isinstance(exc, OSError):
            raise UsageError(f"{flag} {folder}: cannot write: {exc.strerror or exc}") from exc
        raise
    _fsync_directory(folder)


def _temporary_copy(path: Path, data: bytes, flag: str, made: list[str]) -> None:
    """``data`` in a new fsync'ed temporary file beside ``path``, with ``path``'s mode. Its
    name is appended to ``made`` with the signals held, so that the caller, which removes
    every name in ``made`` on any failure, never leaves one behind."""
    directory = path.parent if str(path.parent) else Path(".")
    with signals_held():
        try:
            fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
        except OSError as exc:
            raise UsageError(f"{flag} {path}: cannot write: {exc.strerror or exc}") from None
        made.append(tmp_name)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp_name, _new_file_mode(path))


def _remove(names: Iterable[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(name)


def write_atomic(path: Path, text: str | bytes, *, flag: str = "--output") -> None:
    """Write ``text`` (UTF-8; bytes as they are) to ``path`` atomically: all of it, or
    nothing changes. ``flag`` names the option in error messages.

    A device or pipe (``--output /dev/null``) cannot be replaced, and must not be:
    it is written directly.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    if is_special(path):
        try:
            with open(path, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise UsageError(f"{flag} {path}: cannot write: {exc.strerror or exc}") from exc
        return
    check_writable(path, flag=flag)
    directory = path.parent if str(path.parent) else Path(".")
    made: list[str] = []
    try:
        _temporary_copy(path, data, flag, made)
        os.replace(made[0], path)
    except BaseException as exc:
        _remove(made)
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
