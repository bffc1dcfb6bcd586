"""The language server, driven end to end by a real LSP client over stdio."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from fapcheck.report import rule_url

from conftest import LAYERED_PROJECT, REPO, write

ROUTE = "from app.repositories.users import UserRepository\n\n\ndef list_users() -> None: ...\n"
PROJECT = {
    **LAYERED_PROJECT,
    "pyproject.toml": "[tool.fapcheck]\nselect = ['FAP']\n",
    "app/api/routes/users.py": ROUTE,
}
SERVER_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "fapcheck", "server"], server_env=SERVER_ENV)
)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest) -> AsyncIterator[None]:
    root: Path = request.getfixturevalue("tmp_path")
    write(root, PROJECT)
    lsp_client.root = root  # type: ignore[attr-defined]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="project")],
        )
    )
    yield
    await lsp_client.shutdown_session()


def open_document(client: LanguageClient, name: str, text: str) -> str:
    uri = (client.root / name).as_uri()  # type: ignore[attr-defined]
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text))
    )
    return uri


async def diagnostics_after(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 20)
    return list(client.diagnostics[uri])


@pytest.mark.asyncio
async def test_diagnostics_on_open_change_and_save(client: LanguageClient) -> None:
    uri = open_document(client, "app/api/routes/users.py", ROUTE)
    [diagnostic] = await diagnostics_after(client, uri)
    assert diagnostic.code == "FAP101"
    assert diagnostic.source == "fapcheck"
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href == rule_url("FAP101")
    assert diagnostic.range == types.Range(types.Position(0, 35), types.Position(0, 49))
    assert "app.repositories.users" in diagnostic.message

    # A burst of edits is checked once, when things go quiet: checking the first (a syntax error) would fail here.
    for version, text in enumerate(
        ["from app.services", "from app.services.users import", "from app.services.users import UserService\n"],
        start=2,
    ):
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
    assert await diagnostics_after(client, uri) == []

    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=9),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="s = '😀'; " + ROUTE)],
        )
    )
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
    [diagnostic] = await diagnostics_after(client, uri)
    assert diagnostic.code == "FAP101"
    assert diagnostic.range.start == types.Position(0, 45)  # UTF-16 units: the emoji counts twice (44 code points)


@pytest.mark.asyncio
async def test_a_file_in_another_layer_is_clean_and_syntax_errors_are_errors(client: LanguageClient) -> None:
    uri = open_document(client, "app/services/orders.py", ROUTE)
    assert await diagnostics_after(client, uri) == []
    uri = open_document(client, "app/api/routes/broken.py", "def f(:\n")
    [diagnostic] = await diagnostics_after(client, uri)
    assert diagnostic.code == "FAP001"
    assert diagnostic.severity == types.DiagnosticSeverity.Error


async def code_actions(client: LanguageClient, uri: str, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert actions is not None
    return [a for a in actions if isinstance(a, types.CodeAction)]


@pytest.mark.asyncio
async def test_quick_fix_adds_noqa(client: LanguageClient) -> None:
    text = "from app.repositories.users import UserRepository  # noqa: FAP103\n"
    uri = open_document(client, "app/api/routes/users.py", text)
    diagnostics = await diagnostics_after(client, uri)
    fap101 = next(d for d in diagnostics if d.code == "FAP101")
    [action] = await code_actions(client, uri, fap101)
    assert action.title == "Ignore FAP101 on this line (# noqa: FAP101)"
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.edit is not None and action.edit.changes is not None
    [edit] = action.edit.changes[uri]
    assert edit.new_text == ", FAP101"
    assert edit.range.start == edit.range.end == types.Position(0, len(text.rstrip()))

    uri = open_document(client, "app/api/routes/items.py", ROUTE)
    [diagnostic] = await diagnostics_after(client, uri)
    [action] = await code_actions(client, uri, diagnostic)
    assert action.edit is not None and action.edit.changes is not None
    [edit] = action.edit.changes[uri]
    assert edit.new_text == "  # noqa: FAP101"
    line = ROUTE.splitlines()[0]
    assert edit.range == types.Range(types.Position(0, len(line)), types.Position(0, len(line)))


@pytest.mark.asyncio
async def test_the_rules_fix_is_a_code_action(client: LanguageClient) -> None:
    text = "from app.services.users import UserService  # noqa: FAP101\n"
    uri = open_document(client, "app/api/routes/users.py", text)
    [diagnostic] = await diagnostics_after(client, uri)
    assert diagnostic.code == "FAP002"
    fix, noqa = await code_actions(client, uri, diagnostic)
    assert fix.title == "Fix FAP002: Remove the unused `noqa`"
    assert fix.is_preferred
    assert fix.edit is not None and fix.edit.changes is not None
    [edit] = fix.edit.changes[uri]
    assert edit.new_text == ""
    code_end = len("from app.services.users import UserService")
    assert edit.range == types.Range(types.Position(0, code_end), types.Position(0, len(text) - 1))
    assert noqa.title == "Ignore FAP002 on this line (# noqa: FAP002)"


@pytest.mark.asyncio
async def test_a_broken_configuration_is_shown_once(client: LanguageClient) -> None:
    write(client.root, {"pyproject.toml": "[tool.fapcheck]\nselct = ['FAP']\n"})  # type: ignore[attr-defined]
    uri = open_document(client, "app/api/routes/users.py", ROUTE)
    assert await diagnostics_after(client, uri) == []
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
    assert await diagnostics_after(client, uri) == []
    [message] = client.messages
    assert message.type == types.MessageType.Error
    assert "unknown key 'selct' (did you mean 'select'?)" in message.message


def test_help_lists_the_server_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fapcheck", "--help"], capture_output=True, text=True, env=SERVER_ENV, check=False
    )
    assert "server" in result.stdout


def test_server_without_the_extra_says_how_to_install(tmp_path: Path) -> None:
    # A `pygls` that cannot be imported stands in for an environment without the extra.
    (tmp_path / "pygls").mkdir()
    (tmp_path / "pygls" / "__init__.py").write_text("raise ImportError('no pygls', name='pygls')\n")
    env = {**SERVER_ENV, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO / "src")])}
    result = subprocess.run(
        [sys.executable, "-m", "fapcheck", "server"], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 2
    assert "pip install '/path/to/fapcheck[lsp]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_normal_run_does_not_import_the_server() -> None:
    code = (
        "import sys\nfrom fapcheck.cli import app\n"
        "try:\n    app(['fixtures/demo', '--output-format', 'sarif'])\n"
        "except SystemExit:\n    sys.stderr.write(repr(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=SERVER_ENV, check=False, cwd=REPO
    )
    assert "'fapcheck.engine.batch'" in result.stderr and "'fapcheck.report.sarif'" in result.stderr
    assert "'pygls" not in result.stderr and "'lsprotocol" not in result.stderr


def applied(text: str, edits: list[types.TextEdit]) -> str:
    """The text after the client applies the edits (ASCII text: UTF-16 units are characters)."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(position: types.Position) -> int:
        return starts[position.line] + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def action_for(client: LanguageClient, name: str, text: str, title: str) -> tuple[str, types.CodeAction]:
    uri = open_document(client, name, text)
    [diagnostic] = await diagnostics_after(client, uri)
    [action] = [a for a in await code_actions(client, uri, diagnostic) if a.title.startswith(title)]
    return uri, action


@pytest.mark.asyncio
async def test_the_quick_fix_of_a_call_over_several_lines_keeps_every_line_s_indentation(
    client: LanguageClient,
) -> None:
    body = "\n\nclass Pauser:\n    async def pause(self) -> None:\n        {call}(\n            1,\n        )\n"
    text = "import time" + body.format(call="time.sleep")
    uri, action = await action_for(client, "app/services/pause.py", text, "Fix FAP402")
    assert action.edit is not None and action.edit.changes is not None
    fixed = applied(text, action.edit.changes[uri])
    assert fixed == "import asyncio\nimport time" + body.format(call="await asyncio.sleep")


NOQA_PLACES = {
    "after a backslash continuation": (
        "async def pause() -> None:\n    done = time.sleep(1) or \\\n        None\n",
        "async def pause() -> None:\n    done = time.sleep(1) or \\\n        None  # noqa: FAP402\n",
    ),
    "inside a string the line opens": (
        'async def pause() -> None:\n    done = time.sleep(1), """text\nmore text"""\n',
        'async def pause() -> None:\n    done = time.sleep(1), """text\nmore text"""  # noqa: FAP402\n',
    ),
    "a string that reads like a comment": (
        'async def pause() -> None:\n    print("# noqa: FAP101"); time.sleep(1)\n',
        'async def pause() -> None:\n    print("# noqa: FAP101"); time.sleep(1)  # noqa: FAP402\n',
    ),
}


@pytest.mark.parametrize(("text", "expected"), NOQA_PLACES.values(), ids=NOQA_PLACES.keys())
@pytest.mark.asyncio
async def test_noqa_goes_where_python_reads_a_comment_and_silences_the_finding(
    client: LanguageClient, text: str, expected: str
) -> None:
    text, expected = "import time\n\n\n" + text, "import time\n\n\n" + expected
    uri, action = await action_for(client, "app/services/pause.py", text, "Ignore FAP402")
    assert action.edit is not None and action.edit.changes is not None
    fixed = applied(text, action.edit.changes[uri])
    assert fixed == expected
    compile(fixed, "pause.py", "exec")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    assert await diagnostics_after(client, uri) == []
