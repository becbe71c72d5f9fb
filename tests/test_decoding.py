"""Decoding: which evidence wins, and what each kind of page decodes to."""

from __future__ import annotations

import codecs

import pytest

from fixenc.decoding import declared_codecs, decode_bytes
from fixenc.errors import NotTextError

# The opening of a Czech news page of the chardet corpus (ISO-8859-2).
CZECH = ("Už týdny cloumá českou veřejností skandál s dětmi, odebranými české matce "
         "norskou sociálkou. Péče o děti ale není jedinou oblastí, kde se zákony v této "
         "skandinávské zemi vymkly z kloubů zdravého rozumu. Nyní Norové začali potírat "
         "i žebráky.")


def test_bom_wins_over_everything():
    data = codecs.BOM_UTF8 + "<meta charset='koi8-r'>café".encode()
    decoded = decode_bytes(data, "cp1251")
    assert decoded.text.endswith("café") and decoded.encoding == "utf-8-sig"


def test_valid_utf8_wins_over_a_wrong_declaration():
    data = "<meta charset='iso-8859-1'><p>naïve café</p>".encode()
    assert decode_bytes(data).text.endswith("naïve café</p>")


def test_declared_label_is_read_with_its_own_codec_first():
    data = b"<meta charset='gb2312'>" + "中文测试".encode("gb2312")
    assert decode_bytes(data).encoding == "gb2312"


def test_standard_code_pages_read_as_browsers_read_them():
    # Python's gb2312 maps A1A4 to U+30FB and A1AA to U+2015; browsers show U+00B7 and U+2014.
    data = b"<meta charset='gb2312'>" + "约翰·史密斯——测试".encode("gbk")
    assert decode_bytes(data).text.endswith("约翰·史密斯——测试")
    undeclared = ("新华社消息，约翰·史密斯今天说——这是测试。" * 3).encode("gbk")
    assert "约翰·史密斯" in decode_bytes(undeclared).text


def test_declared_label_falls_back_to_the_superset_browsers_use():
    data = b"<meta charset='gb2312'>" + "镕基".encode("gbk")  # 镕 is GBK only
    assert decode_bytes(data).text.endswith("镕基")


def test_iso_8859_1_means_windows_1252():
    assert declared_codecs("ISO-8859-1") == ("cp1252",)
    data = b"<meta charset='iso-8859-1'>" + "“quoted” – dash".encode("cp1252")
    assert decode_bytes(data).text.endswith("“quoted” – dash")


def test_caller_declared_charset_is_used_when_page_has_none():
    data = "Съешь же ещё этих мягких французских булок".encode("koi8-r")
    assert decode_bytes(data, "koi8-r").text == "Съешь же ещё этих мягких французских булок"


def test_iso_2022_jp_is_recognised_by_its_escapes():
    data = "コンソール アプリケーション".encode("iso2022_jp")
    decoded = decode_bytes(data)
    assert decoded.encoding == "iso2022_jp" and decoded.text == "コンソール アプリケーション"


def test_utf16_without_bom():
    text = "Plain text in UTF-16 without a byte-order mark, written by some old tool."
    assert decode_bytes(text.encode("utf-16-le")).text == text


def test_ascii_padded_with_nul_is_text_not_utf16():
    data = b"\x00" * 200 + b"hello" + b"\x00" * 200
    decoded = decode_bytes(data)
    assert decoded.text == data.decode("ascii")


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n" + bytes(100), b"%PDF-1.7\n%\xe2\xe3",
                                  b"\x1f\x8b\x08\x00" + bytes(50), b"\x00\x01\xfe\xff" * 40])
def test_binary_is_refused(data):
    with pytest.raises(NotTextError):
        decode_bytes(data)


def test_language_model_tells_latin_code_pages_apart():
    # charset-normalizer picks Windows-1250 for this ISO-8859-2 text; the
    # letters that differ (š ť ž as 0xB9 0xBB 0xBE) only read as Czech in 8859-2.
    from charset_normalizer import from_bytes

    data = CZECH.encode("iso8859-2")
    assert from_bytes(data).best().encoding == "cp1250"
    decoded = decode_bytes(data)
    assert decoded.text == CZECH, decoded.encoding


def test_one_pound_sign_is_not_enough_evidence_to_overrule_the_detector():
    data = "<p>if rangers draw i stand to lift £825. not bad for a £2 bet.</p>".encode("cp1252")
    assert "£825" in decode_bytes(data).text


def test_corpus_decodes_as_well_as_charset_normalizer(shared_data):
    """Every folder of the chardet corpus: at least charset-normalizer's count of exact decodes."""
    import sys

    from conftest import REPO

    sys.path.insert(0, str(REPO / "benchmarks"))
    from decoding import normalizer_text, same, truth

    ours = theirs = pages = 0
    for folder in sorted(p for p in (shared_data / "chardet-corpus").iterdir() if p.is_dir()):
        for path in sorted(folder.iterdir()):
            data = path.read_bytes()
            expected = truth(data, folder.name)
            if expected is None:
                continue
            pages += 1
            try:
                ours += same(decode_bytes(data).text, expected)
            except NotTextError:
                pass
            theirs += same(normalizer_text(data) or "", expected)
    assert ours >= 0.98 * pages and ours >= theirs
