"""szpolicy: reproducible datasets and analyses from Chinese policy reports."""

from importlib import import_module

from .errors import SzpolicyError

__all__ = ["SzpolicyError", "build", "load"]
__version__ = "0.1.0"
MODULES = {"build": "szpolicy.pipeline.build", "load": "szpolicy.io.loading"}  # where they live


def __getattr__(name: str):
    """Import the build and the table reader lazily, so light uses (reading one file) stay light."""
    if name in MODULES:
        return getattr(import_module(MODULES[name]), name)
    raise AttributeError(name)
