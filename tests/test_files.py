"""Discovery: which files a walk finds, with the default excludes, extend-exclude and .gitignore files."""

from __future__ import annotations

import os
from pathlib import Path

import pathspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fapcheck.config import Config, ConfigResolver
from fapcheck.engine.files import _IgnoreFile, discover

from conftest import write

GITIGNORE = [
    "# a comment",
    "",
    "*.log",
    "build/",
    "/top_only.py",
    "docs/**/gen_*.py",
    "generated/",
    "!generated/keep.py",
    "cache*",
    "!cached.py",
    "a/b/",
    "**/deep/x.py",
    "\\#hash.py",
    "[Tt]mp/",
    "*.py[co]",
]


def found(root: Path, *paths: str, config: Config | None = None) -> list[str]:
    discovery = discover(list(paths) or [str(root)], config or ConfigResolver(None, False))
    return [p.relative_to(root).as_posix() for p in discovery.files]


def test_default_excludes_are_directory_names_at_any_depth(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": "",
            "app/main.py": "",
            "app/build/x.py": "",
            "app/x.egg-info/y.py": "",
            "app/node_modules/z.py": "",
            "venv/lib.py": "",
            "app/venv.py": "",  # a file of that name is not a directory
            "app/dist_tools/ok.pyi": "",
            "app/notes.txt": "",
        },
    )
    assert found(tmp_path) == ["app/dist_tools/ok.pyi", "app/main.py", "app/venv.py"]
    # A walk that starts inside an excluded directory finds nothing there; a file named is always checked.
    assert found(tmp_path, str(tmp_path / "app/build")) == []
    assert found(tmp_path, str(tmp_path / "app/build/x.py")) == ["app/build/x.py"]


def test_gitignore_files_and_extend_exclude(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.fapcheck]\nextend-exclude = ["app/legacy/", "*_old.py"]\n',
            ".gitignore": "\n".join(GITIGNORE) + "\n",
            "top_only.py": "",
            "app/top_only.py": "",
            "app/generated/keep.py": "",
            "app/generated/drop.py": "",
            "app/cache_x.py": "",
            "app/cached.py": "",
            "app/legacy/l.py": "",
            "app/user_old.py": "",
            "app/deep/x.py": "",
            "app/Tmp/t.py": "",
            "docs/a/gen_b.py": "",
            "docs/a/keep.py": "",
            "sub/.gitignore": "inner.py\n",
            "sub/inner.py": "",
            "sub/outer.py": "",
            "inner.py": "",
            "vendored/.git/HEAD": "",
            "vendored/.gitignore": "skipped.py\n",
            "vendored/skipped.py": "",
            "vendored/kept.py": "",
            "refused/.gitignore": "x.py\n!\n",  # a pattern git refuses: the whole file is ignored
            "refused/x.py": "",
        },
    )
    assert found(tmp_path) == [
        "app/cached.py",
        "app/top_only.py",
        "docs/a/keep.py",
        "inner.py",
        "refused/x.py",
        "sub/outer.py",
        "vendored/kept.py",
    ]
    # A walk below the root still honours the .gitignore files above it, up to the root.
    assert found(tmp_path, str(tmp_path / "app")) == ["app/cached.py", "app/top_only.py"]
    config = Config(root=tmp_path, respect_gitignore=False)
    assert "app/generated/drop.py" in found(tmp_path, config=config)


def test_files_are_sorted_as_paths_sort_by_their_parts(tmp_path: Path) -> None:
    names = ["a/b.py", "a-b/c.py", "a.py", "a b/d.py", "a/b/e.py", "a/b0.py", "Z.py", "é/f.py"]
    write(tmp_path, {"pyproject.toml": "", **dict.fromkeys(names, "")})
    discovery = discover([str(tmp_path / "a.py"), str(tmp_path)], ConfigResolver(None, False))
    assert discovery.files == sorted(tmp_path / name for name in names)  # "a/b.py" before "a-b/c.py"
    assert list(discovery.configs) == discovery.files


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and symbolic links")
def test_links_and_special_files(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "", "real/a.py": ""})
    (tmp_path / "linked").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "broken.py").symlink_to(tmp_path / "missing.py")
    (tmp_path / "link.py").symlink_to(tmp_path / "real/a.py")
    os.mkfifo(tmp_path / "pipe.py")
    assert found(tmp_path) == ["broken.py", "link.py", "real/a.py"]


PATH_PARTS = st.sampled_from(
    [
        *("a", "b", "build", "generated", "keep.py", "x.py", "deep", "docs", "gen_1.py", "cache1", "cached.py"),
        *("#hash.py", "Tmp", "tmp", "x.pyc", "top_only.py", "app.log", "é", "x\ny"),
    ]
)


@given(st.lists(PATH_PARTS, min_size=1, max_size=5), st.booleans())
def test_one_expression_for_all_patterns_answers_as_pathspec(parts: list[str], is_dir: bool) -> None:
    ignore = _IgnoreFile(GITIGNORE)
    path = "/".join(parts) + ("/" if is_dir else "")
    assert ignore.match(path) == pathspec.GitIgnoreSpec.from_lines(GITIGNORE).match_file(path)
