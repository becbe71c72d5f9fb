"""Helpers for the CLI tests: damaged and clean fixtures, and running `fixenc` in-process."""

from __future__ import annotations

import io
import json
from pathlib import Path

from click.testing import CliRunner, Result

from fixenc.cli import main


def cp1252_mojibake(text: str) -> str:
    """UTF-8 text read as Windows-1252, the commonest web damage."""
    return text.encode("utf-8").decode("cp1252")


def gbk_mojibake(text: str) -> str:
    """UTF-8 Chinese read as GBK."""
    return text.encode("utf-8").decode("gbk")


FRENCH = "Le café est prêt à Noël."
CHINESE = "发布时间：住房城乡建设厅"

DAMAGED_TEXT = f"{cp1252_mojibake(FRENCH)}\n{gbk_mojibake(CHINESE)}\n"
REPAIRED_TEXT = f"{FRENCH}\n{CHINESE}\n"
CLEAN_TEXT = f"{FRENCH}\r\n中文的句子，没有问题。\r\nУкраїнська мова\r\n"


def damaged_html(charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html>\n<html><head><meta charset="{charset}"><title>{cp1252_mojibake("café")}'
            f'</title></head>\n<body><p title="{cp1252_mojibake("Noël")}">'
            f"{cp1252_mojibake(FRENCH)}</p></body></html>\n")


def jsonl(*records: dict, ascii_only: bool = False) -> str:
    return "".join(json.dumps(record, ensure_ascii=ascii_only) + "\n" for record in records)


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


def make_tree(root: Path) -> dict[str, bytes]:
    """A folder of damaged and clean files; returns the clean ones' bytes."""
    (root / "sub").mkdir(parents=True, exist_ok=True)
    (root / "damaged.txt").write_bytes(DAMAGED_TEXT.encode())
    (root / "sub" / "damaged.html").write_bytes(damaged_html().encode())
    (root / "sub" / "damaged.jsonl").write_bytes(
        jsonl({"id": 1, "text": cp1252_mojibake(FRENCH)}).encode())
    clean = {
        "clean.txt": CLEAN_TEXT.encode(),
        "sub/clean.html": ("<html><head><meta charset='gbk'><title>你好</title></head>"
                           "<body><p>你好，世界。</p></body></html>\n").encode("gbk"),
        "sub/clean.jsonl": jsonl({"id": 2, "text": "café 中文"}, ascii_only=True).encode(),
    }
    for name, data in clean.items():
        (root / name).write_bytes(data)
    return clean


def run(*args: str, input: bytes | None = None) -> Result:
    """Run `fixenc` in-process; a traceback (any exception but SystemExit) fails the test."""
    result = CliRunner().invoke(main, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.stderr
    return result
