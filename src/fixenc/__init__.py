"""fixenc: repair mojibake in scraped pages and turn them into clean text."""

from .errors import FixencError, InputTooLargeError, NotTextError
from .options import Options
from .result import Fix, Result

__version__ = "0.1.0"
__all__ = [
           "Fix",
           "FixencError",
           "InputTooLargeError",
           "NotTextError",
           "Options",
           "Result",
           "__version__",
           "repair_bytes",
           "repair_text",
]
# Loaded on first use: importing any fixenc module runs this file, and a command that only
# hands records to pool workers must not load the repair engine itself (~0.2 s of imports).
_PIPELINE_FUNCTIONS = ("repair_bytes", "repair_text")


def __getattr__(name: str):
    if name in _PIPELINE_FUNCTIONS:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
