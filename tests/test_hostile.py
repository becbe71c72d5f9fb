"""Hostile inputs found by benchmarks/hostile.py: each is processed, and nothing is lost.

These are behaviour tests, not timings: the inputs are sized so that the
linear code takes well under a second and the quadratic code they replaced
took hours (the benchmark reports the times).
"""

from __future__ import annotations

import base64
import gzip
import io
import random
import zlib

import pytest
from clitools import run

import fixenc
from fixenc import misaligned, streams
from fixenc.markup import MAX_NESTING, flat_text, nests_too_deep, strip_markup_fragments
from fixenc.repair import CYRILLIC_SIGNATURE_RE


def deep_page(depth: int) -> str:
    return ("<html><body><p>before</p>" + "<div>" * depth + "<p>deep &amp; inside</p>"
            + "<script>var s = '<p>no</p>';</script>" + "</div>" * depth
            + "<p>after</p></body></html>")


def test_text_below_the_parsers_depth_limit_is_not_lost():
    """lxml silently dropped everything below its 256th level (output was 'before' only)."""
    for depth in (MAX_NESTING + 1, 1000, 100_000):
        for extract in ("auto", "article", "text"):
            text = fixenc.repair_text(deep_page(depth), extract=extract).text
            assert text.split() == ["before", "deep", "&", "inside", "after"], (depth, extract)


def test_shallow_pages_and_unclosed_paragraphs_still_go_through_the_parser():
    assert not nests_too_deep(deep_page(MAX_NESTING - 5))
    assert not nests_too_deep("<html><body>" + "<p>text" * 5000 + "</body></html>")
    assert not nests_too_deep("<html><body>" + "<br><img src=x>" * 5000 + "</body></html>")
    assert nests_too_deep("<html><body>" + "<font>a" * 300 + "</body></html>")


def test_flat_text_drops_scripts_even_unclosed():
    assert flat_text("<p>a</p><script>x<y</script><p>b</p>")[0].split() == ["a", "b"]
    assert flat_text("<p>a</p><style>p{}")[0].split() == ["a"]


def test_a_long_line_of_spaces_is_processed():
    """chrome's cut-tag regex (lazy run, then unbounded whitespace) was quadratic: hours at 1 MB."""
    text = "x" + " " * 200_000 + "y"
    assert strip_markup_fragments(text)[0] == text
    assert strip_markup_fragments('alt text" />\nbody')[0] == "alt text\nbody"


def test_a_long_run_of_cyrillic_capitals_is_processed():
    """The swap signature tried its capitals branch from every capital: quadratic."""
    assert CYRILLIC_SIGNATURE_RE.search("Ж" * 200_000) is None
    assert CYRILLIC_SIGNATURE_RE.search("ПРИВЕТ МИР")
    assert CYRILLIC_SIGNATURE_RE.search("слово пРИВЕТ")


def test_marks_between_cjk_characters_cost_a_bounded_search():
    """'?' after every few CJK characters: 17 s for 550 bytes, superlinear, before the budget."""
    text = "中文中文中文中?" * 1000
    assert misaligned.repair_misaligned_double_byte(text)[0] == text
    assert misaligned._search_budget(text) == misaligned.MIN_SEARCHES + 8_000 * 16 // 1000


def test_lossy_utf8_read_as_big5_is_not_reread_out_of_phase():
    """Runs of U+FFFD are an in-phase decoder's losses; re-reading them garbled the text."""
    damaged = "受講期間（6ヶ月）内に".encode().decode("cp950", "replace")
    assert misaligned.repair_misaligned_double_byte(damaged) == (damaged, [])


# ---------------------------------------------------------------- streams: cut, corrupt, bombs


def _jsonl_stream(data: bytes, **options) -> streams.StreamReport:
    sink = io.BytesIO()
    report = streams.process_stream(io.BytesIO(data), "jsonl", sink, streams.StreamSettings(
        **options), jobs=1)
    return report


@pytest.mark.parametrize("data", [
    gzip.compress(b'{"text": "caf\\u00c3\\u00a9"}\n')[:20],  # cut
    b"\x1f\x8b\x08\x00garbage-not-deflate",  # corrupt
    b"\x1f\x8b\x08\x00-?",  # found by fuzz/fuzz_jsonl.py
    gzip.compress(b'{"text": "a"}\n') + b"\x1f\x8b",  # a second member cut short
])
def test_a_cut_or_corrupt_gzip_jsonl_is_reported_not_raised(data):
    """EOFError and zlib.error escaped read_jsonl_lines: a traceback (and click's 'Aborted!')."""
    report = _jsonl_stream(data)
    assert report.error_count >= 1


def test_a_cut_gzip_jsonl_through_the_cli(tmp_path):
    path = tmp_path / "crawl.jsonl.gz"
    lines = b"".join(b'{"id": %d, "text": "caf\\u00c3\\u00a9"}\n' % n for n in range(5000))
    data = gzip.compress(lines)
    path.write_bytes(data[: len(data) // 2])
    result = run("--jobs", "1", str(path))
    assert result.exit_code == 2 and "unreadable" in result.stderr


def _gzip_zeros(prefix: bytes, size: int, suffix: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"0" * (1 << 20)
    body = b"".join(compressor.compress(chunk) for _ in range(size >> 20))
    return compressor.compress(prefix) + body + compressor.compress(suffix) + compressor.flush()


def test_a_gzip_bomb_line_is_refused_without_inflating_it_all(monkeypatch):
    """benchmarks/hostile.py inflates 1 GB (15 s before, 1.5 s now); here 64 MiB, 1 MiB limit."""
    monkeypatch.setattr(streams, "MAX_RECORD_BYTES", 1 << 20)
    bomb = _gzip_zeros(b'{"text": "', 64 << 20, b'"}\n{"text": "ok"}\n')
    report = _jsonl_stream(bomb)
    assert report.skipped["gzip bomb"] == 1 and report.error_count == 1


def test_a_long_line_that_is_no_bomb_is_skipped_and_the_next_one_read(monkeypatch):
    monkeypatch.setattr(streams, "MAX_RECORD_BYTES", 1 << 20)
    noise = base64.b64encode(random.Random(8).randbytes(3 << 20))  # incompressible text
    report = _jsonl_stream(gzip.compress(b'{"text": "' + noise + b'"}\n{"text": "ok"}\n'))
    assert report.skipped["too large"] == 1 and report.records == 2


def test_a_gzip_bomb_page_in_a_warc_is_refused_by_the_record_limit(monkeypatch):
    monkeypatch.setattr(streams, "MAX_RECORD_BYTES", 1 << 20)
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n"
    body = _gzip_zeros(b"", 8 << 20, b"")
    record = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://bomb.example/\r\n"
              b"WARC-Record-ID: <urn:uuid:1>\r\nContent-Type: application/http; msgtype=response\r\n"
              b"Content-Length: " + str(len(http) + len(body)).encode() + b"\r\n\r\n"
              + http + body + b"\r\n\r\n")
    report = streams.process_stream(io.BytesIO(record), "warc", io.BytesIO(),
                                    streams.StreamSettings(), jobs=1)
    assert report.skipped["too large"] == 1


def test_depth_is_judged_by_the_parser_itself():
    """The page is read flat exactly when lxml stops at its nesting limit, and not otherwise."""
    shallow = deep_page(MAX_NESTING - 5)
    result = fixenc.repair_text(shallow, extract="article")
    assert "deep & inside" in result.text
    assert not any("nested deeper" in fix.detail for fix in result.fixes)
    deep = fixenc.repair_text(deep_page(MAX_NESTING + 5), extract="article")
    assert any("nested deeper" in fix.detail for fix in deep.fixes)


def test_deep_feed_keeps_its_text_and_drops_declarations():
    feed = ("<?xml version='1.0'?><rss><channel><title>Feed</title><item><title>one</title>"
            "<description>" + "<x>" * 300 + "deep text" + "</x>" * 300
            + "</description></item></channel></rss>")
    text = fixenc.repair_text(feed).text
    assert text.split() == ["Feed", "one", "deep", "text"]


def test_flat_text_drops_comments_and_declarations():
    assert flat_text("<!DOCTYPE html><p>a<!-- c > d --></p><?pi x?><p>b")[0].split() == ["a", "b"]
