"""The small result type that flows through the pipeline.

Every stage returns its output text together with the `Fix` records that say
what it changed, so that a repair is data a person (or a test) can inspect.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fix:
    """One step a stage took.

    ``start``/``end`` index the text *as the stage received it*; ``before`` and
    ``after`` are the replaced and replacing strings (shortened for long spans).
    ``codecs`` names the codec pair of a mojibake repair as
    ``(encoded_with, decoded_with)``: the damaged text is re-encoded with the
    first and decoded with the second.  ``guessed`` lists byte values that were
    lost and reconstructed by the language model.  ``count`` lets one record
    stand for many identical repairs (e.g. 256 pinyin annotations).
    """

    kind: str
    start: int = 0
    end: int = 0
    before: str = ""
    after: str = ""
    codecs: tuple[str, ...] | None = None
    confidence: float = 1.0
    detail: str = ""
    guessed: tuple[int, ...] = ()
    count: int = 1

    def to_dict(self) -> dict:
        data = {
            "kind": self.kind,
            "span": [self.start, self.end],
            "before": self.before,
            "after": self.after,
            "confidence": round(self.confidence, 4),
        }
        if self.codecs:
            data["codecs"] = list(self.codecs)
        if self.detail:
            data["detail"] = self.detail
        if self.guessed:
            data["guessed_bytes"] = bytes(self.guessed).hex(" ")
        if self.count != 1:
            data["count"] = self.count
        return data

    def describe(self) -> str:
        """One human-readable line, as printed by ``fixenc --explain``."""
        parts = [f"{self.kind}:"]
        if self.count != 1:
            parts.append(f"{self.count}x")
        if self.before or self.after:
            parts.append(f"{_clip(self.before)!r} -> {_clip(self.after)!r}")
        if self.end > self.start:
            parts.append(f"at [{self.start}:{self.end}]")
        if self.codecs:
            parts.append("via " + " -> ".join(self.codecs))
        if self.guessed:
            parts.append("guessed bytes " + bytes(self.guessed).hex(" "))
        if self.confidence < 1.0:
            parts.append(f"confidence {self.confidence:.2f}")
        if self.detail:
            parts.append(f"({self.detail})")
        return " ".join(parts)


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Result:
    """What ``repair_bytes``/``repair_text`` return.

    ``encoding`` is the codec the input bytes were decoded with (``None`` for
    ``repair_text``).  ``changed`` is true when the output text differs from
    the decoded input text (decoding alone is not a change).  ``metadata``
    holds what the page states about itself (title, author, date) when the
    article extractor finds it.
    """

    text: str
    encoding: str | None = None
    fixes: tuple[Fix, ...] = ()
    changed: bool = False
    metadata: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        data = {
            "text": self.text,
            "encoding": self.encoding,
            "changed": self.changed,
            "fixes": [fix.to_dict() for fix in self.fixes],
        }
        data.update({k: v for k, v in self.metadata.items() if v})
        return data
