"""The verl releases semspace's plugin is tested against: it overrides private verl methods, so any other release
is refused at import, loudly (verl itself logs a failing plugin only at DEBUG level)."""

from __future__ import annotations

from packaging.version import Version

from semspace.errors import SemspaceError

SUPPORTED = ">=0.9.0,<0.10"
LOWEST, FIRST_UNSUPPORTED = Version("0.9.0"), Version("0.10")


class UnsupportedVerlError(SemspaceError, ImportError):
    """The installed verl is outside the range semspace's plugin is tested against."""


def check_verl_version(installed: str) -> None:
    """Refuse a verl release outside SUPPORTED, naming the install command that fixes it."""
    if not LOWEST <= Version(installed) < FIRST_UNSUPPORTED:
        raise UnsupportedVerlError(f"semspace's verl plugin supports verl {SUPPORTED}, but verl {installed} is "
                                   "installed.", f"pip install 'verl{SUPPORTED}' (or pip install 'semspace[verl]').")
