"""Nothing of the user's is ever lost: the cache directory, the files fapcheck writes, a concurrent edit,
a content change the file's size and time do not show. Real processes, links, FIFOs and commands."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import run_fapcheck, write

ROUTE_WITH_SLEEP = "import time\n\n\n@router.get('/x')\nasync def x():\n    time.sleep(1)\n"
FIXABLE = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/routes.py": "import time\n\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
    "@router.get('/x')\nasync def x():\n    time.sleep(1)\n",
}
LAYERED = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/v1/__init__.py": "",
    "app/api/v1/users.py": "from app.repositories.users import UserRepository\n",
    "app/repositories/__init__.py": "",
    "app/repositories/users.py": "class UserRepository: ...\n",
}


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- the cache directory


@pytest.mark.parametrize("cache_dir", ["app/api", ".", "app"])
def test_a_cache_directory_that_holds_source_is_refused_and_nothing_is_removed(project: Path, cache_dir: str) -> None:
    write(project, LAYERED)
    (project / "app/api/v3").mkdir()
    (project / "app/api/v3/notes.txt").write_text("keep me\n")
    before = tree(project)
    result = run_fapcheck("--cache-dir", cache_dir, "--output-format", "concise", cwd=project)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: --cache-dir {cache_dir}: "), result.stderr
    assert tree(project) == before  # no .gitignore, no tag, no directory gone


def test_a_cache_directory_that_is_the_project_root_is_refused_even_when_tagged(project: Path) -> None:
    write(project, LAYERED)
    (project / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n# created by fapcheck\n")
    result = run_fapcheck("--cache-dir", ".", cwd=project)
    assert result.returncode == 2
    assert "is the project's own directory" in result.stderr
    assert not (project / ".gitignore").exists()


def test_a_new_or_empty_cache_directory_is_made_fapchecks_own(project: Path) -> None:
    write(project, LAYERED)
    (project / "empty").mkdir()
    for cache_dir in ("empty", "new/cache"):
        result = run_fapcheck("--cache-dir", cache_dir, "--output-format", "concise", cwd=project)
        assert result.returncode == 1, result.stderr
        assert "FAP101" in result.stdout and result.stderr == ""
        assert "created by fapcheck" in (project / cache_dir / "CACHEDIR.TAG").read_text()
        assert (project / cache_dir / ".gitignore").read_text().endswith("*\n")
        warm = run_fapcheck("--cache-dir", cache_dir, "--output-format", "concise", cwd=project)
        assert warm.stdout == result.stdout and warm.stderr == ""


def test_the_default_cache_directory_taken_by_someone_else_is_left_alone(project: Path) -> None:
    write(project, LAYERED)
    foreign = project / ".fapcheck_cache"
    (foreign / "v1").mkdir(parents=True)
    (foreign / "v1" / "mine.txt").write_text("not fapcheck's\n")
    before = tree(project)
    result = run_fapcheck("--output-format", "concise", cwd=project)
    assert result.returncode == 1
    assert "FAP101" in result.stdout
    assert result.stderr.startswith("warning: not using the cache: "), result.stderr
    assert "holds files fapcheck did not create (v1)" in result.stderr
    assert tree(project) == before


def test_only_what_fapcheck_made_is_removed_from_its_cache_directory(project: Path) -> None:
    write(project, LAYERED)
    cache = project / ".fapcheck_cache"
    # A cache an earlier fapcheck made, before the tag, with a user's file put into an old format's folder.
    (cache / "v6").mkdir(parents=True)
    (cache / "v7").mkdir()
    (cache / ".gitignore").write_text("# Created by fapcheck automatically.\n*\n")
    (cache / "v6" / ("0" * 32 + ".pickle")).write_bytes(b"old pack")
    (cache / "v6" / "notes.py").write_text("x = 1\n")
    (cache / "v7" / ("1" * 32 + ".pickle")).write_bytes(b"old pack")
    result = run_fapcheck("--output-format", "concise", cwd=project)
    assert result.returncode == 1 and result.stderr == "", result.stderr
    assert (cache / "CACHEDIR.TAG").exists()
    assert not (cache / "v7").exists()  # all of it fapcheck's: gone
    assert sorted(p.name for p in (cache / "v6").iterdir()) == ["notes.py"]  # the pack gone, the rest kept


# ---------------------------------------------------------------- files fapcheck writes


@pytest.fixture
def findings_project(project: Path) -> Path:
    write(project, LAYERED)
    return project


@pytest.mark.parametrize("option", ["--write-baseline", "--output-file"])
def test_a_symbolic_link_is_refused_and_kept(findings_project: Path, option: str) -> None:
    target = findings_project / "elsewhere.txt"
    target.write_text("precious\n")
    (findings_project / "out.json").symlink_to(target)
    result = run_fapcheck("--no-cache", option, "out.json", cwd=findings_project)
    assert result.returncode == 2
    assert result.stderr == f"error: {option} out.json: is a symbolic link; name the file it points to\n"
    assert (findings_project / "out.json").is_symlink() and target.read_text() == "precious\n"


@pytest.mark.parametrize("option", ["--write-baseline", "--output-file", "--baseline"])
def test_a_fifo_is_refused_without_hanging(findings_project: Path, option: str) -> None:
    os.mkfifo(findings_project / "pipe")
    result = run_fapcheck("--no-cache", option, "pipe", cwd=findings_project)  # a hang would time out
    assert result.returncode == 2
    assert "not a regular file" in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert stat.S_ISFIFO(os.lstat(findings_project / "pipe").st_mode)


@pytest.mark.parametrize("option", ["--write-baseline", "--output-file"])
def test_a_device_is_refused(findings_project: Path, option: str) -> None:
    # A device node of the test's own (never /dev/null: a regression would replace the system's).
    try:
        os.mknod(findings_project / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError:
        pytest.skip("device nodes cannot be made here")
    result = run_fapcheck("--no-cache", option, "null", cwd=findings_project)
    assert result.returncode == 2
    assert result.stderr == f"error: {option} null: is a device, not a regular file\n"
    assert stat.S_ISCHR(os.lstat(findings_project / "null").st_mode)


@pytest.mark.parametrize("option", ["--write-baseline", "--output-file"])
def test_a_written_file_keeps_its_mode_and_a_new_one_gets_the_umask(findings_project: Path, option: str) -> None:
    kept = findings_project / "kept.json"
    kept.write_text("old\n")
    kept.chmod(0o640)
    assert run_fapcheck("--no-cache", option, "kept.json", cwd=findings_project).returncode in (0, 1)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() != "old\n"
    mask = os.umask(0o022)
    os.umask(mask)
    assert run_fapcheck("--no-cache", option, "new.json", cwd=findings_project).returncode in (0, 1)
    assert stat.S_IMODE((findings_project / "new.json").stat().st_mode) == 0o666 & ~mask


@pytest.mark.parametrize("option", ["--write-baseline", "--output-file"])
def test_a_missing_directory_is_a_clean_error(findings_project: Path, option: str) -> None:
    result = run_fapcheck("--no-cache", option, "missing/out.json", cwd=findings_project)
    assert result.returncode == 2
    assert result.stderr == f"error: {option} missing/out.json: the directory missing does not exist\n"


@pytest.mark.parametrize(
    "text",
    [
        '{"version": 1, "findings": [{"path": "a", "code": "FAP101", "fingerprint": "f", "count": -3}]}',
        '{"version": 1, "findings": [{"path": "a", "code": "FAP101", "fingerprint": "f", "count": 1.5}]}',
        '{"version": 1, "findings": ["x"]}',
        "[" * 100_000,
    ],
    ids=["negative", "fraction", "not-an-object", "deep"],
)
def test_an_odd_baseline_is_a_clean_error(findings_project: Path, text: str) -> None:
    (findings_project / "baseline.json").write_text(text)
    result = run_fapcheck("--no-cache", "--baseline", "baseline.json", cwd=findings_project)
    assert result.returncode == 2
    assert result.stderr.startswith("error: baseline.json: ") and "internal error" not in result.stderr
    assert result.stderr.count("\n") == 1


# ---------------------------------------------------------------- --fix


def test_fix_writes_through_a_symbolic_link_and_keeps_it(project: Path) -> None:
    write(project, FIXABLE)
    real = project / "real_routes.py"
    shutil.move(project / "app/api/routes.py", real)
    (project / "app/api/routes.py").symlink_to(real)
    result = run_fapcheck("--no-cache", "--fix", "app", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "app/api/routes.py").is_symlink()
    assert "await asyncio.sleep(1)" in real.read_text()


def test_fix_keeps_mode_owner_and_extended_attributes(project: Path) -> None:
    write(project, FIXABLE)
    routes = project / "app/api/routes.py"
    routes.chmod(0o754)
    is_root = os.geteuid() == 0
    if is_root:
        os.chown(routes, 1234, 4321)
    try:
        os.setxattr(routes, "user.origin", b"kept")
        has_xattr = True
    except OSError:  # a file system without user attributes
        has_xattr = False
    result = run_fapcheck("--no-cache", "--fix", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "await asyncio.sleep(1)" in routes.read_text()
    found = routes.stat()
    assert stat.S_IMODE(found.st_mode) == 0o754
    if is_root:
        assert (found.st_uid, found.st_gid) == (1234, 4321)
    if has_xattr:
        assert os.getxattr(routes, "user.origin") == b"kept"


def _fix_with_an_edit(project: Path, monkeypatch: pytest.MonkeyPatch, when: str) -> tuple[int, str, str]:
    """`--fix` in this process, while another writer edits the file: after the check (`when` = "checked")
    or while the fixes are made (`when` = "fixing")."""
    from fapcheck.cli import app
    from fapcheck.engine import batch, fixes

    routes = project / "app/api/routes.py"
    edited = routes.read_text().replace("'/x'", "'/edited'")

    if when == "checked":
        check = batch._check_file

        def check_then_edit(*args: object) -> object:
            outcome = check(*args)  # type: ignore[arg-type]
            routes.write_text(edited)
            return outcome

        monkeypatch.setattr(batch, "_check_file", check_then_edit)
    else:
        fix = fixes.fix_source

        def fix_while_editing(*args: object, **kwargs: object) -> object:
            outcome = fix(*args, **kwargs)  # type: ignore[arg-type]
            routes.write_text(edited)
            return outcome

        monkeypatch.setattr(fixes, "fix_source", fix_while_editing)
    result = CliRunner().invoke(app, ["check", "--no-cache", "--fix", "--output-format", "concise", "app"])
    return result.exit_code, result.output, edited


@pytest.mark.parametrize("when", ["checked", "fixing"])
def test_fix_never_overwrites_an_edit_made_while_it_ran(
    project: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    write(project, FIXABLE)
    code, output, edited = _fix_with_an_edit(project, monkeypatch, when)
    assert (project / "app/api/routes.py").read_text() == edited
    assert code == 1
    assert "warning: app/api/routes.py: changed on disk while fapcheck ran; not fixed" in output
    assert "FAP402" in output
    assert not [p for p in (project / "app/api").iterdir() if p.name.endswith(".tmp")]


def test_fix_of_a_file_edited_while_it_ran_exits_1_even_with_exit_zero(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project, {**FIXABLE, "pyproject.toml": "[tool.fapcheck]\nselect = ['FAP402']\n"})
    from fapcheck.cli import app
    from fapcheck.engine import fixes

    routes = project / "app/api/routes.py"
    fix = fixes.fix_source

    def fix_while_editing(*args: object, **kwargs: object) -> object:
        outcome = fix(*args, **kwargs)  # type: ignore[arg-type]
        routes.write_text(routes.read_text() + "# edited\n")
        return outcome

    monkeypatch.setattr(fixes, "fix_source", fix_while_editing)
    result = CliRunner().invoke(app, ["check", "--no-cache", "--fix", "--exit-zero", "app"])
    assert result.exit_code == 1
    assert routes.read_text().endswith("# edited\n") and "time.sleep(1)" in routes.read_text()


# ---------------------------------------------------------------- stale stamps


STAMPED = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/routes.py": "from fastapi import APIRouter\n\nfrom app.services.mail import send\n\n"
    "router = APIRouter()\n\n\n@router.post('/x')\nasync def x():\n    send()\n",
    "app/services/__init__.py": "",
    "app/services/mail.py": "import requests\n\n\ndef send():\n    requests.post('u')\n",
    "app/services/other.py": "import time\n\n\nasync def wait():\n    time.sleep(1)\n",
}


def _touch_stamp(path: Path) -> str:
    """The file's mtime as `touch -d` takes it, to the nanosecond."""
    ns = path.stat().st_mtime_ns
    return f"@{ns // 10**9}.{ns % 10**9:09d}"


def _concise(project: Path) -> str:
    result = run_fapcheck("--output-format", "concise", "--exit-zero", cwd=project)
    assert result.returncode == 0, result.stderr
    return str(result.stdout)


def test_a_change_that_keeps_size_and_mtime_is_never_answered_from_the_cache(project: Path) -> None:
    write(project, STAMPED)
    time.sleep(2.2)  # past the window in which no stamp is trusted
    first = _concise(project)
    assert "FAP406" in first and "FAP402" in first
    assert _concise(project) == first  # warm, stamps now trusted

    mail, other = project / "app/services/mail.py", project / "app/services/other.py"
    sizes = (mail.stat().st_size, other.stat().st_size)
    mtimes = (mail.stat().st_mtime_ns, other.stat().st_mtime_ns)
    # Same size, same mtime, other content: `touch -d` puts the time back.
    stamp = _touch_stamp(mail)
    mail.write_text(mail.read_text().replace("requests.post('u')", "print('_sent_')   "))
    subprocess.run(["touch", "-d", stamp, str(mail)], check=True)
    # `cp -p` of a file of the same size and time over another.
    twin = Path(tempfile.mkdtemp()) / "twin.py"  # outside the project: no directory of it changes
    twin.write_text(other.read_text().replace("time.sleep(1)", "print('zzzz')"))
    subprocess.run(["touch", "-d", _touch_stamp(other), str(twin)], check=True)
    subprocess.run(["cp", "-p", str(twin), str(other)], check=True)
    shutil.rmtree(twin.parent)
    assert (mail.stat().st_size, other.stat().st_size) == sizes
    assert (mail.stat().st_mtime_ns, other.stat().st_mtime_ns) == mtimes

    after = _concise(project)
    assert "FAP406" not in after  # the route's finding depended on the service's content
    assert "FAP402" not in after


# ---------------------------------------------------------------- the current directory is not imported


def test_python_m_fapcheck_imports_nothing_from_the_checked_directory(project: Path) -> None:
    write(project, LAYERED)
    planted = "import sys\nsys.stderr.write('IMPORTED FROM THE CHECKOUT\\n')\nsys.exit(9)\n"
    for name in ("typer", "tomllib", "hashlib", "rich", "libcst"):
        (project / f"{name}.py").write_text(planted)
    result = run_fapcheck("--no-cache", "--output-format", "concise", "app", cwd=project)
    assert "IMPORTED FROM THE CHECKOUT" not in result.stderr
    assert result.returncode == 1 and "FAP101" in result.stdout


# ---------------------------------------------------------------- output that cannot be forged

ODD_NAMES = {
    "newline": b"users\nfake.py:1:1: FAP999 forged.py",
    "escape": b"users\x1b[2J\x1b[31m.py",
    "not-utf8": b"users\xff.py",
    "bidi": "users\u202eyp.txt.py".encode(),
}


@pytest.mark.parametrize("odd", sorted(ODD_NAMES))
def test_odd_file_names_cannot_forge_or_break_any_format(project: Path, odd: str) -> None:
    import json
    from xml.etree import ElementTree

    write(project, {k: v for k, v in LAYERED.items() if k != "app/api/v1/users.py"})
    route = os.path.join(os.fsencode(project), b"app/api/v1/", ODD_NAMES[odd])
    with open(route, "wb") as stream:
        stream.write(b"from app.repositories.users import UserRepository  # '\x1b[31m'\n")
    outputs = {}
    for form in ("concise", "full", "github", "junit", "json", "json-lines", "sarif", "gitlab"):
        result = run_fapcheck("--no-cache", "--output-format", form, "app", cwd=project, text=False)
        assert result.returncode == 1, (form, result.stderr)
        outputs[form] = result.stdout.decode("utf-8")  # every format is valid UTF-8
    for form in ("concise", "full", "github", "junit"):
        text = outputs[form]
        assert "\x1b" not in text and "\u202e" not in text, form
    finding_lines = [line for line in outputs["concise"].splitlines() if "FAP" in line]
    assert len(finding_lines) == 1 and ": FAP101 route module imports" in finding_lines[0]  # one line, escaped
    if odd == "newline":
        assert finding_lines[0].startswith("app/api/v1/users\\x0afake.py")
    assert len([line for line in outputs["github"].splitlines() if line.startswith("::")]) == 1
    ElementTree.fromstring(outputs["junit"].split("\n", 1)[1])
    for form in ("json", "sarif", "gitlab"):
        json.loads(outputs[form])
    json.loads(outputs["json-lines"].splitlines()[0])
    if odd == "not-utf8":
        assert "users%FF.py" in outputs["sarif"]


# ---------------------------------------------------------------- files that are not regular files


def test_links_to_fifos_and_devices_are_never_opened(project: Path) -> None:
    write(project, LAYERED)
    os.mkfifo(project / "pipe")
    (project / "app/api/v1/pipe.py").symlink_to(project / "pipe")
    os.mkfifo(project / "app/.gitignore")  # a FIFO where an ignore file would be read
    try:
        os.mknod(project / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        (project / "app/api/v1/device.py").symlink_to(project / "null")
    except OSError:
        pass  # device nodes cannot be made here: the FIFO still is
    for command in (("--no-cache", "--output-format", "concise"), ("layers",)):
        result = run_fapcheck(*command, cwd=project)  # a hang would time out
        assert result.returncode in (0, 1), result.stderr
        assert "pipe.py" not in result.stdout and "device.py" not in result.stdout
    assert "FAP101" in run_fapcheck("--no-cache", "--output-format", "concise", cwd=project).stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"[tool.fapcheck]\nselect = ['\xff']\n", "not UTF-8"), (b"x = " + b"[" * 50_000, "not valid TOML")],
    ids=["not-utf8", "deep"],
)
def test_a_configuration_that_cannot_be_read_is_a_clean_error(project: Path, content: bytes, message: str) -> None:
    write(project, LAYERED)
    (project / "pyproject.toml").write_bytes(content)
    result = run_fapcheck("--no-cache", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
    assert "internal error" not in result.stderr


# ---------------------------------------------------------------- SIGTERM


def test_sigterm_ends_every_worker_promptly_and_leaves_nothing_behind(project: Path) -> None:
    import signal
    import sys

    from conftest import checkout_env

    files = {"app/__init__.py": "", "app/api/__init__.py": ""}
    body = "import time\n\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n\n"
    body += "".join(f"\n@router.get('/x{n}')\nasync def x{n}():\n    time.sleep(1)\n" for n in range(60))
    files.update({f"app/api/routes_{n}.py": body for n in range(300)})
    write(project, files)
    scratch = Path(tempfile.mkdtemp())
    env = {**checkout_env(), "TMPDIR": str(scratch)}
    process = subprocess.Popen(
        [sys.executable, "-m", "fapcheck", "--no-cache", "--fix", "-j", "2", "app"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    time.sleep(2.5)
    assert process.poll() is None, "the run ended before the signal: make the project bigger"
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert time.monotonic() - started < 10
    assert process.returncode == 143
    assert stderr.decode() == "fapcheck: terminated\n"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # every process of the run's group is gone
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("worker processes outlived the run")
    assert list(scratch.iterdir()) == []  # no facts exchange left
    assert not [p for p in (project / "app/api").iterdir() if p.name.endswith(".tmp")]
    for path in (project / "app/api").glob("routes_*.py"):  # each file fixed whole or not at all
        text = path.read_text()
        assert text == body or ("time.sleep" not in text and text.count("await asyncio.sleep(1)") == 60)
    shutil.rmtree(scratch)


# ---------------------------------------------------------------- patterns that would take minutes


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [("*a*a*a*a*a*a*a*a*a*a*ab", "more than 3 '*' in one path segment"), ("**/a/**/b/**/c/**/d/**/e", "'**'")],
)
def test_a_pattern_too_complex_to_match_quickly_is_refused(project: Path, pattern: str, reason: str) -> None:
    write(project, {**LAYERED, "pyproject.toml": f"[tool.fapcheck.layers]\nroute = ['{pattern}']\n"})
    started = time.monotonic()
    result = run_fapcheck("--no-cache", cwd=project)
    assert time.monotonic() - started < 20
    assert result.returncode == 2
    assert f"has an invalid pattern '{pattern}'" in result.stderr and reason in result.stderr, result.stderr


def test_patterns_of_everyday_complexity_still_work(project: Path) -> None:
    layers = "route = ['app/**/v1/**/*_*_*.py']\n"
    write(project, {**LAYERED, "app/api/v1/x_y_z.py": "", "pyproject.toml": f"[tool.fapcheck.layers]\n{layers}"})
    result = run_fapcheck("layers", "app/api/v1/x_y_z.py", cwd=project)
    assert result.returncode == 0 and "route" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("option", ["--write-baseline", "--output-file"])
def test_a_report_into_the_cache_directory_is_refused(findings_project: Path, option: str) -> None:
    assert run_fapcheck("--cache-dir", "cache", "--exit-zero", cwd=findings_project).returncode == 0
    tag = (findings_project / "cache" / "CACHEDIR.TAG").read_bytes()
    result = run_fapcheck("--cache-dir", "cache", option, "cache/CACHEDIR.TAG", cwd=findings_project)
    assert result.returncode == 2
    assert "is inside fapcheck's cache directory" in result.stderr, result.stderr
    assert (findings_project / "cache" / "CACHEDIR.TAG").read_bytes() == tag
