"""Each file is checked under the closest configuration above it, with the project root that comes
from it, never from the current directory: the same file gives the same findings from anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fapcheck.cli import app
from fapcheck.config import ConfigError, ConfigResolver

from conftest import run_fapcheck, write

runner = CliRunner()

# Namespace packages (no __init__.py): imports resolve only from the right project root.
SHOP = {
    "pyproject.toml": '[project]\nname = "shop"\n\n[tool.fapcheck]\nignore = ["FAP103"]\n\n'
    '[tool.fapcheck.layers]\nservice = ["core/**"]\n',
    "app/repositories/users.py": "class UserRepository: ...\n",
    "app/api/routes/users.py": "from app.repositories.users import UserRepository\n",
    "core/billing.py": "from fastapi import HTTPException\nfrom app.api.routes.users import UserRepository\n",
}


def findings(*args: str, cwd: Path) -> set[str]:
    result = run_fapcheck("--output-format", "concise", "--quiet", "--no-cache", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return set(result.stdout.splitlines())


def test_parent_directory_and_project_directory_agree(tmp_path: Path) -> None:
    write(tmp_path / "shop", SHOP)
    inside = findings(".", cwd=tmp_path / "shop")
    assert {line.split(" ")[1] for line in inside} == {"FAP101", "FAP102"}  # FAP103 is ignored by the project
    outside = findings("shop", cwd=tmp_path)
    assert outside == {f"shop/{line}" for line in inside}


def test_from_a_subdirectory_files_keep_their_layers(tmp_path: Path) -> None:
    write(tmp_path / "shop", SHOP)
    routes = tmp_path / "shop/app/api/routes"
    assert findings(".", cwd=routes) == {
        "users.py:1:36: FAP101 route module imports repository module 'app.repositories.users' "
        "(repository: preset: repositories/): call it through a service"
    }
    layers = runner.invoke(app, ["layers", str(routes), str(tmp_path / "shop/core")])
    assert layers.exit_code == 0, layers.output
    rows = layers.output.split("\n\n")[0].splitlines()[1:]
    assert [line.split()[1] for line in rows] == ["route", "service"]


def test_a_file_of_another_tree_is_resolved_in_its_own_project(tmp_path: Path) -> None:
    write(tmp_path / "shop", SHOP)
    write(tmp_path / "here", {"setup.py": "", "app/main.py": "import app\n"})
    other = tmp_path / "shop/app/api/routes/users.py"
    [line] = findings(str(other), cwd=tmp_path / "here")
    assert line.startswith(f"{other}:1:36: FAP101 ")


def test_without_configuration_the_root_is_the_nearest_project_marker(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[project]\n", "backend/setup.cfg": "", "backend/app/services/x.py": ""})
    write(tmp_path, {".git/HEAD": "", "lib/app/models/y.py": ""})
    resolver = ConfigResolver(fallback_root=tmp_path / "elsewhere")
    assert resolver.for_file(tmp_path / "backend/app/services/x.py").root == tmp_path / "backend"
    assert resolver.for_file(tmp_path / "lib/app/models/y.py").root == tmp_path
    assert ConfigResolver(fallback_root=tmp_path).for_directory(Path("/")).root == tmp_path


def test_fapcheck_toml_holds_the_keys_at_top_level_and_wins_over_pyproject(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.fapcheck]\nignore = ["FAP1"]\n',
            "a/fapcheck.toml": 'ignore = ["FAP2"]\n[layers]\nservice = ["core/**"]\n',
            "a/pyproject.toml": '[tool.fapcheck]\nignore = ["FAP3"]\n',
            "a/b/.fapcheck.toml": 'ignore = ["FAP4"]\n',
            "a/b/fapcheck.toml": 'ignore = ["FAP5"]\n',
        },
    )
    resolver = ConfigResolver()
    top, a, b = (resolver.for_directory(tmp_path / d) for d in (".", "a/c", "a/b"))
    assert (top.ignore, top.root) == (("FAP1",), tmp_path)
    assert (a.ignore, a.root, a.layers) == (("FAP2",), tmp_path / "a", (("service", ("core/**",)),))
    assert (b.ignore, b.source) == (("FAP4",), tmp_path / "a/b/.fapcheck.toml")
    write(tmp_path, {"a/fapcheck.toml": "extend_exclude = []\n"})
    with pytest.raises(ConfigError) as caught:
        ConfigResolver().for_directory(tmp_path / "a")
    assert caught.value.problems == (
        f"{tmp_path / 'a/fapcheck.toml'}: unknown key 'extend_exclude' (did you mean 'extend-exclude'?)",
    )


def test_config_option_given_a_file_without_settings_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n", "empty.toml": "", "app/x.py": ""})
    for name in ("pyproject.toml", "empty.toml"):
        result = run_fapcheck("--config", name, "app", cwd=tmp_path)
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr.startswith(f"error: {name}: holds no fapcheck settings")


def test_namespace_sub_packages_of_a_package_keep_its_module_names_from_the_repository_root(
    tmp_path: Path,
) -> None:
    # `backend/app/` is a regular package; its sub-directories have no __init__.py, and nothing in
    # `backend/` marks a project: run from the repository root, the source root is still `backend/`.
    write(
        tmp_path / "repo",
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "backend/app/__init__.py": "",
            "backend/app/repositories/users.py": "def get_user(): ...\n",
            "backend/app/api/routes/users.py": "from app.repositories.users import get_user\n",
        },
    )
    expected = (
        "FAP101 route module imports repository module 'app.repositories.users' "
        "(repository: preset: repositories/): call it through a service"
    )
    assert findings(".", cwd=tmp_path / "repo") == {f"backend/app/api/routes/users.py:1:36: {expected}"}
    assert findings(".", cwd=tmp_path / "repo" / "backend") == {f"app/api/routes/users.py:1:36: {expected}"}
