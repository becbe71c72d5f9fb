"""The pipeline's options, apart from the pipeline itself.

Why a module of its own: the command line and the record readers name these options (to parse
flags, to ship them to pool workers) without loading the repair engine; a run on several
processes then leaves the engine's imports and tables to the workers that repair.
"""

from __future__ import annotations

from dataclasses import dataclass

EXTRACT_MODES = ("auto", "article", "text", "none")
SCRIPT_MODES = ("auto", "keep", "simplified", "traditional")
#: Repair layers a caller can switch off (``skip``), outermost first. Script conversion is
#: switched by ``script="keep"``, markup removal by ``extract="none"``, chrome by ``keep_chrome``.
LAYERS = ("mojibake", "misaligned", "pinyin", "width", "whitespace")
#: Sentence models that may choose Korean or Japanese characters that lost a byte (see
#: ``wholepage.sentence_languages``), turned on by this environment variable (fixenc's
#: --sentence-models sets it for its worker processes): "ko", "ja", "ko,ja" or "all".  Off by
#: default: Kiwi takes seconds and about 0.5 GB per process to load.
SENTENCE_MODELS_ENV = "FIXENC_SENTENCE_MODELS"
SENTENCE_LANGUAGES = ("ko", "ja")


def sentence_models(value: str) -> tuple[frozenset[str], list[str]]:
    """The languages a --sentence-models / ``SENTENCE_MODELS_ENV`` value turns on ("all" is
    every one), and the names in it that are no language of ``SENTENCE_LANGUAGES``.

    >>> sentence_models("JA, xx")
    (frozenset({'ja'}), ['xx'])
    """
    names = {name.strip().lower() for name in value.split(",") if name.strip()}
    unknown = sorted(names - {*SENTENCE_LANGUAGES, "all"})
    if "all" in names:
        return frozenset(SENTENCE_LANGUAGES), unknown
    return frozenset(names & set(SENTENCE_LANGUAGES)), unknown


@dataclass(frozen=True)
class Options:
    """What the pipeline does; one field per user-facing option.

    extract: "auto" (article for HTML, text otherwise), "article", "text",
        or "none" (markup kept, only decoding and encoding repair).
    script: Chinese script of the output; "auto" converts back to simplified
        only when a converter's pinyin-annotation signature was found.
    keep_chrome: keep breadcrumb / counter / badge lines of text pages.
    skip: layers of ``LAYERS`` left as they are (e.g. {"pinyin", "width"}).
    """

    extract: str = "auto"
    script: str = "auto"
    keep_chrome: bool = False
    skip: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.extract not in EXTRACT_MODES:
            raise ValueError(f"extract must be one of {EXTRACT_MODES}")
        if self.script not in SCRIPT_MODES:
            raise ValueError(f"script must be one of {SCRIPT_MODES}")
        unknown = set(self.skip) - set(LAYERS)
        if unknown:
            raise ValueError(f"skip names unknown layers {sorted(unknown)}; known: {LAYERS}")
        object.__setattr__(self, "skip", frozenset(self.skip))

    def kwargs(self) -> dict:
        """These options as keyword arguments of ``repair_bytes`` and ``repair_text``."""
        return {"extract": self.extract, "script": self.script, "keep_chrome": self.keep_chrome,
                "skip": self.skip}
