"""In-place repair keeps each file's format: text stays text, HTML keeps markup, JSONL keeps bytes."""

from __future__ import annotations

import json

import pytest
from clitools import CHINESE, FRENCH, cp1252_mojibake, gbk_mojibake, jsonl, run

from fixenc.errors import FixencError
from fixenc.formats import declare_utf8, detect_format, repair_jsonl, repair_keeping_format

CAFE = cp1252_mojibake("café")


def html_repair(page: str, name: str = "page.html") -> str:
    return repair_keeping_format(page.encode(), name).data.decode("utf-8")


def test_text_file_keeps_line_endings_and_byte_order_mark():
    damaged = "\ufeff" + cp1252_mojibake(FRENCH) + "\r\n" + gbk_mojibake(CHINESE) + "\r\n"
    kept = repair_keeping_format(damaged.encode(), "notes.txt")
    assert kept.changed and kept.format == "text"
    assert kept.data == ("\ufeff" + FRENCH + "\r\n" + CHINESE + "\r\n").encode()


def test_text_file_layout_is_not_normalised():
    damaged = f"  {CAFE}   \n\n\n\n   indented\tline  \n"
    kept = repair_keeping_format(damaged.encode(), "notes.txt")
    assert kept.data.decode() == "  café   \n\n\n\n   indented\tline  \n"


@pytest.mark.parametrize("text, codec", [
    ("你好，世界。发布时间：二〇二四年", "gbk"), ("Привет, мир! Как дела?", "cp1251"),
    ("Le café est prêt à Noël.", "cp1252"), ("カタカナとひらがな", "shift_jis"),
])
def test_clean_file_in_a_legacy_encoding_is_left_byte_identical(text, codec):
    data = (text + "\n").encode(codec)
    kept = repair_keeping_format(data, "page.txt")
    assert not kept.changed and kept.data == data


def test_html_repairs_text_only_and_keeps_names_and_links():
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{CAFE}</title>"
            f"<style>p::after {{ content: '{CAFE}' }}</style>"
            f"<script>var label = \"{CAFE}\";</script></head>"
            f"<body><!-- {CAFE} --><p class=\"{CAFE}\" title='{CAFE}' data-x={CAFE}>"
            f"<a href=\"/{CAFE}.html\"><img alt=\"{CAFE}\" src=\"{CAFE}.png\">{CAFE} au lait</a>"
            f"</p></body></html>")
    out = html_repair(page)
    assert out == (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>café</title>"
                   f"<style>p::after {{ content: 'café' }}</style>"
                   f"<script>var label = \"café\";</script></head>"
                   f"<body><!-- café --><p class=\"{CAFE}\" title='café' data-x=café>"
                   f"<a href=\"/{CAFE}.html\"><img alt=\"café\" src=\"{CAFE}.png\">café au lait</a>"
                   f"</p></body></html>")


def test_html_declaration_that_says_utf8_already_is_kept_as_written():
    page = f'<html><head><meta charset="UTF-8"><title>{CAFE}</title></head><body></body></html>'
    assert html_repair(page) == page.replace(CAFE, "café")


@pytest.mark.parametrize("declaration, updated", [
    ('<meta charset="gbk">', '<meta charset="utf-8">'),
    ("<meta charset=windows-1252>", "<meta charset=utf-8>"),
    ('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
     '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'),
])
def test_html_charset_declaration_says_utf8_after_repair(declaration, updated):
    page = f"<html><head>{declaration}<title>{CAFE}</title></head><body><p>{CAFE}</p></body></html>"
    out = html_repair(page)
    assert updated in out and "café" in out and out.count("charset") == 1


def test_xml_declaration_is_updated():
    page = (f'<?xml version="1.0" encoding="ISO-8859-1"?>\n<html><head><title>{CAFE}</title>'
            f"</head><body><p>{CAFE}</p></body></html>")
    assert html_repair(page, "page.xhtml").startswith('<?xml version="1.0" encoding="utf-8"?>')


def test_html_without_declaration_stays_without_when_it_was_utf8_already():
    page = f"<html><head><title>{CAFE}</title></head><body><p>{CAFE}</p></body></html>"
    assert html_repair(page) == page.replace(CAFE, "café")


def test_html_read_in_another_encoding_gets_a_declaration():
    page = "<html><head><title>café</title></head><body></body></html>"
    assert declare_utf8(page).startswith('<html><head><meta charset="utf-8"><title>')
    assert declare_utf8(page, insert=False) == page


def test_clean_html_in_gbk_is_left_byte_identical():
    data = ("<html><head><meta charset='gbk'><title>你好</title></head>"
            "<body><p>你好，世界。</p></body></html>").encode("gbk")
    kept = repair_keeping_format(data, "page.html")
    assert not kept.changed and kept.data == data and kept.encoding in ("gbk", "gb18030")


def test_html_is_recognised_by_content_when_the_name_says_nothing():
    page = f"<html><head><title>{CAFE}</title></head><body><p>x</p></body></html>"
    assert detect_format("page", page) == "html" and detect_format("page.txt", "plain") == "text"
    assert html_repair(page, "page") == page.replace(CAFE, "café")


def test_jsonl_keeps_keys_order_style_and_untouched_lines():
    lines = [
        '{"z": 1, "text": "' + CAFE + '", "a": {"nested": ["' + CAFE + '", 2]}}\n',
        '{"text":"\\u00c3\\u00a9t\\u00c3\\u00a9", "' + CAFE + '": "key stays"}\n',
        '{ "odd" :  "spacing kept" , "n": null }\r\n',
        "\n",
        '{"title": "' + gbk_mojibake(CHINESE) + '"}',
    ]
    kept = repair_jsonl("".join(lines).encode())
    out = kept.data.decode().split("\n")
    assert out[0] == '{"z": 1, "text": "café", "a": {"nested": ["café", 2]}}'
    assert out[1] == '{"text":"\\u00e9t\\u00e9", "' + CAFE + '": "key stays"}'
    assert out[2:4] == ['{ "odd" :  "spacing kept" , "n": null }\r', ""]
    assert out[4] == '{"title": "' + CHINESE + '"}'
    assert any("line 5, field 'title'" in fix.detail for fix in kept.fixes)


def test_jsonl_fields_limit_the_repair_to_those_keys():
    data = jsonl({"text": CAFE, "title": CAFE, "meta": {"text": CAFE}}).encode()
    out = json.loads(repair_jsonl(data, fields=("text",)).data)
    assert out == {"text": "café", "title": CAFE, "meta": {"text": CAFE}}


def test_jsonl_field_option_from_the_command_line(tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(jsonl({"url": "x", "text": CAFE}, {"url": "y", "title": CAFE}))
    result = run("--in-place", "--field", "text", str(rows))
    assert result.exit_code == 0
    assert rows.read_text() == jsonl({"url": "x", "text": "café"}, {"url": "y", "title": CAFE})


def test_jsonl_that_is_not_utf8_is_refused():
    with pytest.raises(FixencError, match="not UTF-8 JSON Lines"):
        repair_jsonl(b'{"text": "caf\xe9"}\n')


def test_clean_jsonl_is_left_byte_identical():
    data = (jsonl({"text": "café 中文"}, ascii_only=True) + jsonl({"text": "Привет"})).encode()
    kept = repair_jsonl(data)
    assert not kept.changed and kept.data == data


def test_repair_on_a_guessed_encoding_is_not_made(monkeypatch):
    """Two guesses in a row (detector, then repair) could corrupt the only copy: say so instead."""
    from fixenc import formats
    from fixenc.decoding import Decoded
    from fixenc.result import Fix

    guessed = Decoded(CAFE, "hp_roman8",
                      (Fix("decode", detail=f"hp_roman8: {formats.GUESSED_ENCODING}"),))
    monkeypatch.setattr(formats, "decode_bytes", lambda data, charset=None: guessed)
    kept = repair_keeping_format(b"raw bytes", "page.txt")
    assert not kept.changed and kept.data == b"raw bytes"
    assert kept.note == "encoding only guessed (hp_roman8); left as is, pass --charset to repair"


def test_legacy_corpus_file_misdetected_by_the_detector_is_left_alone(shared_data, tmp_path):
    source = shared_data / "chardet-corpus" / "iso-8859-1" / "_ude_6.txt"
    if not source.exists():
        pytest.skip(f"{source} not in this copy of the shared data")
    target = tmp_path / source.name
    target.write_bytes(source.read_bytes())
    result = run("--in-place", "-v", str(target))
    assert result.exit_code == 0 and target.read_bytes() == source.read_bytes()
    assert result.stderr.splitlines()[-1] in ("0 repaired, 1 unchanged",
                                              "0 repaired, 0 unchanged, 1 skipped (encoding only guessed)")


def test_a_repair_that_guessed_lost_bytes_is_counted_as_a_repair():
    # UTF-8 read as cp1252 by a decoder that lost с's 81: the fix is of kind mojibake-lossy,
    # and the summary and the JSONL count must say the text was repaired.
    lossy = "Ð ÑƒÑ\ufffdÑ\ufffdÐºÐ¸Ð¹ Ñ\ufffdÐ·Ñ‹Ðº\n".encode()
    result = run("--explain", "-", input=lossy)
    assert result.stdout == "Русский язык\n"
    assert result.stderr.splitlines()[-1] == "1 repaired, 0 unchanged"
    records = run("--input-format", "jsonl", "--field", "text", "-",
                  input=json.dumps({"text": lossy.decode()}).encode() + b"\n")
    assert json.loads(records.stdout)["text"] == "Русский язык\n"
    assert records.stderr.splitlines()[-1].startswith("1 repaired")
