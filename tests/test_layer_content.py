"""A file's content decides its layer where the path says nothing or plainly contradicts it,
the same way in every command that uses a layer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fapcheck.cli import app
from fapcheck.evidence import content_evidence
from fapcheck.layers import LayerMap

from conftest import aged, run_fapcheck, write

runner = CliRunner()

HANDLERS = """\
from fastapi import APIRouter

router = APIRouter()


@router.get("/items")
def list_items() -> list[int]:
    return []
"""

PROVIDERS = """\
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from app.db import SessionLocal


def get_db():
    with SessionLocal() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


def get_user_repository(session: SessionDep) -> object:
    return object()
"""

TABLES = """\
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
"""

PYDANTIC = """\
from enum import Enum

from pydantic import BaseModel


class Colour(str, Enum):
    red = "red"


class ItemIn(BaseModel):
    name: str


class ItemOut(ItemIn):
    id: int
"""


@pytest.mark.parametrize(
    ("source", "layer", "reason"),
    [
        (HANDLERS, "route", "route handlers"),
        (PROVIDERS, "dependency", "Depends providers"),
        (TABLES, "model", "ORM tables"),
        (PYDANTIC, "schema", "pydantic models"),
        ("from sqlmodel import SQLModel\n\n\nclass Hero(SQLModel, table=True):\n    id: int\n", "model", "ORM tables"),
        # a class-based view's methods are handlers too; `path=` names the URL
        (
            "class Items:\n    @router.post(path='')\n    def create(self) -> None: ...\n",
            "route",
            "route handlers",
        ),
    ],
)
def test_content_shows_a_layer(source: str, layer: str, reason: str) -> None:
    evidence = content_evidence(source.encode())
    assert evidence is not None
    assert (evidence.layer, evidence.reason) == (layer, reason)


@pytest.mark.parametrize(
    "source",
    [
        # the application module: its health check and start-up code do not make it a route module
        'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\ndef health() -> None: ...\n',
        'from fastapi import FastAPI\n\n\ndef create():\n    application = FastAPI()\n\n    @application.get("/")\n'
        "    def root() -> None: ...\n",
        # a Slack handler is no route: its argument is not a URL path
        '@app.options("approve")\ndef approve(ack) -> None: ...\n',
        # providers beside other code: not a module of providers only
        PROVIDERS + "\n\ndef compute_total(items: list[int]) -> int:\n    return sum(items)\n",
        PROVIDERS + "\n\nengine = create_engine('sqlite://')\n",
        # pydantic models beside functions, settings, and models of a project base class
        PYDANTIC + "\n\ndef make() -> ItemIn:\n    return ItemIn(name='x')\n",
        "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    debug: bool = False\n",
        "from app.models.common import RWModel\n\n\nclass Article(RWModel):\n    title: str\n",
        # an Alembic revision with an inline table is a migration, not the models
        'revision = "2"\ndown_revision = "1"\n\n\nclass Item(Base):\n    __tablename__ = "items"\n',
        # text without the words is never parsed, and text that does not parse shows nothing
        "import os\n",
        "@router.get('/x'\ndef broken(:\n",
    ],
)
def test_content_shows_nothing(source: str) -> None:
    assert content_evidence(source.encode()) is None


def test_content_decides_only_where_the_path_leaves_room(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/web/pages.py": HANDLERS,  # the path says nothing
            "app/routes/users/crud.py": HANDLERS,  # the path contradicts the content
            "app/api/auth.py": PROVIDERS,  # a route directory's module of providers only
            "app/db/tables.py": TABLES,
            "app/contracts.py": PYDANTIC,
            "app/services/requests.py": PYDANTIC,  # pydantic models in a layer directory keep its layer
            "app/repositories/tables.py": TABLES,
            "app/routes/items.py": HANDLERS + "\n" + PROVIDERS,
            "app/routes/users/crud_helpers.py": "",
            "tests/routes/fake.py": HANDLERS,  # test code is never a layer
        },
    )
    layer_map = LayerMap(tmp_path)
    got = {
        str(path.relative_to(tmp_path)): (decision.layer, decision.pattern)
        for path in sorted(tmp_path.rglob("*.py"))
        for decision in [layer_map.layer_for(path)]
    }
    assert got == {
        "app/web/pages.py": ("route", "content: route handlers"),
        "app/routes/users/crud.py": ("route", "content: route handlers (overrides preset: file name 'crud')"),
        "app/api/auth.py": ("dependency", "content: Depends providers (overrides preset: api/)"),
        "app/db/tables.py": ("model", "content: ORM tables"),
        "app/contracts.py": ("schema", "content: pydantic models"),
        "app/services/requests.py": ("service", "preset: services/"),
        "app/repositories/tables.py": ("repository", "preset: repositories/"),
        "app/routes/items.py": ("route", "preset: routes/"),
        "app/routes/users/crud_helpers.py": ("route", "preset: routes/"),
        "tests/routes/fake.py": ("unmapped", "preset: tests/ (not a layer)"),
    }


def test_configured_patterns_are_never_overridden(tmp_path: Path) -> None:
    write(tmp_path, {"app/web/pages.py": HANDLERS})
    layer_map = LayerMap(tmp_path, replace={"repository": ["app/web/**"]})
    assert layer_map.layer_for(tmp_path / "app/web/pages.py").layer == "repository"


# Zero configuration on the layouts people use, with the content they hold.
LAYOUTS: dict[str, dict[str, tuple[str, str]]] = {
    "per-domain packages": {
        "src/orders/router.py": (HANDLERS, "route"),
        "src/orders/service.py": ("def total() -> int:\n    return 0\n", "service"),
        "src/orders/models.py": (TABLES, "model"),
        "src/orders/schemas.py": (PYDANTIC, "schema"),
        "src/orders/dependencies.py": (PROVIDERS, "dependency"),
        "src/orders/constants.py": ("LIMIT = 3\n", "unmapped"),
    },
    "app/api/routes": {
        "backend/app/api/routes/items.py": (HANDLERS, "route"),
        "backend/app/api/deps.py": (PROVIDERS, "dependency"),
        "backend/app/api/main.py": ("from fastapi import APIRouter\n\napi_router = APIRouter()\n", "route"),
        "backend/app/crud.py": ("def create_item() -> None: ...\n", "repository"),
        "backend/app/models.py": (TABLES, "model"),
        "backend/app/core/db.py": ("engine = None\n", "unmapped"),
        "backend/app/main.py": ("from fastapi import FastAPI\n\napp = FastAPI()\n", "unmapped"),
    },
    "controller/service/dao": {
        "app/controller/user_controller.py": (HANDLERS, "route"),
        "app/service/user_service.py": ("class UserService: ...\n", "service"),
        "app/dao/user_dao.py": ("class UserDao: ...\n", "repository"),
        "app/entities/user.py": (TABLES, "model"),
        "app/dto/user_dto.py": (PYDANTIC, "schema"),
    },
    "a top-level api/ application package": {
        "api/main.py": ("from fastapi import FastAPI\n\napp = FastAPI()\n", "unmapped"),
        "api/v1/routes/users.py": (HANDLERS, "route"),
        "api/v1/services/users.py": ("class UserService: ...\n", "service"),
        "api/v1/schemas/users.py": (PYDANTIC, "schema"),
        "api/db/database.py": ("engine = None\n", "unmapped"),
        "api/db/tables.py": (TABLES, "model"),
        "api/utils/settings.py": ("DEBUG = False\n", "unmapped"),
    },
    "entity names that end in layer words": {
        "src/webhook_endpoint/models.py": (TABLES, "model"),
        "src/webhook_endpoint/service.py": ("def send() -> None: ...\n", "service"),
        "src/webhook_endpoint/views.py": (HANDLERS, "route"),
        "src/models/webhook_endpoint.py": (TABLES, "model"),
        "src/schemas/user_view.py": (PYDANTIC, "schema"),
        "src/services/payments/api.py": ("def charge() -> None: ...\n", "service"),
        "src/repositories/views.py": ("def refresh_views() -> None: ...\n", "repository"),
    },
    "a domain package named service/": {
        "src/shop/service/models.py": (TABLES, "model"),
        "src/shop/service/views.py": (HANDLERS, "route"),
        "src/shop/service/service.py": ("def get() -> None: ...\n", "service"),
        "src/shop/service/flows.py": ("def notify() -> None: ...\n", "unmapped"),
    },
    "route modules named crud.py": {
        "app/routes/users/crud.py": (HANDLERS, "route"),
        "app/routes/items/crud.py": (HANDLERS, "route"),
        "app/crud.py": ("def create_user() -> None: ...\n", "repository"),
    },
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_layouts_map_without_configuration(tmp_path: Path, layout: str) -> None:
    files = LAYOUTS[layout]
    write(tmp_path, {name: source for name, (source, _) in files.items()})
    result = run_fapcheck("layers", "--output-format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    got = {entry["path"]: entry["layer"] for entry in json.loads(result.stdout)}
    assert got == {name: layer for name, (_, layer) in files.items()}


def test_layers_json_and_the_count_line(project: Path) -> None:
    write(project, {"app/routes/users/crud.py": HANDLERS, "app/crud.py": "", "app/core.py": ""})
    result = runner.invoke(app, ["layers", "--output-format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == [
        {"path": "app/core.py", "layer": "unmapped", "reason": ""},
        {"path": "app/crud.py", "layer": "repository", "reason": "preset: file name 'crud'"},
        {
            "path": "app/routes/users/crud.py",
            "layer": "route",
            "reason": "content: route handlers (overrides preset: file name 'crud')",
        },
    ]
    table = runner.invoke(app, ["layers"]).output.splitlines()
    assert table[-2:] == ["", "3 files: 1 route, 1 repository, 1 unmapped"]


# ------------------------------------------------------------------ the same layer everywhere

# A helper that raises HTTPException: FAP301 in a repository module, fine in a route module.
HELPER = """\
from fastapi import APIRouter, HTTPException

router = APIRouter()


def ensure(user_id: int) -> None:
    if user_id < 0:
        raise HTTPException(status_code=404)
"""
ROUTE_CRUD = HELPER + '\n\n@router.get("/{user_id}")\ndef read(user_id: int) -> None:\n    ensure(user_id)\n'


def test_the_check_and_stdin_use_the_content(project: Path) -> None:
    write(project, {"app/routes/users/crud.py": ROUTE_CRUD})
    assert run_fapcheck("--no-cache", cwd=project).returncode == 0
    for source, status in ((ROUTE_CRUD, 0), (HELPER, 1)):  # without handlers the file name decides
        result = run_fapcheck(
            "-", "--stdin-filename", "app/routes/users/crud.py", "--output-format", "concise", cwd=project, stdin=source
        )
        assert result.returncode == status, result.stdout
    assert "FAP301 HTTPException raised in repository" in result.stdout


# Pages with route handlers in a directory the path says nothing about; a repository imports them.
IMPORTS_PAGES = {
    "app/__init__.py": "",
    "app/web/__init__.py": "",
    "app/repositories/__init__.py": "",
    "app/repositories/users.py": "from app.web.pages import list_items\n",
}


def test_another_module_has_its_content_layer_in_findings_and_the_graph(project: Path) -> None:
    write(project, {**IMPORTS_PAGES, "app/web/pages.py": HANDLERS})
    result = runner.invoke(app, ["--no-cache", "--output-format", "concise"])
    assert result.output.startswith("app/repositories/users.py:1:27: FAP102 ")
    assert "'app.web.pages'" in result.output
    graph = runner.invoke(app, ["graph"]).output
    assert 'repository -->|"FAP102: 1"| route' in graph
    write(project, {"app/web/pages.py": "def list_items() -> None: ...\n"})
    assert runner.invoke(app, ["--no-cache"]).exit_code == 0


def test_the_cache_follows_the_content_and_the_layout_a_layer_came_from(project: Path) -> None:
    write(project, {**IMPORTS_PAGES, "app/web/pages.py": "def list_items() -> None: ...\n"})
    assert runner.invoke(app, []).exit_code == 0
    aged(project)
    write(project, {"app/web/pages.py": HANDLERS})  # the repository is unchanged; what it imports is not
    assert runner.invoke(app, ["--output-format", "concise", "app/repositories/users.py"]).exit_code == 1

    # SQL in a helper of the route package: reported while api/ is a layer, not once it holds services/
    queries = "from sqlalchemy import select\n\n\ndef q() -> object:\n    return select()\n"
    write(project, {"api/db/queries.py": queries})
    assert "FAP201" in runner.invoke(app, ["--output-format", "concise", "api"]).output
    aged(project)
    write(project, {"api/v1/services/users.py": ""})
    assert "FAP201" not in runner.invoke(app, ["--output-format", "concise", "api"]).output


def test_a_route_word_in_a_file_name_does_not_make_helpers_route_code(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            # helpers in a module named like a route module: no router, no app, no route decorator
            "app/common/utils/views.py": "from pydantic import BaseModel\n\n\ndef include(model: BaseModel): ...\n",
            # a script named after what it generates
            "tools/gen_docs_api.py": "import json\n\n\ndef main() -> None:\n    print(json.dumps({}))\n",
            # a module that gathers a package's routers keeps its name's layer, as does one that only imports
            "app/orders/views.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\ndef helper(): ...\n",
            "app/users/endpoints.py": "from app.users import repository\n",
        },
    )
    layer_map = LayerMap(tmp_path)
    decisions = {name: layer_map.layer_for(tmp_path / name) for name in ("app/common/utils/views.py",)}
    assert decisions["app/common/utils/views.py"].layer == "unmapped"
    assert decisions["app/common/utils/views.py"].pattern == (
        "content: no route code (overrides preset: file name 'views')"
    )
    assert layer_map.layer_for(tmp_path / "tools/gen_docs_api.py").layer == "unmapped"
    assert layer_map.layer_for(tmp_path / "app/orders/views.py").layer == "route"
    assert layer_map.layer_for(tmp_path / "app/users/endpoints.py").layer == "route"
