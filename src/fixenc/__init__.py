"""fixenc: repair mojibake in scraped pages and turn them into clean text."""

from .errors import FixencError, InputTooLargeError, NotTextError
from .pipeline import Options, repair_bytes, repair_text
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
