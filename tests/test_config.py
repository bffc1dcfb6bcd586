from __future__ import annotations

from pathlib import Path

import pytest

from fapcheck.config import Config, ConfigError, load_config

from conftest import write


def load(root: Path, table: str) -> Config:
    write(root, {"pyproject.toml": table})
    return load_config(cwd=root)


def problems(root: Path, table: str) -> tuple[str, ...]:
    with pytest.raises(ConfigError) as caught:
        load(root, table)
    return caught.value.problems


def test_every_documented_key_is_accepted(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """
[tool.fapcheck]
select = ["FAP"]
ignore = ["FAP103"]
extend-select = ["FAP1"]
extend-exclude = ["migrations/"]
respect-gitignore = false
per-file-ignores = { "tests/**" = ["FAP1"] }

[tool.fapcheck.layers]
route = ["app/api/**"]
service = ["app/services/**", "**/*_service.py"]
extend-model = ["app/tables/**"]

[tool.fapcheck.blocking]
extend-calls = ["mylib.http.fetch_sync"]
allow-calls = []
check-tests-and-scripts = true

[tool.fapcheck.depends]
allow-own-session = ["export_*"]
""",
    )
    assert config.root == tmp_path
    assert config.ignore == ("FAP103",)
    assert config.respect_gitignore is False
    assert dict(config.layers) == {"route": ("app/api/**",), "service": ("app/services/**", "**/*_service.py")}
    assert dict(config.extend_layers) == {"model": ("app/tables/**",)}
    assert config.per_file_ignores == (("tests/**", ("FAP1",)),)
    assert config.extend_calls == ("mylib.http.fetch_sync",)
    assert config.check_tests_and_scripts is True
    assert config.allow_own_session == ("export_*",)
    assert not config.is_enabled("FAP103")
    assert config.is_enabled("FAP101")


def test_unknown_key_names_file_key_and_suggestion(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, "[tool.fapcheck]\nextend_exclude = []\n")
    assert message == (
        f"{tmp_path / 'pyproject.toml'}: [tool.fapcheck]: unknown key 'extend_exclude' (did you mean 'extend-exclude'?)"
    )


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        '[tool.fapcheck]\nselct = ["FAP"]\nrespect-gitignore = "yes"\n[tool.fapcheck.layers]\nroutes = []\n',
    )
    assert len(found) == 3
    assert "unknown key 'selct' (did you mean 'select'?)" in found[0]
    assert "'respect-gitignore' must be true or false, got str" in found[1]
    assert "[tool.fapcheck.layers]: unknown key 'routes' (did you mean 'route'?)" in found[2]


def test_unknown_rule_codes_are_refused(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, '[tool.fapcheck]\nselect = ["FAP1O1"]\n')
    assert "'select': unknown rule code or prefix 'FAP1O1' (did you mean 'FAP101'?)" in message


def test_invalid_pattern_is_refused(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, '[tool.fapcheck]\nextend-exclude = ["!"]\n')
    assert "'extend-exclude' has an invalid pattern '!'" in message


def test_invalid_toml(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, "[tool.fapcheck\n")
    assert message.startswith(f"{tmp_path / 'pyproject.toml'}: not valid TOML:")


def test_nearest_pyproject_with_a_table_wins(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.fapcheck]\nignore = ["FAP1"]\n', "sub/pyproject.toml": "[project]\n"})
    config = load_config(cwd=tmp_path / "sub")
    assert config.source == tmp_path / "pyproject.toml"


def test_isolated_ignores_configuration(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[tool.fapcheck\n"})
    assert load_config(isolated=True, cwd=tmp_path).source is None


@pytest.mark.parametrize(
    ("select", "ignore", "code", "enabled"),
    [
        (("FAP",), (), "FAP101", True),
        (("FAP1",), (), "FAP001", False),
        (("FAP",), ("FAP1",), "FAP101", False),
        (("FAP",), ("FAP1",), "FAP001", True),
        (("FAP101",), ("FAP1",), "FAP101", True),  # the more specific selector wins
        (("FAP1",), ("FAP1",), "FAP101", False),  # on a tie, ignore wins
        (("ALL",), (), "FAP103", True),
        # FAP407 is off by default: its own code or ALL select it, a prefix does not
        (("FAP",), (), "FAP407", False),
        (("FAP4",), (), "FAP407", False),
        (("FAP407",), (), "FAP407", True),
        (("ALL",), (), "FAP407", True),
        (("FAP407",), ("FAP4",), "FAP407", True),
        (("ALL",), ("FAP407",), "FAP407", False),
    ],
)
def test_selection(select: tuple[str, ...], ignore: tuple[str, ...], code: str, enabled: bool) -> None:
    assert Config(select=select, ignore=ignore).is_enabled(code) is enabled


def test_command_line_select_replaces_configured_selection() -> None:
    config = Config(select=("FAP1",), ignore=("FAP101",)).with_overrides(select=["FAP101"])
    assert config.enabled_codes == {"FAP101"}


def test_command_line_unknown_code() -> None:
    with pytest.raises(ConfigError) as caught:
        Config().with_overrides(ignore=["FAP999"])
    assert caught.value.problems == ("--ignore: unknown rule code or prefix 'FAP999'",)


def test_extend_select_turns_on_a_rule_that_is_off_by_default(tmp_path: Path) -> None:
    config = load(tmp_path, '[tool.fapcheck]\nextend-select = ["FAP407"]\n')
    assert "FAP407" in config.enabled_codes
    assert "FAP407" not in Config().enabled_codes
    assert "FAP407" in Config().with_overrides(extend_select=["FAP407"]).enabled_codes
