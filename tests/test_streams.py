"""Record streams: JSONL and WARC in, JSONL out, records in order, nothing lost."""

from __future__ import annotations

import base64
import gzip
import io
import json
from pathlib import Path

import pytest

from fixenc.streams import (
    StreamSettings,
    detect_format,
    open_input,
    process_stream,
    safe_output_name,
)

CLEAN = "Café crème, naïve façade: déjà vu à Noël."
DAMAGED = CLEAN.encode("utf-8").decode("cp1252")
HTML = ("<html><head><title>Menu</title></head><body><article><h1>Menu</h1>"
        + f"<p>{CLEAN} Le chef présente sa carte d'hiver, plat après plat.</p>" * 4
        + "</article></body></html>")


def jsonl(*records: dict) -> bytes:
    return b"".join(json.dumps(record).encode("utf-8") + b"\n" for record in records)


def run(data: bytes, input_format: str, settings: StreamSettings | None = None,
        jobs: int = 1) -> tuple[list[bytes], object]:
    sink = io.BytesIO()
    report = process_stream(io.BytesIO(data), input_format, sink, settings or StreamSettings(),
                            jobs=jobs)
    return sink.getvalue().splitlines(keepends=True), report


def make_warc(pages: list[tuple[str, str, bytes]], *, gzip_records: bool = True,
              truncated: str | None = None) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip_records)
    for url, content_type, body in pages:
        http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        headers = {"WARC-Truncated": "length"} if url == truncated else None
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                           http_headers=http, warc_headers_dict=headers)
        writer.write_record(record)
        request = writer.create_warc_record(url, "request",
                                            payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
        writer.write_record(request)
    return out.getvalue()


# ---------------------------------------------------------------- JSONL


def test_jsonl_repairs_the_field_and_keeps_every_other_member():
    lines, report = run(jsonl({"id": 7, "text": DAMAGED, "lang": "fr", "meta": {"a": [1, 2]}}),
                        "jsonl")
    record = json.loads(lines[0])
    assert record == {"id": 7, "text": CLEAN, "lang": "fr", "meta": {"a": [1, 2]}}
    assert report.records == 1 and report.changed == 1


def test_clean_jsonl_records_come_back_byte_for_byte():
    # Odd spacing and \u escapes: a record with nothing to repair is not even re-serialised.
    data = b'{"text":"Plain text, nothing to do.\\n",  "x": "\\u00e9"}\n{"text": "\xe4\xb8\xad\xe6\x96\x87"}\n'
    lines, report = run(data, "jsonl")
    assert b"".join(lines) == data
    assert report.changed == 0


def test_annotate_adds_a_fixenc_object_with_encoding_and_fixes():
    lines, _ = run(jsonl({"text": DAMAGED}), "jsonl", StreamSettings(annotate=True))
    note = json.loads(lines[0])["fixenc"]
    assert note["changed"] is True
    assert "encoding" in note
    assert any(fix.get("codecs") for fix in note["fixes"])


def test_several_fields_are_annotated_by_name():
    settings = StreamSettings(fields=("title", "body"), annotate=True)
    lines, _ = run(jsonl({"title": DAMAGED, "body": CLEAN, "url": "u"}), "jsonl", settings)
    record = json.loads(lines[0])
    assert record["title"] == CLEAN and record["body"] == CLEAN
    assert set(record["fixenc"]) == {"title", "body"}
    assert record["fixenc"]["body"]["changed"] is False


def test_base64_fields_are_decoded_with_the_declared_charset():
    page = HTML.encode("cp1252")
    settings = StreamSettings(fields=("raw",), field_encoding="base64", charset="windows-1252",
                              annotate=True)
    lines, _ = run(jsonl({"raw": base64.b64encode(page).decode("ascii")}), "jsonl", settings)
    record = json.loads(lines[0])
    assert CLEAN in record["raw"]
    assert record["fixenc"]["encoding"] == "cp1252"


def test_bad_lines_are_written_back_unchanged_and_reported():
    data = b"not json\n[1, 2]\n\n" + jsonl({"id": 1}, {"text": DAMAGED})
    lines, report = run(data, "jsonl")
    assert lines[:4] == [b"not json\n", b"[1, 2]\n", b"\n", b'{"id": 1}\n']
    assert json.loads(lines[4])["text"] == CLEAN
    assert report.error_count == 2
    assert report.errors[0].startswith("line 1: not JSON")
    assert report.skipped["no 'text' field"] == 1
    assert "2 failed" in report.summary()


def test_invalid_base64_leaves_the_record_untouched():
    data = jsonl({"raw": "***not base64***"})
    lines, report = run(data, "jsonl", StreamSettings(fields=("raw",), field_encoding="base64"))
    assert lines == [data]
    assert "not valid base64" in report.errors[0]


def test_gzipped_jsonl_is_read_transparently():
    lines, _ = run(gzip.compress(jsonl({"text": DAMAGED}, {"text": CLEAN})), "jsonl")
    assert [json.loads(line)["text"] for line in lines] == [CLEAN, CLEAN]


def test_parallel_jsonl_output_is_identical_to_serial():
    records = [{"id": i, "text": DAMAGED if i % 4 == 0 else f"{CLEAN} #{i}"} for i in range(300)]
    serial, _ = run(jsonl(*records), "jsonl", jobs=1)
    parallel, _ = run(jsonl(*records), "jsonl", jobs=2)
    assert parallel == serial
    assert [json.loads(line)["id"] for line in parallel] == list(range(300))


# ---------------------------------------------------------------- WARC


def test_warc_html_responses_become_jsonl_with_the_http_charset_used():
    warc = make_warc([
        ("http://example.com/1", "text/html; charset=windows-1252", HTML.encode("cp1252")),
        ("http://example.com/logo", "image/png", b"\x89PNG\r\n\x1a\n...."),
        ("http://example.com/2", "text/html", HTML.encode("utf-8").decode("cp1252").encode()),
    ])
    lines, report = run(warc, "warc")
    records = [json.loads(line) for line in lines]
    assert [r["url"] for r in records] == ["http://example.com/1", "http://example.com/2"]
    assert records[0]["encoding"] == "cp1252"
    assert records[0]["record_id"].startswith("<urn:uuid:")
    assert all(CLEAN in r["text"] for r in records)
    assert any(fix.get("codecs") for fix in records[1]["fixes"])
    assert report.skipped == {"not HTML": 1}
    assert report.records == 3


def test_truncated_warc_records_are_counted_and_skipped():
    warc = make_warc([("http://a/1", "text/html", HTML.encode()),
                      ("http://a/2", "text/html", HTML.encode())], truncated="http://a/1")
    lines, report = run(warc, "warc")
    assert [json.loads(line)["url"] for line in lines] == ["http://a/2"]
    assert report.skipped == {"truncated": 1}


def test_a_warc_cut_inside_a_record_keeps_what_came_before():
    warc = make_warc([("http://a/1", "text/html", HTML.encode()),
                      ("http://a/2", "text/html", HTML.encode())], gzip_records=False)
    cut = warc[: warc.index(b"http://a/2") + 5]
    for end in (cut, warc[: warc.index(b"WARC-Target-URI: http://a/2") + 5]):
        lines, _ = run(end, "warc")
        assert [json.loads(line)["url"] for line in lines] == ["http://a/1"]


def test_a_warc_payload_cut_short_is_truncated():
    warc = make_warc([("http://a/1", "text/html", HTML.encode()),
                      ("http://a/2", "text/html", HTML.encode())], gzip_records=False)
    start = warc.index(b"<html>", warc.index(b"WARC-Target-URI: http://a/2"))
    lines, report = run(warc[: start + 40], "warc")
    assert len(lines) == 1
    assert report.skipped == {"truncated": 1}


# ---------------------------------------------------------------- formats and stdin


@pytest.mark.parametrize(("name", "head", "expected"), [
    ("crawl.jsonl.gz", b"", "jsonl"),
    ("CC-MAIN-1.warc.gz", b"", "warc"),
    ("page.html", b"{", "text"),
    ("-", b"WARC/1.0\r\n", "warc"),
    ("-", gzip.compress(b"WARC/1.1\r\nWARC-Type: warcinfo"), "warc"),
    ("-", b'  {"text": "x"}\n', "jsonl"),
    ("-", gzip.compress(b'{"text": "x"}\n'), "jsonl"),
    ("-", b"<html><body>", "text"),
])
def test_formats_are_known_by_name_and_stdin_by_its_first_bytes(name, head, expected):
    assert detect_format(name, head) == expected


def test_stdin_sniffing_replays_the_bytes_it_read(monkeypatch):
    data = gzip.compress(jsonl({"text": DAMAGED}))
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    with open_input("-") as (input_format, stream):
        assert input_format == "jsonl"
        assert stream.read() == data


# ---------------------------------------------------------------- output names


@pytest.mark.parametrize("name", [
    "../../etc/passwd", "/etc/passwd", "..", ".", "", "a/../../b", "C:\\Windows\\x",
    "nul", "CON.txt", "com1", "LPT9.json", "a\x00b", "x" * 1000, "é" * 300,
    "https://example.com/a/b?c=1#frag", "\u202e\u0000\n\t", "~", "...",
])
def test_safe_output_names_never_leave_the_folder(name, tmp_path: Path):
    safe = safe_output_name(name, ".json")
    assert safe and "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert safe not in (".", "..") and not safe.startswith(".")
    assert len(safe.encode("utf-8")) <= 255
    assert safe.split(".")[0].upper() not in ("CON", "NUL", "COM1", "LPT9", "PRN", "AUX")
    target = (tmp_path / safe).resolve()
    assert target.parent == tmp_path.resolve()
    target.write_text("ok")


def test_distinct_ids_get_distinct_names():
    names = {safe_output_name(n) for n in ("a/b", "a_b", "a?b", "a b", "A/B")}
    assert len(names) == 5
    assert safe_output_name("plain-id_42.txt") == "plain-id_42.txt"
