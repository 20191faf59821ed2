"""Headless Chromium for the report's browser test (and the README screenshot).

One command line for both: ``chromium_command`` opens a file with Debian's ``chromium``
in a fresh profile, no GPU, no sandbox (containers), no first-run or background
networking, and logs every network request of the session (``--log-net-log``).

Make the docs screenshot with the test's own command::

    coverage-sim report scenarios/ --baseline traditional --trials 2000 --output /tmp/r.html
    python tests/report/chromium.py /tmp/r.html docs/report.png
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
# Requests the browser makes for itself (update checks, time sync) have no page origin.
BROWSER_INITIATOR = "not an origin"


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass(frozen=True)
class PageRun:
    """What one headless load of a page gave: its DOM after load, a screenshot (PNG
    bytes), and the URLs the page itself requested (from Chrome's net log)."""

    dom: str
    screenshot: bytes
    page_requests: list[str]


def chromium_command(browser: str, profile: Path, *extra: str) -> list[str]:
    return [browser, *FLAGS, f"--user-data-dir={profile}", *extra]


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL
    )


def page_requests(net_log: Path) -> list[str]:
    """URLs requested on behalf of a page (initiator is the page's origin, ``null`` for
    a file), leaving out the browser's own background requests."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if names.get(event["type"]) != "URL_REQUEST_START_JOB" or "url" not in params:
            continue
        if params.get("initiator") != BROWSER_INITIATOR:
            urls.append(params["url"])
    return urls


def load(page: Path, *, width: int = 1200, height: int = 2400) -> PageRun:
    """Open ``page`` twice in headless Chromium: DOM (with the net log) and screenshot."""
    browser = find_chromium()
    if browser is None:
        raise FileNotFoundError("chromium is not installed (apt-get install chromium)")
    url = page.resolve().as_uri()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        net_log = work / "net.json"
        dumped = _run(
            chromium_command(
                browser, work / "profile-dom", f"--log-net-log={net_log}", "--dump-dom", url
            )
        )
        if dumped.returncode != 0:
            raise RuntimeError(f"chromium --dump-dom failed: {dumped.stderr[-2000:]}")
        shot = work / "shot.png"
        taken = _run(
            chromium_command(
                browser,
                work / "profile-shot",
                f"--window-size={width},{height}",
                f"--screenshot={shot}",
                url,
            )
        )
        if taken.returncode != 0 or not shot.exists():
            raise RuntimeError(f"chromium --screenshot failed: {taken.stderr[-2000:]}")
        return PageRun(dumped.stdout, shot.read_bytes(), page_requests(net_log))


def main(argv: list[str]) -> int:
    """``python tests/report/chromium.py REPORT.html OUT.png [WIDTH HEIGHT]``."""
    page, out = Path(argv[0]), Path(argv[1])
    width, height = (int(argv[2]), int(argv[3])) if len(argv) > 3 else (1200, 2400)
    run = load(page, width=width, height=height)
    out.write_bytes(run.screenshot)
    print(f"wrote {out}; page requests: {run.page_requests or 'none'}", file=sys.stderr)
    return 0 if not run.page_requests else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
