"""The pre-commit hooks, run by the real `pre-commit try-repo` on a temporary repository.

pre-commit builds its own virtualenv and pip-installs fixenc from a git commit
(needs network to PyPI), so this is slow; it still runs in CI.  The hook repo
is a fresh one-commit copy of this checkout, so both runs share one built
environment and uncommitted work is what gets tested.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow

CLEAN = {
    "clean.txt": "Le café est prêt à Noël.\r\n中文的句子，没有问题。\r\nУкраїнська мова\r\n".encode(),
    "clean.html": ("<html><head><meta charset='gbk'><title>你好</title></head>"
                   "<body><p>你好，世界。发布时间</p></body></html>\n").encode("gbk"),
    "clean.jsonl": (json.dumps({"id": 1, "text": "café"}) + "\n"
                    + json.dumps({"text": "发布时间", "id": 2}, ensure_ascii=False) + "\n").encode(),
}
DAMAGED = {
    "damaged.txt": ("Le café est prêt à Noël.\n".encode().decode("cp1252") + "发布时间：住房城乡建设厅\n"
                    .encode().decode("gbk")).encode(),
    "damaged.html": ("<html><head><meta charset=\"utf-8\"><title>Le cafÃ©</title></head>"
                     "<body><p title=\"NoÃ«l\">Le cafÃ© est prÃªt Ã  NoÃ«l.</p></body></html>\n"
                     ).encode(),
    "damaged.jsonl": (json.dumps({"id": 1, "text": "café".encode().decode("cp1252")}) + "\n"
                      + json.dumps({"title": "发布时间".encode().decode("gbk"), "id": 2},
                                   ensure_ascii=False) + "\n").encode(),
}
REPAIRED = {
    "damaged.txt": "Le café est prêt à Noël.\n发布时间：住房城乡建设厅\n".encode(),
    "damaged.html": ("<html><head><meta charset=\"utf-8\"><title>Le café</title></head>"
                     "<body><p title=\"Noël\">Le café est prêt à Noël.</p></body></html>\n").encode(),
    "damaged.jsonl": (json.dumps({"id": 1, "text": "café"}) + "\n"
                      + json.dumps({"title": "发布时间", "id": 2}, ensure_ascii=False) + "\n").encode(),
}
HOOK_REPO_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src")


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    """This checkout's package files, committed once in a scratch repository."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in HOOK_REPO_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, repo / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hook repo")
    return repo


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """One pre-commit cache for the module, so the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(hook_repo: Path, project: Path, hook: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    env.pop("PYTHONPATH", None)  # the hook must run the installed package, not this checkout
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook,
                           "--all-files", "--color", "never"],
                          cwd=project, env=env, capture_output=True, text=True, check=False)


def make_project(root: Path) -> Path:
    project = root / "scraped"
    project.mkdir()
    for name, data in {**CLEAN, **DAMAGED}.items():
        (project / name).write_bytes(data)
    git(project, "init", "-q")
    git(project, "add", "-A")
    return project


def test_fixenc_hook_fixes_damaged_files_then_passes(hook_repo, home, tmp_path):
    project = make_project(tmp_path)

    first = try_repo(hook_repo, project, "fixenc", home)
    assert first.returncode == 1, first.stdout + first.stderr
    fixed = sorted(line.split()[1] for line in first.stdout.splitlines()
                   if line.startswith("Fixing "))
    assert fixed == sorted(DAMAGED)
    for name, data in REPAIRED.items():
        assert (project / name).read_bytes() == data
    for name, data in CLEAN.items():
        assert (project / name).read_bytes() == data

    second = try_repo(hook_repo, project, "fixenc", home)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Fixing" not in second.stdout


def test_fixenc_check_hook_writes_nothing(hook_repo, home, tmp_path):
    project = make_project(tmp_path)

    run = try_repo(hook_repo, project, "fixenc-check", home)
    assert run.returncode == 1, run.stdout + run.stderr
    assert sorted(line.split()[2] for line in run.stdout.splitlines()
                  if line.startswith("Would fix ")) == sorted(DAMAGED)
    for name, data in {**CLEAN, **DAMAGED}.items():
        assert (project / name).read_bytes() == data
