"""Fuzz the WARC stream reader and repair (``streams.process_stream`` with "warc").

Any bytes (a WARC, a gzipped WARC, or garbage) go in; nothing may escape, and
every output line is a JSON object with the page's url.  Run for ten minutes
(see docs/guarantees.md):

    python fuzz/fuzz_warc.py -max_total_time=600 -timeout=30 /tmp/corpus fuzz/seeds/warc
"""

from __future__ import annotations

import io
import json
import sys

import atheris
from common import warm_up

with atheris.instrument_imports(include=["fixenc"]):
    from fixenc.streams import StreamSettings, process_stream


def test_one_input(data: bytes) -> None:
    sink = io.BytesIO()
    process_stream(io.BytesIO(data), "warc", sink, StreamSettings(), jobs=1)
    for line in sink.getvalue().splitlines():
        record = json.loads(line)
        assert isinstance(record, dict) and "url" in record and isinstance(record["text"], str)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    warm_up()
    atheris.Fuzz()
