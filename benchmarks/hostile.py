"""Hostile inputs: is each processed (or refused by a documented limit) in time linear in its size?

Every row is an input built against a regex, a parser or a search of the
pipeline.  Each runs in a fresh subprocess (so its peak memory is its own, and
a hang is cut off after ``--timeout`` seconds) through ``fixenc.repair_bytes``
with the default options, next to a *normal page of the same size*: real text
(lines of the chardet corpus when ../shared/data is there, a built-in
multilingual paragraph otherwise) repeated, as plain text or as the paragraphs
of one HTML article, whichever the hostile input is.  Printed per row: the
outcome (characters out, or the error that refused it), seconds, time as a
ratio to the normal page (target: within 5x), and peak memory (RSS growth over
the process after import and model load; the input's own size included).

    FIXENC_SHARED=/work/shared PYTHONPATH=src nice python benchmarks/hostile.py          # 1/10 MB rows
    ... --full     # the sizes of issue 8 (1 MB, 10 MB, 100,000 tags; a few minutes)
    ... --rows nested-tags,question-marks-every-8

Gzip bombs (JSONL.gz, WARC.gz, a WARC page with Content-Encoding: gzip) go through
``streams.process_stream``; "bytes" is their compressed size, and the normal
stream is real pages of the same compressed size.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import resource
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FIXENC_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "data" / "chardet-corpus"
MB = 1_000_000

PARAGRAPH = (
    "这是一个关于中文文本修复的测试句子，我们希望它能正确地恢复原来的内容。"
    "The quick brown fox jumps over the lazy dog, again and again. "
    "Съешь же ещё этих мягких французских булок, да выпей чаю. "
    "日本語のテキストも少し入っています。한국어 문장도 있습니다.\n"
)


def _normal_lines() -> list[str]:
    """Real lines of text: the corpus's GB2312, KOI8-R, windows-1252 and Shift-JIS pages."""
    lines: list[str] = []
    for folder, codec in (("GB2312", "gb18030"), ("KOI8-R", "koi8_r"),
                          ("windows-1252", "cp1252"), ("SHIFT_JIS", "cp932")):
        directory = CORPUS / folder
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir())[:5]:
            try:
                raw = path.read_bytes().decode(codec)
            except UnicodeDecodeError:
                continue
            text = html.unescape(re.sub(r"<[^>]*>", "\n", raw))
            lines += [line.strip() for line in text.splitlines() if len(line.strip()) > 20]
    return lines or PARAGRAPH.splitlines()


def normal_text(size: int) -> bytes:
    """Real lines repeated to ``size`` bytes of UTF-8."""
    lines = _normal_lines()
    out, total, index = [], 0, 0
    while total < size:
        line = (lines[index % len(lines)] + "\n").encode()
        out.append(line)
        total += len(line)
        index += 1
    return b"".join(out)[:size].decode("utf-8", "ignore").encode()


def normal_html(size: int) -> bytes:
    """One HTML article whose paragraphs are real lines, ``size`` bytes long."""
    head = b"<!doctype html><html><head><title>News</title></head><body><nav><a href='/'>Home</a>"
    head += b"</nav><article><h1>News</h1>"
    tail = b"</article><footer>(c) Site</footer></body></html>"
    body = normal_text(size - len(head) - len(tail)).decode()
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in body.splitlines())
    return head + paragraphs.encode() + tail


def html_page(inner: bytes) -> bytes:
    return b"<html><head><title>t</title></head><body>" + inner + b"</body></html>"


# name -> (what it attacks, builder of an input of about ``size`` bytes, normal page kind)
ROWS: dict[str, tuple[str, Callable[[int], bytes], str]] = {
    "lt-signs": ("1 MB of '<' (tag regexes)", lambda n: b"<" * n, "text"),
    "single-line": ("one line, no newline (line-based regexes)",
                    lambda n: normal_text(n).replace(b"\n", b" "), "text"),
    "spaces-line": ("a word then spaces (lazy-then-whitespace regex, was quadratic)",
                    lambda n: b"x" + b" " * (n - 2) + b"y", "text"),
    "nested-tags": ("nested <div> (parser depth limit, recursion)",
                    lambda n: html_page(b"<div>" * (n // 11) + b"<p>deep</p>" + b"</div>" * (n // 11)),
                    "html"),
    "unclosed-tags": ("<font> never closed (parser depth limit)",
                      lambda n: html_page(b"<font>a" * (n // 7)), "html"),
    "question-marks": ("a run of '?' between CJK text (out-of-phase repair)",
                       lambda n: ("中文" + "?" * (n - 12) + "中文").encode(), "text"),
    "question-marks-every-8": ("'?' after every 7 CJK characters (out-of-phase search per mark)",
                               lambda n: ("中文中文中文中?" * (n // 22)).encode(), "text"),
    "replacement-chars": ("a run of U+FFFD between CJK text", lambda n: (
        "中文" + "\ufffd" * (n // 3 - 4) + "中文").encode(), "text"),
    "replacement-every-8": ("U+FFFD after every 7 CJK characters", lambda n: (
        "中文中文中文中\ufffd" * (n // 24)).encode(), "text"),
    "combining-marks": ("one letter and combining accents", lambda n: (
        "a" + "\u0301" * (n // 2 - 1)).encode(), "text"),
    "alternating-scripts": ("a script change at every character (language model runs)",
                            lambda n: ("aаα中アשع한" * (n // 20)).encode(), "text"),
    "cyrillic-capitals": ("Cyrillic capitals without spaces (signature regex, was quadratic)",
                          lambda n: ("Ж" * (n // 2)).encode(), "text"),
    "mojibake-latin1": ("dense UTF-8-as-cp1252 mojibake (every span a candidate)",
                        lambda n: ("Ã©tÃ© " * (n // 12)).encode(), "text"),
    "mojibake-gbk": ("dense UTF-8-as-GBK mojibake", lambda n: (
        "鍙戝竷鏃堕棿锛" * (n // 21)).encode(), "text"),
}


# Gzip bombs: a small compressed stream that inflates to ``size`` bytes (1 GB in --full).

def _gzip_stream(pieces) -> bytes:
    """Gzip-compress an iterable of byte pieces without holding them all."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join(compressor.compress(piece) for piece in pieces) + compressor.flush()


def _zeros(size: int, chunk: int = 1 << 20):
    for start in range(0, size, chunk):
        yield b"0" * min(chunk, size - start)


def jsonl_bomb(size: int) -> bytes:
    """One JSONL line whose "text" string inflates to ``size`` bytes."""
    return _gzip_stream([b'{"text": "', *_zeros(size), b'"}\n'])


def _warc_response(payload_size: int, content_encoding: str | None = None) -> bytes:
    http = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    if content_encoding:
        http += f"Content-Encoding: {content_encoding}\r\n"
    http_bytes = (http + "\r\n").encode()
    return (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://bomb.example/\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
            f"WARC-Date: 2026-01-01T00:00:00Z\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http_bytes) + payload_size}\r\n\r\n").encode() + http_bytes


def warc_bomb(size: int) -> bytes:
    """A WARC.gz whose one response record inflates to ``size`` bytes of page."""
    return _gzip_stream([_warc_response(size), *_zeros(size), b"\r\n\r\n"])


def warc_http_gzip_bomb(size: int) -> bytes:
    """A plain WARC whose page is sent with Content-Encoding: gzip and inflates to ``size``."""
    body = _gzip_stream(_zeros(size))
    return _warc_response(len(body), "gzip") + body + b"\r\n\r\n"


def normal_stream(kind: str, compressed_size: int) -> bytes:
    """Real pages as a JSONL.gz or WARC.gz of about ``compressed_size`` bytes."""
    lines = _normal_lines()
    records, index, total = [], 0, 0
    while total < compressed_size * 4:  # real text compresses about 4:1
        page = "".join(lines[(index + k) % len(lines)] + "\n" for k in range(20))
        index += 20
        if kind == "jsonl.gz":
            record = json.dumps({"id": index, "text": page}, ensure_ascii=False).encode() + b"\n"
        else:
            body = f"<html><body><p>{html.escape(page)}</p></body></html>".encode()
            record = _warc_response(len(body)) + body + b"\r\n\r\n"
        records.append(record)
        total += len(record)
    if kind == "jsonl.gz":
        return _gzip_stream(records)
    return b"".join(_gzip_stream([record]) for record in records)  # one gzip member per record


BOMBS: dict[str, tuple[str, Callable[[int], bytes], str]] = {
    "gzip-bomb-jsonl": ("JSONL.gz: one line inflating to 1 GB", jsonl_bomb, "jsonl.gz"),
    "gzip-bomb-warc": ("WARC.gz: one record inflating to 1 GB", warc_bomb, "warc.gz"),
    "gzip-bomb-http": ("WARC: a page with Content-Encoding: gzip inflating to 1 GB",
                       warc_http_gzip_bomb, "warc.gz"),
}


def _process_stream(data: bytes, kind: str) -> str:
    import io

    from fixenc.streams import StreamSettings, process_stream

    report = process_stream(io.BytesIO(data), "jsonl" if kind.startswith("jsonl") else "warc",
                            io.BytesIO(), StreamSettings(), jobs=1)
    return report.summary()


def measure(name: str, size: int) -> dict:
    """Run in the child: build one input, time one repair, report peak memory."""
    import fixenc
    from fixenc.errors import FixencError

    fixenc.repair_bytes(normal_html(20_000))  # load the model and parsers first
    fixenc.repair_bytes(normal_text(20_000))
    kind = "text"
    if name.startswith("normal-"):
        kind = name.removeprefix("normal-")
        data = {"html": normal_html, "text": normal_text}[kind](size) if kind in (
            "html", "text") else normal_stream(kind, size)
    elif name in BOMBS:
        _, build, kind = BOMBS[name]
        data = build(size)
    else:
        data = ROWS[name][1](size)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        if kind in ("html", "text"):
            outcome = f"{len(fixenc.repair_bytes(data).text):,} chars out"
        else:
            outcome = _process_stream(data, kind)
    except FixencError as error:
        outcome = f"refused: {type(error).__name__}: {error}"
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"bytes": len(data), "seconds": seconds, "outcome": outcome,
            "peak_mb": max(0, peak - baseline) / 1024}


def run(name: str, size: int, timeout: float) -> dict:
    """One measurement in a fresh interpreter; a timeout is reported, not waited for."""
    command = [sys.executable, __file__, "--child", name, "--size", str(size)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    try:
        child = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env,
                               check=False)
    except subprocess.TimeoutExpired:
        return {"bytes": size, "seconds": float("inf"), "outcome": f"TIMEOUT after {timeout:.0f} s",
                "peak_mb": float("nan")}
    if child.returncode != 0:
        last = (child.stderr.strip().splitlines() or ["?"])[-1]
        return {"bytes": size, "seconds": float("nan"), "outcome": f"CRASH: {last}",
                "peak_mb": float("nan")}
    return json.loads(child.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="issue 8's sizes (1 MB / 10 MB)")
    parser.add_argument("--rows", help="comma-separated row names (default: all)")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.size)))
        return
    scale = 1 if args.full else 10
    names = args.rows.split(",") if args.rows else [*ROWS, *BOMBS]
    sizes = {name: (10 * MB if name == "single-line" else MB) // scale for name in names}
    if "nested-tags" in sizes:
        sizes["nested-tags"] = 100_000 * 11 // scale  # 100,000 nested tags in --full
    for name in BOMBS:
        sizes[name] = 1000 * MB // scale  # inflated size: 1 GB in --full
    normals: dict[tuple[str, int], dict] = {}
    print(f"{'input':24} {'bytes':>11} {'seconds':>8} {'normal s':>8} {'ratio':>6} {'peak MB':>8}"
          "  outcome")
    for name in names:
        kind = (ROWS.get(name) or BOMBS[name])[2]
        result = run(name, sizes[name], args.timeout)
        key = (kind, result["bytes"])
        if key not in normals:
            normals[key] = run(f"normal-{kind}", result["bytes"], args.timeout)
        normal = normals[key]
        ratio = result["seconds"] / normal["seconds"] if normal["seconds"] else float("nan")
        print(f"{name:24} {result['bytes']:>11,} {result['seconds']:>8.3f} "
              f"{normal['seconds']:>8.3f} {ratio:>5.1f}x {result['peak_mb']:>8.1f}  "
              f"{result['outcome']}", flush=True)
    print("\nnormal pages (real lines repeated; HTML: the same lines as <p> of one article;"
          " streams: real pages as records, the same compressed size as the bomb):")
    for (kind, size), normal in sorted(normals.items()):
        print(f"  {kind:5} {size:>11,} bytes {normal['seconds']:8.3f} s  peak {normal['peak_mb']:.1f}"
              f" MB  {normal['outcome']}")


if __name__ == "__main__":
    main()
