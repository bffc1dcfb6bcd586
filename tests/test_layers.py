from __future__ import annotations

from pathlib import Path

import pytest

from fapcheck.layers import LayerMap

from conftest import write

PRESET = LayerMap(Path("/project"))


@pytest.mark.parametrize(
    ("path", "layer"),
    [
        # full-stack style
        ("backend/app/api/routes/users.py", "route"),
        ("backend/app/api/routes/__init__.py", "route"),
        ("backend/app/api/deps.py", "dependency"),
        ("backend/app/api/main.py", "route"),
        ("backend/app/crud.py", "repository"),
        ("backend/app/models.py", "model"),
        ("backend/app/core/db.py", "unmapped"),
        ("backend/app/main.py", "unmapped"),
        # per-module style
        ("src/orders/service.py", "service"),
        ("src/orders/endpoints.py", "route"),
        ("src/orders/views.py", "route"),
        ("src/orders/router.py", "route"),
        ("src/orders/schemas.py", "schema"),
        ("src/orders/models.py", "model"),
        ("src/orders/dependencies.py", "dependency"),
        ("src/orders/constants.py", "unmapped"),
        # directory style
        ("app/services/billing.py", "service"),
        ("app/repositories/billing.py", "repository"),
        ("app/repos/billing.py", "repository"),
        ("app/dao/billing.py", "repository"),
        ("app/schemas/billing.py", "schema"),
        ("app/dto/billing.py", "schema"),
        ("app/entities/billing.py", "model"),
        ("app/use_cases/pay.py", "service"),
        ("app/controllers/billing.py", "route"),
        # file-name words, innermost wins; inside a layer directory a file name's last word does not move it
        ("app/services/user_repo.py", "service"),
        ("app/api/user_service.py", "route"),
        ("app/crud_user.py", "repository"),
        ("app/use_cases.py", "service"),
        ("app/api/v1/endpoints/items.py", "route"),
        # hexagonal style
        ("app/user/adapter/input/api/v1/user.py", "route"),
        ("app/user/adapter/output/persistence/sqlalchemy/user.py", "repository"),
        ("app/user/domain/usecase/user.py", "service"),
        # a file name's first word counts only outside layer directories
        ("mealie/db/models/recipe/api_extras.py", "model"),
        ("app/api_client.py", "route"),
        # a file name that agrees with its directory keeps the directory's layer
        ("app/routes/groups/controller_group_self_service.py", "route"),
        ("app/routes/users/crud.py", "repository"),
        # tests and migrations are not layers
        ("backend/tests/api/routes/test_login.py", "unmapped"),
        ("app/services/tests/helpers.py", "unmapped"),
        ("tests/routes/helpers.py", "unmapped"),
        ("app/routes/test_users.py", "unmapped"),
        ("app/routes/conftest.py", "unmapped"),
        ("backend/app/alembic/versions/e2412789c190_initialize_models.py", "unmapped"),
        ("migrations/versions/0001_models.py", "unmapped"),
        ("app/scripts/install_model.py", "unmapped"),
        # words inside other words do not count
        ("app/servicesx/a.py", "unmapped"),
        ("app/modelling.py", "unmapped"),
    ],
)
def test_preset(path: str, layer: str) -> None:
    assert PRESET.layer_for_relative(path).layer == layer


def test_decision_names_the_pattern() -> None:
    assert PRESET.layer_for_relative("app/services/billing.py").pattern == "preset: services/"
    assert PRESET.layer_for_relative("app/user_service.py").pattern == "preset: file name 'service'"
    assert PRESET.layer_for_relative("app/main.py").pattern == ""
    assert PRESET.layer_for_relative("tests/routes/x.py").pattern == "preset: tests/ (not a layer)"


def test_user_patterns_replace_the_preset_for_their_layer() -> None:
    layers = LayerMap(Path("/p"), replace={"service": ["app/domain/**"]})
    assert layers.layer_for_relative("app/domain/billing.py").layer == "service"
    assert layers.layer_for_relative("app/domain/billing.py").pattern == "app/domain/**"
    # the preset for services is replaced ...
    assert layers.layer_for_relative("app/services/billing.py").layer == "unmapped"
    # ... but the other layers keep theirs
    assert layers.layer_for_relative("app/repositories/billing.py").layer == "repository"


def test_extend_patterns_keep_the_preset() -> None:
    layers = LayerMap(Path("/p"), extend={"service": ["app/domain/**"]})
    assert layers.layer_for_relative("app/domain/billing.py").layer == "service"
    assert layers.layer_for_relative("app/services/billing.py").layer == "service"


def test_longest_user_pattern_wins() -> None:
    layers = LayerMap(Path("/p"), replace={"route": ["app/**"], "schema": ["app/api/schemas/**"]})
    assert layers.layer_for_relative("app/api/schemas/user.py").layer == "schema"
    assert layers.layer_for_relative("app/api/user.py").layer == "route"


def test_paths_are_relative_to_the_root(tmp_path: Path) -> None:
    # a project that lives under a directory called "api" is not all routes
    root = tmp_path / "api" / "project"
    layers = LayerMap(root)
    assert layers.layer_for(root / "app" / "core.py").layer == "unmapped"
    assert layers.layer_for(root / "app" / "services" / "x.py").layer == "service"


# Layouts whose layers depend on what the directories hold: path -> layer, every file written empty.
LAYOUT_CASES: dict[str, dict[str, str]] = {
    # a directory that holds layer directories of another layer is a container, not a layer
    "top-level api/ package": {
        "api/__init__.py": "unmapped",
        "api/main.py": "unmapped",
        "api/v1/routes/items.py": "route",
        "api/v1/services/items.py": "service",
        "api/db/database.py": "unmapped",
        "api/core/config.py": "unmapped",
        "api/utils/settings.py": "unmapped",
    },
    # one that holds only its own tier's directories stays a layer, and so does one whose nested layer
    # directories hold data definitions or providers; test directories do not count
    "api/ with routes/": {
        "app/api/main.py": "route",
        "app/api/deps.py": "dependency",
        "app/api/routes/users.py": "route",
        "app/api/tests/helpers.py": "unmapped",
        "app/api/dependencies/auth.py": "dependency",
        "app/api/errors/http_error.py": "route",
    },
    "models/ with schemas/": {
        "app/models/domain/users.py": "model",
        "app/models/schemas/users.py": "schema",
        "app/models/common.py": "model",
    },
    # inside a layer directory a file name's last word, or a route word, does not move the file; a
    # lower layer's file name still moves a file out of the route package; outside layer directories
    # the file name decides
    "file names": {
        "app/models/webhook_endpoint.py": "model",
        "app/services/payments/api.py": "service",
        "app/repositories/views.py": "repository",
        "app/schemas/user_view.py": "schema",
        "app/api/deps.py": "dependency",
        "app/api/schemas.py": "schema",
        "app/billing_service.py": "service",
        "app/crud_user.py": "repository",
    },
    # a layer-named directory whose files are named after two other layers is a domain package; one
    # other layer's name is not enough
    "domain package": {
        "src/feedback/service/models.py": "model",
        "src/feedback/service/views.py": "route",
        "src/feedback/service/service.py": "service",
        "src/feedback/service/flows.py": "unmapped",
        "src/shop/services/models.py": "model",
        "src/shop/services/billing.py": "service",
    },
}


@pytest.mark.parametrize("case", LAYOUT_CASES)
def test_directories_are_read_for_what_they_hold(tmp_path: Path, case: str) -> None:
    expected = LAYOUT_CASES[case]
    write(tmp_path, dict.fromkeys(expected, ""))
    layer_map = LayerMap(tmp_path)
    assert {name: layer_map.layer_for(tmp_path / name).layer for name in expected} == expected


def test_why_a_directory_is_not_a_layer(tmp_path: Path) -> None:
    write(tmp_path, dict.fromkeys([*LAYOUT_CASES["top-level api/ package"], *LAYOUT_CASES["domain package"]], ""))
    layer_map = LayerMap(tmp_path)
    assert layer_map.layer_for(tmp_path / "api/db/database.py").pattern == "preset: api/ holds other layers"
    decision = layer_map.layer_for(tmp_path / "src/feedback/service/flows.py")
    assert decision.pattern == "preset: service/ is a domain package"


@pytest.mark.parametrize(
    ("path", "test_or_script"),
    [
        ("tests/api/test_users.py", True),
        ("app/test/helpers.py", True),
        ("scripts/seed.py", True),
        ("conftest.py", True),
        ("app/routes/test_users.py", True),
        ("app/users_test.py", True),
        ("migrations/versions/0001_models.py", False),  # unmapped, but not a test or a script
        ("app/main.py", False),
        ("app/services/billing.py", False),
    ],
)
def test_tests_and_scripts_are_marked(path: str, test_or_script: bool) -> None:
    assert PRESET.layer_for_relative(path).test_or_script is test_or_script


def test_a_user_pattern_makes_a_test_file_part_of_the_app() -> None:
    layers = LayerMap(Path("/p"), extend={"service": ["tests/fakes/**"]})
    assert layers.layer_for_relative("tests/fakes/billing.py").test_or_script is False
