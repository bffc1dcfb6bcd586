"""Generate a deterministic, realistic FastAPI project of N Python files.

Each domain gets the five layers people write (route, service, repository,
model, schema) plus some unmapped helpers, with the sizes and the import
shapes of real applications, and a few violations of every kind a peer can
find: blocking calls in `async def`, routes importing repositories,
repositories importing services, services importing fastapi.

    python benchmarks/generate.py /tmp/bench-project --files 2000
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

LAYERS = ("routes", "services", "repositories", "models", "schemas")
HELPERS_EVERY = 12  # one unmapped helper module per this many domain files


def _model(name: str, rng: random.Random) -> str:
    columns = "\n".join(
        f"    field_{i}: Mapped[{rng.choice(['str', 'int', 'bool', 'datetime'])}] = mapped_column(nullable=True)"
        for i in range(rng.randint(6, 14))
    )
    return f'''"""{name.title()} tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class {name.title()}(Base):
    __tablename__ = "{name}"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
{columns}
    owner = relationship("User", back_populates="{name}s")

    def __repr__(self) -> str:
        return f"<{name.title()} {{self.id}} {{self.name!r}}>"
'''


def _schema(name: str, rng: random.Random) -> str:
    blocks = []
    for kind in ("Base", "Create", "Update", "Read", "List"):
        fields = "\n".join(
            f"    field_{i}: {rng.choice(['str', 'int', 'bool', 'datetime'])} | None = None"
            for i in range(rng.randint(3, 9))
        )
        blocks.append(
            f"class {name.title()}{kind}(BaseModel):\n"
            f'    """{kind} payload of a {name}."""\n\n'
            f"    model_config = ConfigDict(from_attributes=True)\n\n"
            f"    name: str = Field(min_length=1, max_length=200)\n{fields}\n\n"
            f"    @field_validator('name')\n"
            f"    @classmethod\n"
            f"    def strip_name(cls, value: str) -> str:\n"
            f"        return value.strip()\n"
        )
    return (
        f'"""{name.title()} API contracts."""\n\nfrom __future__ import annotations\n\n'
        "from datetime import datetime\n\n"
        "from pydantic import BaseModel, ConfigDict, Field, field_validator\n\n\n" + "\n\n".join(blocks)
    )


def _repository(name: str, i: int, rng: random.Random, violate: bool) -> str:
    upward = f"from app.services.{name}_service import {name.title()}Service\n" if violate else ""
    methods = []
    for m in range(rng.randint(6, 12)):
        methods.append(
            f"    async def find_by_field_{m}(self, value: str, limit: int = 50) -> list[{name.title()}]:\n"
            f'        """Rows whose field_{m} matches."""\n'
            f"        stmt = (\n"
            f"            select({name.title()})\n"
            f"            .where({name.title()}.name == value)\n"
            f"            .order_by({name.title()}.id)\n"
            f"            .limit(limit)\n"
            f"        )\n"
            f"        result = await self.session.execute(stmt)\n"
            f"        rows = list(result.scalars().all())\n"
            f"        if not rows:\n"
            f"            return []\n"
            f"        return rows\n"
        )
    return (
        f'"""Data access for {name}."""\n\nfrom __future__ import annotations\n\n'
        "from sqlalchemy import delete, select, update\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
        f"from app.models.{name} import {name.title()}\n{upward}\n\n"
        f"class {name.title()}Repository:\n"
        f"    def __init__(self, session: AsyncSession) -> None:\n"
        f"        self.session = session\n\n"
        f"    async def get(self, item_id: int) -> {name.title()} | None:\n"
        f"        return await self.session.get({name.title()}, item_id)\n\n"
        f"    async def add(self, item: {name.title()}) -> {name.title()}:\n"
        f"        self.session.add(item)\n"
        f"        await self.session.flush()\n"
        f"        return item\n\n"
        f"    async def remove(self, item_id: int) -> None:\n"
        f"        await self.session.execute(delete({name.title()}).where({name.title()}.id == item_id))\n\n"
        f"    async def rename(self, item_id: int, name: str) -> None:\n"
        f"        stmt = update({name.title()}).where({name.title()}.id == item_id).values(name=name)\n"
        f"        await self.session.execute(stmt)\n\n" + "\n".join(methods)
    )


def _service(name: str, i: int, rng: random.Random, violate: bool) -> str:
    framework = "from fastapi import HTTPException\n" if violate else ""
    blocking = i % 7 == 3
    methods = []
    for m in range(rng.randint(6, 12)):
        body = (
            "        time.sleep(0.1)  # throttle the upstream\n"
            if blocking and m == 0
            else "        await asyncio.sleep(0)\n"
        )
        methods.append(
            f"    async def process_{m}(self, item_id: int, amount: float) -> float:\n"
            f'        """Business rule {m} for {name}."""\n'
            f"        item = await self.repository.get(item_id)\n"
            f"        if item is None:\n"
            f"            raise {name.title()}NotFound(item_id)\n"
            f"{body}"
            f"        total = amount * {rng.randint(2, 9)}\n"
            f"        for step in range({rng.randint(2, 5)}):\n"
            f"            total = round(total * 1.0{m}, 2) if step % 2 else total - step\n"
            f"        logger.info('processed %s %s', item_id, total)\n"
            f"        return total\n"
        )
    return (
        f'"""Business rules for {name}."""\n\nfrom __future__ import annotations\n\n'
        "import asyncio\nimport logging\nimport time\n\n"
        f"{framework}"
        f"from app.repositories.{name}_repository import {name.title()}Repository\n"
        f"from app.schemas.{name} import {name.title()}Create, {name.title()}Read\n\n"
        "logger = logging.getLogger(__name__)\n\n\n"
        f"class {name.title()}NotFound(Exception):\n"
        f"    pass\n\n\n"
        f"class {name.title()}Service:\n"
        f"    def __init__(self, repository: {name.title()}Repository) -> None:\n"
        f"        self.repository = repository\n\n"
        f"    async def create(self, payload: {name.title()}Create) -> {name.title()}Read:\n"
        f"        item = await self.repository.add(payload)  # type: ignore[arg-type]\n"
        f"        return {name.title()}Read.model_validate(item)\n\n" + "\n".join(methods)
    )


def _route(name: str, i: int, rng: random.Random, violate: bool) -> str:
    skip = f"from app.repositories.{name}_repository import {name.title()}Repository\n" if violate else ""
    blocking = i % 5 == 2
    handlers = []
    for m in range(rng.randint(5, 10)):
        verb = rng.choice(["get", "post", "put", "delete", "patch"])
        call = (
            "    data = requests.get('https://example.com/hook', timeout=5).json()\n"
            if blocking and m == 1
            else "    data = {'ok': True}\n"
        )
        handlers.append(
            f"@router.{verb}('/{name}/{{item_id}}/action-{m}', response_model={name.title()}Read)\n"
            f"async def {verb}_{name}_{m}(\n"
            f"    item_id: int,\n"
            f"    service: Annotated[{name.title()}Service, Depends(get_{name}_service)],\n"
            f"    user: Annotated[dict, Depends(get_current_user)],\n"
            f") -> {name.title()}Read:\n"
            f'    """Action {m} on a {name}."""\n'
            f"{call}"
            f"    try:\n"
            f"        await service.process_{m % 6}(item_id, float(len(data)))\n"
            f"    except {name.title()}NotFound:\n"
            f"        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail='not found') from None\n"
            f"    return await service.create({name.title()}Create(name=str(item_id)))\n"
        )
    return (
        f'"""HTTP endpoints for {name}."""\n\nfrom __future__ import annotations\n\n'
        "from typing import Annotated\n\nimport requests\n"
        "from fastapi import APIRouter, Depends, HTTPException, status\n\n"
        "from app.api.deps import get_current_user\n"
        f"from app.services.{name}_service import {name.title()}NotFound, {name.title()}Service\n"
        f"from app.schemas.{name} import {name.title()}Create, {name.title()}Read\n{skip}\n"
        f"router = APIRouter(prefix='/{name}', tags=['{name}'])\n\n\n"
        f"def get_{name}_service() -> {name.title()}Service:\n"
        f"    raise NotImplementedError\n\n\n" + "\n\n".join(handlers)
    )


def _helper(index: int, rng: random.Random) -> str:
    functions = "\n\n".join(
        f"def transform_{j}(values: list[str]) -> dict[str, int]:\n"
        f'    """Count the values after normalising them."""\n'
        f"    counts: dict[str, int] = {{}}\n"
        f"    for value in values:\n"
        f"        key = value.strip().lower()[:{rng.randint(4, 40)}]\n"
        f"        counts[key] = counts.get(key, 0) + 1\n"
        f"    return counts\n"
        for j in range(rng.randint(8, 20))
    )
    return f'"""Helpers {index}."""\n\nfrom __future__ import annotations\n\n\n{functions}'


DEPS = '''"""Shared dependencies."""

from __future__ import annotations


async def get_current_user() -> dict[str, str]:
    return {"id": "1"}
'''


def generate(root: Path, files: int, seed: int = 0) -> int:
    """Write about `files` Python files under root/app; returns how many were written."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    app = root / "app"
    written: dict[Path, str] = {app / "__init__.py": "", app / "api" / "__init__.py": "", app / "api" / "deps.py": DEPS}
    for layer in LAYERS:
        directory = app / "api" / "routes" if layer == "routes" else app / layer
        written[directory / "__init__.py"] = ""
    written[app / "utils" / "__init__.py"] = ""
    domain = 0
    while len(written) < files:
        name = f"entity{domain}"
        written[app / "models" / f"{name}.py"] = _model(name, rng)
        written[app / "schemas" / f"{name}.py"] = _schema(name, rng)
        written[app / "repositories" / f"{name}_repository.py"] = _repository(name, domain, rng, domain % 17 == 5)
        written[app / "services" / f"{name}_service.py"] = _service(name, domain, rng, domain % 13 == 4)
        written[app / "api" / "routes" / f"{name}.py"] = _route(name, domain, rng, domain % 11 == 3)
        if domain % (HELPERS_EVERY // 5 or 1) == 0:
            written[app / "utils" / f"helpers{domain}.py"] = _helper(domain, rng)
        domain += 1
    for path, text in sorted(written.items())[: max(files, 1)]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return min(len(written), max(files, 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    count = generate(args.directory, args.files, args.seed)
    lines = sum(len(p.read_text().splitlines()) for p in args.directory.rglob("*.py"))
    print(f"{count} files, {lines} lines in {args.directory}")


if __name__ == "__main__":
    main()
