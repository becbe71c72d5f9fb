"""Record streams: JSONL(.gz) and WARC(.gz) in, JSONL out, one record at a time.

Why: crawls arrive as millions of pages in a few huge files, so nothing here reads a file whole.
A reader turns the input into small picklable work items (a JSONL line; a WARC response's
payload with its URL and declared charset); a pure ``repair_*`` function turns one item into one
``RecordOutcome`` (the output line, or why there is none); ``batch.ordered_map`` runs those on
every core or on a Dask cluster and the lines are written in input order.

Memory bound: one item is at most ``MAX_RECORD_BYTES`` (a longer JSONL line or WARC payload is
skipped with a reason, and read only that far); ``batch`` holds at most ``8 * jobs + 1`` chunks
of at most ``batch.CHUNK_BYTES`` (256 KiB) of items, or one larger item each.  With typical pages
(< 256 KiB) and 2 jobs that is ~4.3 MiB of records in flight, plus each worker's fixed cost
(libraries and the language model, ~100-200 MB measured); a 10 GB WARC needs no more than a
10 MB one.  The worst case, every record near 32 MiB, is 17 * 32 MiB in flight with 2 jobs.

JSONL: ``fields`` name the members holding page text (or base64 bytes with
``field_encoding="base64"``; default: every top-level string member); each is replaced by its
repaired text; every other member is kept.  With ``extract="auto"`` a text field that is not HTML
only has its encoding damage undone (it is already extracted text), so clean text comes back
unchanged.  A record where nothing changed is written back byte for byte; a line that is not a
JSON object is written back unchanged and reported.

WARC: response records with an HTML Content-Type; the HTTP charset is the declared charset for
decoding; everything else is counted and skipped with a reason.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import io
import json
import re
import sys
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import IO, NamedTuple

import click

from .batch import WorkerPool, ordered_map
from .errors import FixencError
from .files import REPAIR_KINDS, json_line
from .markup import looks_like_html
from .options import Options
from .result import Result

INPUT_FORMATS = ("auto", "text", "html", "jsonl", "warc")
FIELD_ENCODINGS = ("text", "base64")

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 4096
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")

MAX_RECORD_BYTES = 32 << 20
# Text compresses about 3-10:1 and very repetitive JSONL 100:1; past MAX_RECORD_BYTES inflated, a
# gzip layer inflating faster than this is a bomb (see ``_InflateLimit``).
MAX_GZIP_RATIO = 1000
"""A JSONL line or WARC payload longer than this is skipped (and read no further): one pathological
record must not decide how much memory a run needs.  Common Crawl truncates payloads at 1 MiB."""

PAGE_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
CHARSET_PARAMETER = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)

MAX_REPORTED_ERRORS = 20
"""Error lines printed per input; the rest are only counted (a bad 10 GB file must not flood stderr)."""


@dataclass(frozen=True)
class StreamSettings:
    """How records are read and repaired; one field per CLI option.

    fields: JSONL members holding page text (or bytes, see field_encoding); empty: every
        top-level string member (as ``--field`` means in every mode).
    field_encoding: "text" (a JSON string of text) or "base64" (the page's raw bytes, base64).
    annotate: add a ``fixenc`` member to each JSONL record (encoding, changed, fixes).
    charset: declared charset for base64 JSONL fields (WARC records bring their own).
    options: the pipeline's options (extract, script, keep_chrome, skip).
    """

    fields: tuple[str, ...] = ()
    field_encoding: str = "text"
    annotate: bool = False
    charset: str | None = None
    options: Options = field(default_factory=Options)

    def __post_init__(self) -> None:
        if self.field_encoding not in FIELD_ENCODINGS:
            raise ValueError(f"field_encoding must be one of {FIELD_ENCODINGS}")


class RecordOutcome(NamedTuple):
    """What one record became: ``output`` to write (b"" when none), and at most one of
    ``skipped`` (a reason category, expected in crawls) or ``error`` (a message; exit code 2)."""

    output: bytes
    changed: bool = False
    skipped: str | None = None
    error: str | None = None


class JsonlLine(NamedTuple):
    number: int
    data: bytes


class WarcPage(NamedTuple):
    url: str
    record_id: str
    warc_date: str
    charset: str | None
    payload: bytes


class SkippedRecord(NamedTuple):
    """A record the reader already knows it will not repair; carried in order like the others."""

    reason: str
    error: str | None = None


@dataclass
class StreamReport:
    """Counts for one input, printed as one summary line by the CLI."""

    records: int = 0
    changed: int = 0
    skipped: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    def add(self, outcome: RecordOutcome) -> None:
        self.records += 1
        self.changed += outcome.changed
        if outcome.skipped:
            self.skipped[outcome.skipped] += 1
        if outcome.error:
            self.error_count += 1
            if len(self.errors) < MAX_REPORTED_ERRORS:
                self.errors.append(outcome.error)

    def summary(self) -> str:
        """e.g. '1,000 records, 12 repaired, 3 skipped (2 not HTML, 1 truncated), 1 failed'."""
        parts = [f"{self.records:,} records", f"{self.changed:,} repaired"]
        if self.skipped:
            reasons = ", ".join(f"{count:,} {reason}" for reason, count in self.skipped.most_common())
            parts.append(f"{sum(self.skipped.values()):,} skipped ({reasons})")
        if self.error_count:
            parts.append(f"{self.error_count:,} failed")
        return ", ".join(parts)


# ---------------------------------------------------------------- opening and sniffing


class _Prefixed(io.RawIOBase):
    """A raw stream that first replays bytes already read for sniffing (stdin cannot seek)."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._head.nbytes:
            count = min(len(buffer), self._head.nbytes)
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def detect_format(name: str, head: bytes) -> str:
    """'jsonl', 'warc', 'html' or 'text': by file name, else (stdin) by the first bytes.

    Sniffing looks through a gzip layer, then for ``WARC/`` (a WARC header) or ``{`` (a JSON
    object).  Named files are never sniffed: a text file may well start with '{'.
    """
    lower = name.lower()
    if lower.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if lower.endswith(WARC_SUFFIXES):
        return "warc"
    if name != "-":
        return "text"
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 64)
        except zlib.error:
            return "text"
    if head.startswith(b"WARC/"):
        return "warc"
    if head.lstrip(b" \t\r\n\xef\xbb\xbf").startswith(b"{"):
        return "jsonl"
    return "text"


def sniff(name: str, stream: IO[bytes], input_format: str = "auto") -> tuple[str, IO[bytes]]:
    """(format, a stream that still starts at the first byte) for an opened input."""
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"input_format must be one of {INPUT_FORMATS}")
    if input_format != "auto":
        return input_format, stream
    if name != "-":
        return detect_format(name, b""), stream
    head = stream.read(SNIFF_BYTES)
    return detect_format(name, head), io.BufferedReader(_Prefixed(head, stream))


@contextmanager
def open_input(path: str, input_format: str = "auto") -> Iterator[tuple[str, IO[bytes]]]:
    """Open a file (or '-' for stdin) and yield (format, binary stream from its first byte)."""
    with click.open_file(path, "rb") as raw:
        yield sniff(path, raw, input_format)


def _gunzipped(stream: IO[bytes]) -> IO[bytes]:
    """The stream itself, or its decompressed content when it starts with the gzip magic."""
    head = stream.read(2)
    stream = io.BufferedReader(_Prefixed(head, stream))
    return gzip_reader(stream) if head == GZIP_MAGIC else stream


def gzip_reader(stream: IO[bytes]) -> IO[bytes]:
    """A gzip stream, read through a 1 MiB buffer (GzipFile's own 8 KiB one is 1.7x slower),
    that refuses to inflate past ``MAX_GZIP_RATIO`` times its compressed size."""

    counted = _Counted(stream)
    inflating = _InflateLimit(gzip.GzipFile(fileobj=counted, mode="rb"), counted)
    return io.BufferedReader(inflating, buffer_size=1 << 20)


class GzipBombError(FixencError):
    """A gzip layer inflates far beyond what text compresses to; the rest of the input is left."""


class _Counted(io.RawIOBase):
    """Counts the compressed bytes read through it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


class _InflateLimit(io.RawIOBase):
    """Inflated bytes, refused once they pass MAX_RECORD_BYTES at a ratio no text reaches.

    Why: a gzip bomb of one endless line was otherwise inflated to the end to find that line's
    end (1 GB took 7-15 s, against 0.3 s for real records of the same compressed size).
    """

    def __init__(self, inflated: IO[bytes], compressed: _Counted) -> None:
        self._inflated = inflated
        self._compressed = compressed
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        count = self._inflated.readinto(buffer)
        self.count += count
        if self.count > MAX_RECORD_BYTES and self.count > MAX_GZIP_RATIO * self._compressed.count:
            raise GzipBombError(f"gzip layer inflates over {MAX_GZIP_RATIO}:1 (a gzip bomb); "
                                "the rest of the input is left out")
        return count


# ---------------------------------------------------------------- JSONL


def read_jsonl_lines(stream: IO[bytes]) -> Iterator[JsonlLine | SkippedRecord]:
    """Lines of a JSONL(.gz) stream; a line over MAX_RECORD_BYTES is reported and read no further."""
    stream = _gunzipped(stream)
    number = 0
    while True:
        try:
            line = stream.readline(MAX_RECORD_BYTES + 1)
            too_large = len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n")
            while too_large and line and not line.endswith(b"\n"):
                line = stream.readline(MAX_RECORD_BYTES)
        except GzipBombError as error:
            yield SkippedRecord("gzip bomb", f"after line {number}: {error}")
            return
        except (OSError, EOFError, zlib.error) as error:
            # A cut or corrupt gzip layer (found by fuzz/fuzz_jsonl.py: it escaped as a traceback).
            yield SkippedRecord("unreadable gzip", f"unreadable after line {number}: "
                                                   f"{type(error).__name__}: {error}")
            return
        if not line and not too_large:
            return
        number += 1
        if too_large:
            yield SkippedRecord("too large", f"line {number}: longer than "
                                             f"{MAX_RECORD_BYTES >> 20} MiB, left out")
            continue
        yield JsonlLine(number, line)


def repair_jsonl_line(line: JsonlLine | SkippedRecord, settings: StreamSettings) -> RecordOutcome:
    """One JSONL record with its fields repaired; written back unchanged when nothing changed."""
    if isinstance(line, SkippedRecord):
        return RecordOutcome(b"", skipped=line.reason, error=line.error)
    original = line.data if line.data.endswith(b"\n") else line.data + b"\n"
    if not line.data.strip():
        return RecordOutcome(original, skipped="blank line")
    try:
        record = json.loads(line.data)
    except ValueError as error:
        return RecordOutcome(original, error=f"line {line.number}: not JSON ({error})")
    if not isinstance(record, dict):
        return RecordOutcome(original, error=f"line {line.number}: not a JSON object")
    notes: dict[str, dict] = {}
    errors: list[str] = []
    changed = modified = False
    names = settings.fields or [name for name, value in record.items() if isinstance(value, str)]
    for name in names:
        value = record.get(name)
        if not isinstance(value, str):
            continue
        try:
            result = _repair_field(value, settings)
        except (FixencError, ValueError) as error:
            errors.append(f"line {line.number}: field {name!r}: {error}")
            notes[name] = {"error": str(error)}
            continue
        except Exception as error:  # noqa: BLE001 - one record must not stop a 10 GB run
            errors.append(f"line {line.number}: field {name!r}: internal error "
                          f"{type(error).__name__}: {error}")
            notes[name] = {"error": f"internal error {type(error).__name__}"}
            continue
        notes[name] = {"encoding": result.encoding, "changed": result.changed,
                       "fixes": [fix.to_dict() for fix in result.fixes]}
        changed = changed or _repaired(result)
        # base64 fields always become text; a text field is rewritten only when it changed.
        if settings.field_encoding == "base64" or result.text != value:
            record[name] = result.text
            modified = True
    error = "; ".join(errors) or None
    if not notes:
        return RecordOutcome(original, skipped=f"no {_field_names(settings)} field", error=error)
    if settings.annotate:
        record["fixenc"] = notes[settings.fields[0]] if len(settings.fields) == 1 else notes
        modified = True
    if not modified:
        return RecordOutcome(original, changed=changed, error=error)
    output = _json_line(record)
    return RecordOutcome(output, changed=changed, error=error)


def _repaired(result: Result) -> bool:
    """Counted as repaired when the text's content was fixed, not just extracted or re-spaced."""
    return any(fix.kind in REPAIR_KINDS for fix in result.fixes)


def _json_line(record: dict) -> bytes:
    """One JSON line as UTF-8 (line-break look-alikes escaped, see files.json_line); a lone
    surrogate (legal in JSON escapes, not encodable as UTF-8) makes the whole line ASCII."""
    try:
        return json_line(record).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record).encode("ascii") + b"\n"


def _repair_field(value: str, settings: StreamSettings) -> Result:
    # Imported here, in the process that repairs: a run on several processes leaves the repair
    # engine to its workers (see options.py).
    from .pipeline import repair_bytes, repair_text

    if settings.field_encoding == "base64":
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("not valid base64") from None
        return repair_bytes(data, charset=settings.charset, **settings.options.kwargs())
    options = settings.options.kwargs()
    if options["extract"] == "auto" and not looks_like_html(value):
        # Text fields of crawl datasets are already extracted: only undo their encoding damage,
        # so clean text comes back byte for byte.
        options["extract"] = "none"
    return repair_text(value, **options)


def _field_names(settings: StreamSettings) -> str:
    return "/".join(repr(name) for name in settings.fields) or "string"


# ---------------------------------------------------------------- WARC


def read_warc_pages(stream: IO[bytes]) -> Iterator[WarcPage | SkippedRecord]:
    """HTML response records of a WARC(.gz) stream; other responses as SkippedRecord with a reason.

    Request, metadata, warcinfo and revisit records are not pages and are passed over silently.
    """
    ArchiveIterator = _archive_iterator()
    from warcio.exceptions import ArchiveLoadFailed

    records = iter(ArchiveIterator(stream))
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError,
                AttributeError, OverflowError) as error:
            # warcio raises AttributeError on a header block cut short (a truncated file),
            # OverflowError on a Content-Length beyond any index (found by the fuzz test).
            yield SkippedRecord("unreadable WARC", f"WARC unreadable from here on: "
                                                   f"{type(error).__name__}: {error}")
            return
        if record.rec_type != "response":
            continue
        yield _warc_page(record)


def _archive_iterator() -> type:
    """warcio's ArchiveIterator, imported as where fsspec is not installed.

    Why: warcio imports fsspec, if it can, only to open files by name, which fixenc never asks
    of it (it hands warcio open streams); fsspec brings asyncio and took ~0.1 s of the ~0.15 s
    that importing warcio cost every WARC run.  fsspec is an optional dependency of warcio,
    which falls back to ``open`` without it.
    """
    if "fsspec" in sys.modules or "warcio.utils" in sys.modules:
        from warcio.archiveiterator import ArchiveIterator
        return ArchiveIterator
    sys.modules["fsspec"] = None  # type: ignore[assignment]  # makes `import fsspec` fail
    try:
        from warcio.archiveiterator import ArchiveIterator
    finally:
        del sys.modules["fsspec"]
    return ArchiveIterator


def _warc_page(record) -> WarcPage | SkippedRecord:
    headers = record.rec_headers
    if headers.get_header("WARC-Truncated"):
        return SkippedRecord("truncated")
    http = record.http_headers
    if http is None:
        return SkippedRecord("not HTTP")
    status = http.get_statuscode() or ""
    if not status.startswith("2"):
        return SkippedRecord("not HTTP 2xx")
    content_type = http.get_header("Content-Type") or ""
    if content_type.split(";")[0].strip().lower() not in PAGE_CONTENT_TYPES:
        return SkippedRecord("not HTML")
    content_encoding = (http.get_header("Content-Encoding") or "identity").strip().lower()
    if content_encoding not in ("identity", "none") and content_encoding not in _decompressors():
        return SkippedRecord("unsupported Content-Encoding")
    try:
        payload = record.content_stream().read(MAX_RECORD_BYTES + 1)
    except (OSError, EOFError, zlib.error, ValueError, OverflowError):
        return SkippedRecord("truncated")
    if len(payload) > MAX_RECORD_BYTES:
        return SkippedRecord("too large")
    if getattr(record.raw_stream, "limit", 0) > 0:
        # The record ended before its declared Content-Length: the file was cut.
        return SkippedRecord("truncated")
    match = CHARSET_PARAMETER.search(content_type)
    return WarcPage(headers.get_header("WARC-Target-URI") or "",
                    headers.get_header("WARC-Record-ID") or "",
                    headers.get_header("WARC-Date") or "",
                    match.group(1) if match else None, payload)


def _decompressors() -> tuple[str, ...]:
    from warcio.bufferedreaders import BufferedReader

    return tuple(BufferedReader.get_supported_decompressors())


def repair_warc_page(page: WarcPage | SkippedRecord, settings: StreamSettings) -> RecordOutcome:
    """One output line for one HTML response: url, record_id, warc_date and the Result."""
    from .pipeline import repair_bytes

    if isinstance(page, SkippedRecord):
        return RecordOutcome(b"", skipped=page.reason, error=page.error)
    try:
        result = repair_bytes(page.payload, charset=page.charset, **settings.options.kwargs())
    except FixencError:
        return RecordOutcome(b"", skipped="not text")
    except Exception as error:  # noqa: BLE001 - one record must not stop a 10 GB run
        return RecordOutcome(b"", error=f"{page.record_id} {page.url}: internal error "
                                        f"{type(error).__name__}: {error}")
    record = {"url": page.url, "record_id": page.record_id, "warc_date": page.warc_date,
              **result.to_dict()}
    return RecordOutcome(_json_line(record), changed=_repaired(result))


# ---------------------------------------------------------------- running a stream


def _item_size(item: JsonlLine | WarcPage | SkippedRecord) -> int:
    if isinstance(item, JsonlLine):
        return len(item.data)
    if isinstance(item, WarcPage):
        return len(item.payload)
    return 0


def process_stream(stream: IO[bytes], input_format: str, sink: IO[bytes],
                   settings: StreamSettings, *, jobs: int | None = 1,
                   scheduler: str | None = None, pool: WorkerPool | None = None) -> StreamReport:
    """Repair every record of a JSONL or WARC stream and write JSONL to ``sink``, in order.

    ``pool``: worker processes kept for the whole command, instead of ``jobs`` new ones."""
    if input_format == "jsonl":
        items, repair = read_jsonl_lines(stream), repair_jsonl_line
    elif input_format == "warc":
        items, repair = read_warc_pages(stream), repair_warc_page
    else:
        raise ValueError(f"not a record stream format: {input_format!r}")
    report = StreamReport()
    for outcome in ordered_map(partial(repair, settings=settings), items, jobs=jobs,
                               scheduler=scheduler, pool=pool, sizeof=_item_size):
        report.add(outcome)
        if outcome.output:
            sink.write(outcome.output)
    return report


# ---------------------------------------------------------------- output names

WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{stem}{digit}" for stem in ("COM", "LPT") for digit in "0123456789¹²³"]
)
UNSAFE_NAME_CHARACTERS = re.compile(r"[^\w.\-]+")
MAX_NAME_BYTES = 200


def safe_output_name(name: str, suffix: str = "") -> str:
    """One file name, safe inside an output folder, for a WARC URL or a JSONL id.

    Why each rule: path separators, '..' and absolute paths would leave the folder; NUL and
    control characters end or corrupt names; Windows reserves CON, NUL, COM1... whatever the
    extension; names over 255 bytes are refused by most file systems.  Any name that had to be
    changed gets a hash of the original, so two different ids never share a file.

    >>> safe_output_name("https://example.com/a/b?c=1", ".json")
    'https_example.com_a_b_c_1-2513d8d3.json'
    >>> safe_output_name("../../etc/passwd")
    'etc_passwd-3754d6cb'
    """
    normalized = unicodedata.normalize("NFC", name)
    cleaned = UNSAFE_NAME_CHARACTERS.sub("_", normalized).strip("._ ")
    cleaned = re.sub(r"_{2,}", "_", cleaned)
    stem = cleaned.split(".")[0].upper()
    if not cleaned or stem in WINDOWS_RESERVED:
        cleaned = f"_{cleaned}"
    limit = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    if cleaned != name or len(cleaned.encode("utf-8")) > limit:
        import hashlib  # here: only names that had to change need it

        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        head = cleaned.encode("utf-8")[: limit - 9].decode("utf-8", "ignore").rstrip("._ ")
        cleaned = f"{head or '_'}-{digest}"
    return cleaned + suffix
