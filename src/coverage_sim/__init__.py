"""coverage-sim: what happens to revenue and profit when sales budget moves to post-sale roles."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("coverage-sim")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
