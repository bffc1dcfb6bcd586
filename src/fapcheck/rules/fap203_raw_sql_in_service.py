"""FAP203 raw-sql-in-service."""

from __future__ import annotations

import libcst as cst

from fapcheck.rules._sql import TEXT_CONSTRUCTS, ExecutedSqlRule, place


class RawSqlInService(ExecutedSqlRule):
    """Flags raw SQL in a service.

    ## What it does
    Reports, in a file of the service layer, a call of SQLAlchemy's or
    SQLModel's `text(...)` (resolved through imports and aliases) and a SQL
    string literal (one that starts with `SELECT`, `INSERT`, `UPDATE`,
    `DELETE`, `WITH`... after whitespace and comments) passed to an
    execute-like call (`execute`, `exec_driver_sql`, `fetch_all`...), directly
    or through a name bound to it. Query builders (`select(...)`) are not
    reported here: how far a service may compose queries is a choice of the
    project.

    ## Why is this bad?
    A service holds business rules and orchestrates repositories. Raw SQL ties
    it to one database and one schema; kept in a repository, the statement can
    be tested and changed in one place.

    ## Example
    ```python
    # app/services/reports.py
    from sqlalchemy import text
    from sqlalchemy.orm import Session


    def monthly_totals(session: Session) -> list[int]:
        rows = session.execute(text("SELECT total FROM orders"))
        return [row.total for row in rows]
    ```

    ## Use instead
    ```python
    # app/repositories/reports.py
    from sqlalchemy import text
    from sqlalchemy.orm import Session


    def monthly_totals(session: Session) -> list[int]:
        return [row.total for row in session.execute(text("SELECT total FROM orders"))]

    # app/services/reports.py
    from sqlalchemy.orm import Session

    from app.repositories import reports


    def monthly_totals(session: Session) -> list[int]:
        return reports.monthly_totals(session)
    ```

    ## Fix safety
    No automatic fix: move the statement into a repository.
    """

    code = "FAP203"
    message = "raw SQL {what} in {where}: move the statement into a repository"

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.resolves_to(node.func, TEXT_CONSTRUCTS):
            self.report(node, what="text()", where=place(self.ctx, "service"))
        elif self.executed_sql(node) is not None and isinstance(node.func, cst.Attribute):
            self.report(node, what=f"string executed by .{node.func.attr.value}()", where=place(self.ctx, "service"))
