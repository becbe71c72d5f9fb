"""Typed errors: the library raises these, the CLI turns them into one line and an exit code."""


class FixencError(Exception):
    """Base class of every error fixenc raises on purpose."""


class NotTextError(FixencError):
    """The input is binary (an image, an archive, a PDF...), not text in any encoding."""


class InputTooLargeError(FixencError):
    """The input is larger than the configured limit; it is refused, never truncated."""
