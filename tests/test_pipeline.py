"""The pipeline and CLI as a user meets them."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import fixenc

SAMPLES = Path(__file__).parents[1] / "samples"


def run_cli(*args, stdin=b""):
    return subprocess.run([sys.executable, "-m", "fixenc", *args], check=False, input=stdin,
                          capture_output=True)


def test_utf8_read_as_cp1252_is_repaired():
    damaged = "Le café est prêt à Noël.".encode().decode("cp1252").encode("utf-8")
    result = fixenc.repair_bytes(damaged, extract="none")
    assert result.text == "Le café est prêt à Noël."
    assert result.changed and any(fix.kind == "mojibake" for fix in result.fixes)


def test_utf8_read_as_gbk_is_repaired():
    damaged = "发布时间：住房城乡建设厅".encode().decode("gbk")
    result = fixenc.repair_text(damaged, extract="none")
    assert result.text == "发布时间：住房城乡建设厅"


def test_clean_text_unchanged():
    for text in ("Plain English line.", "中文的句子，没有问题。", "Українська ВІКІ", "カタカナ"):
        assert fixenc.repair_text(text, extract="none").text == text


def test_declared_charset_and_legacy_pages():
    page = "<html><head><meta charset='gb2312'></head><body><p>你好，世界</p></body></html>"
    result = fixenc.repair_bytes(page.encode("gbk"), extract="text")
    assert result.encoding == "gb2312" and "你好，世界" in result.text


def test_seed_page_via_cli_matches_expected():
    out = run_cli(str(SAMPLES / "zh-gov-news-damaged.txt"))
    assert out.returncode == 0
    assert out.stdout.decode() == (SAMPLES / "zh-gov-news-damaged.expected.txt").read_text()


def test_explain_lists_layers():
    out = run_cli("--explain", str(SAMPLES / "zh-gov-news-damaged.txt"))
    kinds = out.stderr.decode()
    for kind in ("misaligned", "pinyin", "script", "width", "chrome"):
        assert kind in kinds


def test_json_format_and_stdin():
    out = run_cli("--format", "json", stdin="cafÃ©".encode())
    record = json.loads(out.stdout)
    assert record["text"].strip() == "café" and record["path"] == "-"


@pytest.mark.parametrize("make_path, message", [
    (lambda tmp: tmp / "missing.txt", "no such file"),
    (lambda tmp: tmp, "is a directory"),
])
def test_bad_paths_get_one_line_and_exit_2(tmp_path, make_path, message):
    good = tmp_path / "good.txt"
    good.write_text("fine text")
    out = run_cli(str(make_path(tmp_path)), str(good))
    assert out.returncode == 2
    assert message in out.stderr.decode() and "Traceback" not in out.stderr.decode()
    assert b"fine text" in out.stdout


def test_binary_file_is_not_text(tmp_path):
    image = tmp_path / "x.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    out = run_cli(str(image))
    assert out.returncode == 2 and "not text" in out.stderr.decode()


def test_empty_file_gives_empty_output(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = run_cli(str(empty))
    assert out.returncode == 0 and out.stdout == b""
