"""Fuzz the JSONL stream reader and repair (``streams.process_stream`` with "jsonl").

The first byte picks the options (fields, base64 fields, annotations) and
whether the rest is gzip-compressed first; the rest is the stream.  Nothing may
escape: bad lines become reported records and are written back as they were;
a rewritten line is a JSON object.  Run for ten minutes (see docs/guarantees.md):

    python fuzz/fuzz_jsonl.py -max_total_time=600 -timeout=30 /tmp/corpus fuzz/seeds/jsonl
"""

from __future__ import annotations

import gzip
import io
import json
import sys

import atheris
from common import EXTRACT_MODES, warm_up

with atheris.instrument_imports(include=["fixenc"]):
    from fixenc.pipeline import Options
    from fixenc.streams import StreamSettings, process_stream

FIELDS = ((), ("text",), ("html", "title"), ("raw",))


def test_one_input(data: bytes) -> None:
    if not data:
        return
    options, stream = data[0], data[1:]
    fields = FIELDS[options % len(FIELDS)]
    settings = StreamSettings(
        fields=fields,
        field_encoding="base64" if options & 0x04 else "text",
        annotate=bool(options & 0x08),
        options=Options(extract=EXTRACT_MODES[(options >> 4) % len(EXTRACT_MODES)]),
    )
    given = set(stream.split(b"\n"))
    if options & 0x80:
        stream = gzip.compress(stream)
    sink = io.BytesIO()
    process_stream(io.BytesIO(stream), "jsonl", sink, settings, jobs=1)
    for line in sink.getvalue().split(b"\n")[:-1]:
        # A line is written back as it was (not a JSON object, or nothing changed) or rewritten
        # as a JSON object.
        if line not in given:
            assert isinstance(json.loads(line), dict), line


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    warm_up()
    atheris.Fuzz()
