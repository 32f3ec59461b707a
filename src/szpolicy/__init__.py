"""szpolicy: reproducible datasets and analyses from Chinese policy reports."""

from .errors import SzpolicyError

__all__ = ["SzpolicyError", "build", "load"]
__version__ = "0.1.0"


def __getattr__(name: str):
    """Import the build lazily, so light uses (reading one file) stay light."""
    if name in ("build", "load"):
        from . import build as _build

        return getattr(_build, name)
    raise AttributeError(name)
