from __future__ import annotations

import os
from pathlib import Path

import pytest

from coverage_sim.errors import UsageError
from coverage_sim.report import atomic
from coverage_sim.report.atomic import write_atomic


def test_write_atomic_creates_and_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_atomic(target, "first\n")
    assert target.read_text(encoding="utf-8") == "first\n"
    write_atomic(target, "second é\n")
    assert target.read_text(encoding="utf-8") == "second é\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_write_atomic_keeps_the_permissions_of_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert (target.stat().st_mode & 0o777) == 0o640


@pytest.mark.parametrize("failure", [KeyboardInterrupt, OSError])
def test_interrupted_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: type[BaseException]
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("precious")

    def broken_replace(src: str, dst: str) -> None:
        raise failure()

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    expected = KeyboardInterrupt if failure is KeyboardInterrupt else UsageError
    with pytest.raises(expected):
        write_atomic(target, "half-written")
    assert target.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_output_into_a_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        write_atomic(tmp_path / "nope" / "out.csv", "x")


def test_output_onto_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a directory"):
        write_atomic(tmp_path, "x")


def test_relative_output_path_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_atomic(Path("plain.md"), "# hi\n")
    assert (tmp_path / "plain.md").read_text() == "# hi\n"
    assert os.listdir(tmp_path) == ["plain.md"]


def test_a_device_is_written_directly_never_replaced() -> None:
    devnull = Path(os.devnull)
    before = devnull.stat()
    write_atomic(devnull, "discarded\n")
    after = devnull.stat()
    assert (after.st_mode, after.st_rdev, after.st_ino) == (
        before.st_mode,
        before.st_rdev,
        before.st_ino,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_written_directly(tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_atomic(fifo, "through the pipe\n")
    reader.join(timeout=10)
    assert received == ["through the pipe\n"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]
