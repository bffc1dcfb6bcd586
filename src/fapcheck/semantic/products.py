"""What a function hands out, read from the statements of its body.

A provider written without a return annotation still says what it gives:
`return OrderService(repo)`, `db = SessionLocal(); yield db`,
`async with maker() as session: yield session`, `return Depends(get_db)`.
The product is the call that builds the returned (or, in a generator, the
yielded) value. Only statements are read, never expressions, so this costs
about one pass over a body's statement list:

- `return CALL` / `yield CALL`, or a name bound earlier in the body by
  `NAME = CALL`, `NAME: T = CALL` or `with CALL as NAME` (also an attribute
  of a name: `self._repos = AllRepositories(...)` then `return self._repos`);
- in a generator only the yields count;
- nested functions and classes are not part of the body;
- when two candidates call different callees, the product is unknown.

Two readings of the same rules: this one on libcst's tree (a file being
checked), `products_ast.py` on CPython's tree (other modules' facts, and the
skeletons of modules CPython cannot read). `tests/test_products.py` holds them
to the same answers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst


def dotted(node: cst.BaseExpression) -> str:
    """`a.b.c` for a name or attribute chain, '' otherwise."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted(node.value)
        return f"{head}.{node.attr.value}" if head else ""
    return ""


def product_call(body: cst.BaseSuite) -> cst.Call | None:
    """The call whose result a function body returns or yields, when there is one clear such call."""
    return _choose(list(_cst_candidates(body.body, {})))


def _choose(candidates: list[tuple[cst.Call | None, bool]]) -> cst.Call | None:
    yields = [call for call, is_yield in candidates if is_yield]
    chosen = yields if any(is_yield for _, is_yield in candidates) else [call for call, _ in candidates]
    found = [call for call in chosen if call is not None and dotted(call.func)]
    if not found or len({dotted(call.func) for call in found}) != 1:
        return None
    return found[0]


def _cst_candidates(
    statements: Sequence[cst.BaseStatement | cst.BaseSmallStatement], assigned: dict[str, cst.Call]
) -> Iterator[tuple[cst.Call | None, bool]]:
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from _cst_candidates(statement.body, assigned)
        elif isinstance(statement, cst.Return):
            if statement.value is not None:
                yield _cst_value(statement.value, assigned), False
        elif isinstance(statement, cst.Expr):
            value = statement.value
            if isinstance(value, cst.Yield) and value.value is not None and not isinstance(value.value, cst.From):
                yield _cst_value(value.value, assigned), True
        elif isinstance(statement, cst.Assign):
            if len(statement.targets) == 1:
                _cst_bind(statement.targets[0].target, statement.value, assigned)
        elif isinstance(statement, cst.AnnAssign):
            if statement.value is not None:
                _cst_bind(statement.target, statement.value, assigned)
        elif isinstance(statement, cst.With):
            for item in statement.items:
                if item.asname is not None:
                    _cst_bind(item.asname.name, item.item, assigned)
            yield from _cst_block(statement.body, assigned)
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            continue
        elif isinstance(statement, cst.If):
            yield from _cst_block(statement.body, assigned)
            if statement.orelse is not None:
                orelse = statement.orelse
                yield from _cst_candidates([orelse] if isinstance(orelse, cst.If) else [], assigned)
                if isinstance(orelse, cst.Else):
                    yield from _cst_block(orelse.body, assigned)
        elif isinstance(statement, (cst.Try, cst.TryStar)):
            yield from _cst_block(statement.body, assigned)
            for handler in statement.handlers:
                yield from _cst_block(handler.body, assigned)
            for extra in (statement.orelse, statement.finalbody):
                if extra is not None:
                    yield from _cst_block(extra.body, assigned)
        elif isinstance(statement, (cst.For, cst.While)):
            yield from _cst_block(statement.body, assigned)
            if statement.orelse is not None:
                yield from _cst_block(statement.orelse.body, assigned)


def _cst_block(block: cst.BaseSuite, assigned: dict[str, cst.Call]) -> Iterator[tuple[cst.Call | None, bool]]:
    yield from _cst_candidates(block.body, assigned)


def _cst_key(node: cst.BaseExpression) -> str | None:
    """`name`, or `name.attribute` (`self._repos`: the lazily built attribute of a cached property)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
        return f"{node.value.value}.{node.attr.value}"
    return None


def _cst_bind(target: cst.BaseExpression, value: cst.BaseExpression, assigned: dict[str, cst.Call]) -> None:
    key = _cst_key(target)
    if key is not None:
        if isinstance(value, cst.Call):
            assigned[key] = value
        else:
            assigned.pop(key, None)


def _cst_value(value: cst.BaseExpression, assigned: dict[str, cst.Call]) -> cst.Call | None:
    if isinstance(value, cst.Call):
        return value
    key = _cst_key(value)
    return assigned.get(key) if key is not None else None
