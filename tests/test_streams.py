"""Record streams: JSONL and WARC in, JSONL out, records in order, nothing lost."""

from __future__ import annotations

import base64
import gzip
import io
import json
from pathlib import Path

import pytest
from clitools import make_warc

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


# ---------------------------------------------------------------- JSONL


def test_jsonl_repairs_the_field_and_keeps_every_other_member():
    record = {"id": 7, "text": DAMAGED, "title": DAMAGED, "meta": {"a": [1, DAMAGED]}}
    lines, report = run(jsonl(record), "jsonl", StreamSettings(fields=("text",)))
    assert json.loads(lines[0]) == {**record, "text": CLEAN}
    assert report.records == 1 and report.changed == 1


def test_without_fields_every_top_level_string_is_repaired():
    record = {"id": 7, "url": "https://example.com/a?b=1", "text": DAMAGED, "title": DAMAGED,
              "meta": {"a": [1, DAMAGED]}}
    lines, _ = run(jsonl(record), "jsonl")
    assert json.loads(lines[0]) == {**record, "text": CLEAN, "title": CLEAN}


def test_clean_jsonl_records_come_back_byte_for_byte():
    # Odd spacing and \u escapes: a record with nothing to repair is not even re-serialised.
    data = b'{"text":"Plain text, nothing to do.\\n",  "x": "\\u00e9"}\n{"text": "\xe4\xb8\xad\xe6\x96\x87"}\n'
    lines, report = run(data, "jsonl")
    assert b"".join(lines) == data
    assert report.changed == 0


def test_annotate_adds_a_fixenc_object_with_encoding_and_fixes():
    lines, _ = run(jsonl({"id": "a", "text": DAMAGED}), "jsonl",
                   StreamSettings(fields=("text",), annotate=True))
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
    assert report.skipped["no string field"] == 1
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


def test_a_warc_content_length_beyond_any_index_is_unreadable_not_a_crash():
    """warcio raised OverflowError out of the reader (found by the fuzz test)."""
    warc = make_warc([("http://a/1", "text/html", HTML.encode()),
                      ("http://a/2", "text/html", HTML.encode())], gzip_records=False)
    second = warc.index(b"WARC-Target-URI: http://a/2")
    length = warc.index(b"Content-Length: ", second)
    end = warc.index(b"\r\n", length)
    huge = warc[:length] + b"Content-Length: " + b"9" * 30 + warc[end:]
    lines, report = run(huge, "warc")
    assert [json.loads(line)["url"] for line in lines] == ["http://a/1"]
    assert list(report.skipped) == ["unreadable WARC"]


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


# ---------------------------------------------------------------- through the CLI


def cli(*args: str, input: bytes | None = None, env: dict | None = None):
    from click.testing import CliRunner

    from fixenc.cli import main

    result = CliRunner().invoke(main, list(args), input=input, env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.stderr
    return result


def test_cli_streams_a_named_jsonl_file_and_says_what_it_did(tmp_path: Path):
    source = tmp_path / "crawl.jsonl.gz"
    source.write_bytes(gzip.compress(jsonl({"id": 1, "text": DAMAGED}, {"id": 2, "text": CLEAN})))
    result = cli("--field", "text", "--annotate", "--jobs", "1", str(source))
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == [CLEAN, CLEAN]
    assert records[0]["fixenc"]["changed"] and not records[1]["fixenc"]["changed"]
    assert "2 records, 1 repaired" in result.stderr


def test_cli_sniffs_a_gzipped_warc_on_stdin():
    warc = make_warc([("http://a/1", "text/html; charset=windows-1252", HTML.encode("cp1252")),
                      ("http://a/2", "image/png", b"\x89PNG\r\n\x1a\n")])
    result = cli("--jobs", "1", input=warc)
    assert result.exit_code == 0
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["url"] == "http://a/1" and CLEAN in record["text"]
    assert "1 skipped (1 not HTML)" in result.stderr


def test_cli_plain_stdin_is_still_a_page_after_sniffing():
    result = cli(input=DAMAGED.encode())
    assert result.exit_code == 0 and result.stdout.strip() == CLEAN


def test_cli_bad_jsonl_lines_exit_2_with_the_line_number(tmp_path: Path):
    source = tmp_path / "bad.jsonl"
    source.write_bytes(b'{"text": "ok"}\n{broken\n')
    result = cli("--jobs", "1", str(source))
    assert result.exit_code == 2
    assert "line 2: not JSON" in result.stderr
    assert result.stdout.splitlines() == ['{"text": "ok"}', "{broken"]


def test_cli_jobs_2_writes_exactly_what_jobs_1_writes(tmp_path: Path):
    source = tmp_path / "many.jsonl"
    source.write_bytes(jsonl(*({"id": i, "text": DAMAGED if i % 3 else CLEAN} for i in range(200))))
    pages = []
    for number in range(4):
        page = tmp_path / f"page{number}.html"
        page.write_bytes(HTML.encode("utf-8").decode("cp1252").encode() if number % 2 else
                         HTML.encode())
        pages.append(str(page))
    serial = cli("--jobs", "1", "--format", "json", *pages, str(source))
    parallel = cli("--jobs", "2", "--format", "json", *pages, str(source))
    assert serial.exit_code == parallel.exit_code == 0
    assert parallel.stdout == serial.stdout
    assert len(serial.stdout.splitlines()) == 204


def test_cli_output_dir_gets_the_stream_as_one_jsonl_file(tmp_path: Path):
    source = tmp_path / "crawl.jsonl"
    source.write_bytes(jsonl({"text": DAMAGED}))
    out = tmp_path / "out"
    result = cli("--jobs", "1", "--output-dir", str(out), str(source))
    assert result.exit_code == 0
    (written,) = [path for path in out.rglob("*") if path.is_file()]
    assert json.loads(written.read_text()) == {"text": CLEAN}


def test_cli_never_rewrites_a_warc_in_place(tmp_path: Path):
    source = tmp_path / "crawl.warc"
    data = make_warc([("http://a/1", "text/html", DAMAGED.encode())], gzip_records=False)
    source.write_bytes(data)
    result = cli("--in-place", str(source))
    assert result.exit_code == 0 and source.read_bytes() == data
    assert "skipped" in result.stderr


def test_cli_unreachable_dask_scheduler_is_one_line(tmp_path: Path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr("fixenc.batch.CONNECT_TIMEOUT", "1s")
    source = tmp_path / "crawl.jsonl"
    source.write_bytes(jsonl({"text": DAMAGED}))
    result = cli(str(source), env={"FIXENC_DASK_SCHEDULER": "tcp://127.0.0.1:1"})
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler" in result.stderr


def test_lone_surrogates_stay_escaped_and_the_output_stays_utf8():
    data = b'{"text": "\\ud800 ' + DAMAGED.encode() + b'"}\n'
    lines, report = run(data, "jsonl")
    lines[0].decode("utf-8")
    assert json.loads(lines[0])["text"].startswith("\ud800")
    assert report.error_count == 0


def test_cli_jsonl_on_stdin_goes_to_stdout_as_jsonl():
    result = cli("--jobs", "1", "--field", "text", input=jsonl({"id": 1, "text": DAMAGED}))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"id": 1, "text": CLEAN}


def test_oversized_records_are_skipped_without_being_read_whole(monkeypatch):
    monkeypatch.setattr("fixenc.streams.MAX_RECORD_BYTES", 1000)
    big = {"text": "x" * 5000}
    lines, report = run(jsonl({"text": DAMAGED}, big, {"text": DAMAGED}), "jsonl")
    assert [json.loads(line)["text"] for line in lines] == [CLEAN, CLEAN]
    assert report.skipped == {"too large": 1} and "line 2: longer than" in report.errors[0]
    warc = make_warc([("http://a/1", "text/html", HTML.encode() * 10),
                      ("http://a/2", "text/html", b"<p>" + CLEAN.encode() + b"</p>")])
    lines, report = run(warc, "warc")
    assert [json.loads(line)["url"] for line in lines] == ["http://a/2"]
    assert report.skipped == {"too large": 1}


def test_line_break_look_alikes_are_escaped_so_each_record_stays_one_line():
    lines, _ = run(jsonl({"text": DAMAGED + "\u2028next\u2029"}), "jsonl")
    assert len(lines[0].decode("utf-8").splitlines()) == 1
    assert json.loads(lines[0])["text"] == CLEAN + "\u2028next\u2029"
