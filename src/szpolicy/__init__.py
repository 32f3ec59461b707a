"""szpolicy: reproducible datasets and analyses from Chinese policy reports."""

from importlib import import_module

from .errors import SzpolicyError

__all__ = ["SzpolicyError", "build", "load"]
__version__ = "0.1.0"


def __getattr__(name: str):
    """Import the build lazily, so light uses (reading one file) stay light."""
    if name in ("build", "load"):
        return getattr(import_module("szpolicy.build"), name)
    raise AttributeError(name)
