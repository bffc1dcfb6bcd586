"""Rules, one module each; loaded on demand from the catalog."""

from __future__ import annotations

import importlib
from functools import cache

from fapcheck.catalog import BY_CODE
from fapcheck.rules.base import Rule


@cache
def rule_class(code: str) -> type[Rule]:
    spec = BY_CODE[code]
    module = importlib.import_module(f"fapcheck.rules.{spec.module}")
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Rule) and value.__dict__.get("code") == code:
            return value
    raise LookupError(f"rule module {spec.module} defines no rule {code}")
