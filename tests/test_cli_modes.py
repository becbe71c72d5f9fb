"""The CLI's modes as a user meets them: in place, check, diff, output folder, reports, exit codes."""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import stat
import subprocess
import sys

import pytest
from clitools import (
    CLEAN_TEXT,
    DAMAGED_TEXT,
    FRENCH,
    REPAIRED_TEXT,
    make_tree,
    run,
)

from fixenc import cli, files

DAMAGED = ["damaged.txt", "sub/damaged.html", "sub/damaged.jsonl"]


def test_in_place_repairs_damaged_files_and_leaves_clean_ones_byte_identical(tmp_path):
    clean = make_tree(tmp_path)
    result = run("--in-place", str(tmp_path))
    assert result.exit_code == 0
    assert sorted(result.stdout.splitlines()) == sorted(f"Fixing {tmp_path / n}" for n in DAMAGED)
    assert (tmp_path / "damaged.txt").read_text() == REPAIRED_TEXT
    assert f"<p title=\"Noël\">{FRENCH}</p>" in (tmp_path / "sub/damaged.html").read_text()
    assert json.loads((tmp_path / "sub/damaged.jsonl").read_text()) == {"id": 1, "text": FRENCH}
    for name, data in clean.items():
        assert (tmp_path / name).read_bytes() == data
    assert result.stderr.strip().endswith("3 repaired, 3 unchanged")


def test_exit_non_zero_on_fix_fails_only_when_something_was_fixed(tmp_path):
    make_tree(tmp_path)
    assert run("--in-place", "--exit-non-zero-on-fix", str(tmp_path)).exit_code == 1
    again = run("--in-place", "--exit-non-zero-on-fix", str(tmp_path))
    assert again.exit_code == 0 and again.stdout == ""


def test_check_lists_what_would_change_and_writes_nothing(tmp_path):
    make_tree(tmp_path)
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    result = run("--check", str(tmp_path))
    assert result.exit_code == 1
    assert sorted(result.stdout.splitlines()) == sorted(f"Would fix {tmp_path / n}"
                                                        for n in DAMAGED)
    assert "3 would be repaired, 3 unchanged" in result.stderr
    assert {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()} == before


def test_check_on_clean_files_exits_0(tmp_path):
    (tmp_path / "clean.txt").write_text(CLEAN_TEXT)
    result = run("--check", str(tmp_path / "clean.txt"))
    assert result.exit_code == 0 and result.stdout == ""


def test_diff_is_a_patch_that_makes_the_repair(tmp_path, monkeypatch):
    make_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run("--diff", "damaged.txt", "sub")
    assert result.exit_code == 1
    removed = "".join(f"-{line}\n" for line in DAMAGED_TEXT.splitlines())
    added = "".join(f"+{line}\n" for line in REPAIRED_TEXT.splitlines())
    assert removed + added in result.stdout
    assert result.stdout.startswith("--- a/damaged.txt\n+++ b/damaged.txt\n")
    assert (tmp_path / "damaged.txt").read_text() == DAMAGED_TEXT
    if shutil.which("patch"):
        subprocess.run(["patch", "-s", "-p1"], input=result.stdout.encode(), check=True)
        assert (tmp_path / "damaged.txt").read_text() == REPAIRED_TEXT
        assert run("--check", ".").exit_code == 0


def test_output_dir_mirrors_the_tree_with_one_text_file_per_input(tmp_path):
    source = tmp_path / "pages"
    make_tree(source)
    out = tmp_path / "out"
    result = run("--output-dir", str(out), str(source))
    assert result.exit_code == 0 and result.stdout == ""
    written = sorted(str(path.relative_to(out)) for path in out.rglob("*") if path.is_file())
    assert written == ["clean.txt", "damaged.txt", "sub/clean.html.txt", "sub/clean.jsonl.txt",
                       "sub/damaged.html.txt", "sub/damaged.jsonl.txt"]
    assert FRENCH in (out / "sub" / "damaged.html.txt").read_text()
    assert (out / "damaged.txt").read_text().strip() == REPAIRED_TEXT.strip()


def test_output_dir_reports_name_collisions_instead_of_overwriting(tmp_path):
    (tmp_path / "page.html").write_text("<html><body><p>one</p></body></html>")
    (tmp_path / "page.html.txt").write_text("two")
    result = run("--output-dir", str(tmp_path / "out"), str(tmp_path))
    assert result.exit_code == 2 and "would overwrite the output of" in result.stderr
    assert (tmp_path / "out" / "page.html.txt").read_text().strip() == "one"


def test_in_place_on_stdin_writes_the_repaired_file_to_stdout():
    html = "<html><head><meta charset='utf-8'></head><body><p>cafÃ©</p></body></html>"
    result = run("--in-place", "-", input=html.encode())
    assert result.exit_code == 0
    assert result.stdout == html.replace("cafÃ©", "café")


def test_default_mode_still_prints_clean_text_for_stdin():
    result = run(input=DAMAGED_TEXT.encode())
    assert result.exit_code == 0 and result.stdout.strip() == REPAIRED_TEXT.strip()


def test_plain_text_to_stdout_refuses_a_folder_but_json_walks_it(tmp_path):
    make_tree(tmp_path)
    refused = run(str(tmp_path))
    assert refused.exit_code == 2 and "is a directory" in refused.stderr
    walked = run("--format", "json", str(tmp_path))
    paths = [json.loads(line)["path"] for line in walked.stdout.splitlines()]
    assert walked.exit_code == 0 and len(paths) == 6 and paths == sorted(paths)


def test_summary_quiet_and_verbose(tmp_path):
    make_tree(tmp_path)
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    verbose = run("--check", "-v", str(tmp_path))
    lines = verbose.stderr.splitlines()
    assert lines[-1] == "3 would be repaired, 3 unchanged, 1 skipped (binary)"
    assert len(lines) == 8
    assert any(line.startswith("repaired") and "damaged.txt" in line and "mojibake" in line
               for line in lines)
    assert any(line.startswith("skipped") and "image.png (binary)" in line for line in lines)
    quiet = run("--check", "-q", str(tmp_path))
    assert quiet.stderr == "" and quiet.exit_code == 1


def test_report_has_one_json_object_per_input(tmp_path):
    make_tree(tmp_path)
    (tmp_path / "image.gz").write_bytes(b"\x1f\x8b\x08\x00" + bytes(50))
    report = tmp_path.parent / f"{tmp_path.name}-report.jsonl"
    result = run("--in-place", "--report", str(report), str(tmp_path), str(tmp_path / "gone.txt"))
    assert result.exit_code == 2
    records = [json.loads(line) for line in report.read_text().splitlines()]
    statuses = {os.path.relpath(r["path"], tmp_path): r["status"] for r in records}
    assert statuses == {"clean.txt": "unchanged", "damaged.txt": "repaired",
                        "image.gz": "skipped", "sub/clean.html": "unchanged",
                        "sub/clean.jsonl": "unchanged", "sub/damaged.html": "repaired",
                        "sub/damaged.jsonl": "repaired", "gone.txt": "failed"}
    by_name = {os.path.basename(r["path"]): r for r in records}
    assert by_name["gone.txt"]["error"] == "no such file"
    assert by_name["damaged.txt"]["encoding"] == "utf-8"
    assert any(fix["kind"] == "mojibake" for fix in by_name["damaged.txt"]["fixes"])
    assert by_name["clean.html"]["encoding"] in ("gbk", "gb18030")


def test_in_place_keeps_the_file_mode(tmp_path):
    target = tmp_path / "page.txt"
    target.write_text(DAMAGED_TEXT)
    target.chmod(0o640)
    run("--in-place", str(target))
    assert target.read_text() == REPAIRED_TEXT
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_failed_write_leaves_the_original_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "page.txt"
    target.write_text(DAMAGED_TEXT)
    other = tmp_path / "other.txt"
    other.write_text(CLEAN_TEXT)

    def disk_full(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", disk_full)
    result = run("--in-place", str(target), str(other))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"fixenc: {target}: No space left on device"
    assert target.read_text() == DAMAGED_TEXT
    assert sorted(path.name for path in tmp_path.iterdir()) == ["other.txt", "page.txt"]


def test_in_place_through_a_named_symlink_keeps_the_link(tmp_path):
    target = tmp_path / "page.txt"
    target.write_text(DAMAGED_TEXT)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    run("--in-place", str(link))
    assert link.is_symlink() and target.read_text() == REPAIRED_TEXT


@pytest.mark.parametrize("args", [
    ["--in-place", "--check"], ["--check", "--diff"], ["--in-place", "--output-dir", "x"],
    ["--exit-non-zero-on-fix"], ["--max-size", "lots"],
])
def test_usage_errors_exit_2(args):
    result = run(*args, "-", input=b"")
    assert result.exit_code == 2 and "Error" in result.stderr


def test_help_documents_modes_and_exit_codes():
    text = run("--help").stdout
    for words in ("--in-place", "--check", "--diff", "--exit-non-zero-on-fix", "--output-dir",
                  "--include", "--exclude", "--report", "--quiet", "--verbose", "--max-size",
                  "--field", "Exit codes:", "64M"):
        assert words in text


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_for_many_inputs(monkeypatch):
    outcomes = [files.Outcome(str(n), "unchanged") for n in range(cli.PROGRESS_MIN_INPUTS)]
    for stream, total, quiet, shown in ((_Terminal(), len(outcomes), False, True),
                                         (io.StringIO(), len(outcomes), False, False),
                                         (_Terminal(), len(outcomes), True, False),
                                         (_Terminal(), 3, False, False)):
        monkeypatch.setattr(sys, "stderr", stream)
        assert list(cli._progress(iter(outcomes), total, quiet)) == outcomes
        assert ("file" in stream.getvalue()) is shown


def test_a_user_repairs_a_folder_from_the_shell(tmp_path):
    make_tree(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(files.__file__).rsplit("/fixenc/", 1)[0]}
    out = subprocess.run([sys.executable, "-m", "fixenc", "--in-place", "--exit-non-zero-on-fix",
                          "."], cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert out.returncode == 1
    assert sorted(out.stdout.splitlines()) == sorted(f"Fixing {name}" for name in DAMAGED)
    assert out.stderr == "3 repaired, 3 unchanged\n"


def test_one_input_is_a_picklable_task_and_outcome(tmp_path):
    """What a process pool needs: top-level function, settings, task and outcome all pickle."""
    page = tmp_path / "page.txt"
    page.write_text(DAMAGED_TEXT)
    settings = files.Settings(mode="check", fields=("text",))
    task = files.collect_tasks([str(page)])[0]
    outcome = pickle.loads(pickle.dumps(files.process))(*pickle.loads(pickle.dumps((task,
                                                                                    settings))))
    assert pickle.loads(pickle.dumps(outcome)) == outcome
    assert outcome.status == "repaired" and outcome.changed and not outcome.written


def test_report_lines_survive_splitlines_even_with_unicode_line_separators(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(DAMAGED_TEXT + "a\u2028b\u2029c\n")
    report = tmp_path.parent / f"{tmp_path.name}.report"
    run("--check", "--report", str(report), str(page))
    assert len(report.read_text(encoding="utf-8").splitlines()) == 1
    json_out = run("--format", "json", str(page)).stdout
    assert json.loads(json_out.splitlines()[0])["text"].rstrip().endswith("a\u2028b\u2029c")


def test_sentence_models_flag_names_languages_and_is_passed_to_the_repair(monkeypatch):
    """--sentence-models takes ko, ja, all (comma-separated); anything else is a usage error; the
    value reaches the repair (this process and its workers) through $FIXENC_SENTENCE_MODELS."""
    from fixenc import wholepage
    from fixenc.options import SENTENCE_MODELS_ENV

    monkeypatch.delenv(SENTENCE_MODELS_ENV, raising=False)
    result = run("--sentence-models", "ko,xx", "-", input=b"text")
    assert result.exit_code == 2 and "unknown language xx" in result.stderr
    result = run("--sentence-models", "JA, ko", "-", input=b"text")
    assert result.exit_code == 0 and result.stdout.strip() == "text"
    assert wholepage.sentence_languages() == {"ja", "ko"}
    monkeypatch.delenv(SENTENCE_MODELS_ENV)
    run("-", input=b"text")  # neither the flag nor the variable: off
    assert wholepage.sentence_languages() == set()
    monkeypatch.setenv(SENTENCE_MODELS_ENV, "all")
    run("-", input=b"text")  # the variable alone
    assert wholepage.sentence_languages() == {"ja", "ko"}
