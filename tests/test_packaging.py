"""The wheel that `pip install .` builds runs on its own: init-db, then /login with its stylesheet.

Built from a copy of the checkout, installed without dependencies into a fresh virtual environment
that sees this environment's packages (offline, and fast), and run from a folder outside the checkout.
Deselect with `-m "not packaging"`.
"""

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCE = shutil.ignore_patterns(
    ".venv", ".git", "instance", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache", "tests"
)


def _setuptools_builds_wheels() -> bool:
    """Whether this environment's setuptools can build a wheel by itself (70.1 and later), so no download is needed."""
    try:
        import setuptools
    except ImportError:
        return False
    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv holding only the built wheel (its dependencies come from this environment)."""
    tmp = tmp_path_factory.mktemp("packaging")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    wheels = tmp / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(source)]
    if _setuptools_builds_wheels():
        build.insert(4, "--no-build-isolation")
    built = _run(build)
    assert "would be ignored" not in built.stderr  # the package data is configured, not guessed
    (wheel,) = wheels.glob("governance-*.whl")
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    # This environment's packages (Flask, SQLAlchemy, gunicorn...) but not its editable governance.
    (site / "parent-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet", str(wheel)])
    return {"python": python, "wheel": wheel, "tmp": tmp}


def test_the_wheel_carries_the_package_data(installed):
    import zipfile

    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for expected in (
        "governance/templates/base.html",
        "governance/templates/accounts/login.html",
        "governance/static/style.css",
        "governance/translations/nl/LC_MESSAGES/messages.mo",
        "governance/migrations/env.py",
        "governance/migrations/alembic.ini",
        "governance/migrations/versions/0001_foundation.py",
        "governance/demo/g32-2017-members.csv",
        "governance/charts/static/charts.css",
        "governance/accounts/common-passwords.txt.gz",
        "governance/accounts/common-passwords.LICENSE",
    ):
        assert expected in names


def test_the_installed_app_initialises_and_serves_the_login_page(installed):
    workdir = installed["tmp"] / "elsewhere"
    workdir.mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(workdir),
        "GOVERNANCE_INSTANCE_PATH": str(workdir / "instance"),
        "FLASK_SECRET_KEY": "packaging-test-secret",
        "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'governance.sqlite'}",
        "FLASK_SESSION_COOKIE_SECURE": "false",
        "FLASK_RATELIMIT_STORAGE_URI": "memory://",
    }
    python = str(installed["python"])
    where = _run([python, "-c", "import governance; print(governance.__file__)"], cwd=workdir, env=env).stdout
    assert str(installed["tmp"] / "venv") in where and str(ROOT) not in where
    init = _run([python, "-m", "flask", "--app", "governance", "init-db"], cwd=workdir, env=env)
    assert "Database ready" in init.stdout
    port = _free_port()
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "governance:create_app()"],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        page = _get(base + "/login", server)
        assert page.status == 200
        html = page.read().decode()
        assert 'lang="nl"' in html and "Inloggen" in html
        assert '<link rel="stylesheet" href="/static/style.css">' in html
        stylesheet = _get(base + "/static/style.css", server)
        assert stylesheet.status == 200 and stylesheet.headers["Content-Type"].startswith("text/css")
        assert b"{" in stylesheet.read()
        health = _get(base + "/healthz", server)
        assert health.status == 200 and b'"database":"ok"' in health.read().replace(b" ", b"")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get(url: str, server: subprocess.Popen):
    deadline = time.monotonic() + 60
    while True:
        try:
            return urllib.request.urlopen(url, timeout=10)
        except OSError:
            if server.poll() is not None:
                raise AssertionError(f"the server stopped: {server.stderr.read().decode()[-2000:]}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
