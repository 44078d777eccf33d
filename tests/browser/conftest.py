"""Real-browser fixtures: the app served on a free port, Debian's Chromium through Playwright, logins, axe-core.

Every browser test gets its own live server on top of the `app` fixture of tests/conftest.py, so the browser
talks HTTP to the same migrated test database (SQLite file or PostgreSQL) that the test reads back.
CSRF protection is on here, as in production: the browser sends the tokens the forms carry.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
BROWSER_DIR = Path(__file__).parent
DOCS_SCREENSHOTS = BROWSER_DIR.parent.parent / "docs" / "screenshots"
AXE_VERSION = "4"
AXE_DIR = Path(os.environ.get("GOVERNANCE_AXE_DIR") or Path(tempfile.gettempdir()) / "governance-axe-core")
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEFAULT_TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser drives a browser: mark it so `-m "not browser"` leaves it out."""
    for item in items:
        if BROWSER_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def app_config() -> dict:
    """Browser tests run with CSRF protection on: the forms must carry working tokens."""
    return {"WTF_CSRF_ENABLED": True}


class _InFlight:
    """WSGI wrapper that counts the requests being handled, so the server can stop once they are done."""

    def __init__(self, app):
        self.app = app
        self.active = 0
        self._changed = threading.Condition()

    def __call__(self, environ, start_response):
        with self._changed:
            self.active += 1
        try:
            # Flask ends the request's app context (and its database session) before this returns.
            return self.app(environ, start_response)
        finally:
            with self._changed:
                self.active -= 1
                self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.active == 0, timeout=timeout)


class LiveServer:
    """The app served by werkzeug on 127.0.0.1 and a free port, in a background thread."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.app = app
        self._in_flight = _InFlight(app)
        self._server = make_server("127.0.0.1", 0, self._in_flight, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server", daemon=True)

    def start(self) -> "LiveServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, then let requests still being handled finish: the `app` fixture empties the tables
        next, and on PostgreSQL a TRUNCATE racing a late request (a turnout poll, say) can deadlock."""
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._in_flight.wait_idle(timeout=10)
        self._server.server_close()

    def __call__(self, path: str = "/") -> str:
        """The absolute URL of a path on this server."""
        return self.url + path


@pytest.fixture
def live_server(app):
    server = LiveServer(app).start()
    yield server
    server.stop()


# Module scope, not session: Playwright's sync API allows one running instance per thread, and a test module
# that starts its own (overriding `browser`) must find none left running by an earlier module.
@pytest.fixture(scope="module")
def _playwright():
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')"
    )
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) "
            "to run the browser tests; `playwright install` is not used"
        )
    manager = sync_api.sync_playwright().start()
    yield manager
    manager.stop()


@pytest.fixture(scope="module")
def browser(_playwright):
    """One headless Chromium per test module; each test works in its own contexts."""
    chromium = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


class BrowserErrors(list):
    """Console errors, page errors and refused requests (CSP, failed loads) seen in this test's contexts."""

    # Chromium asks for /favicon.ico by itself; the app serves none, which is not an error of a page.
    IGNORED_URLS = re.compile(r"/favicon\.ico$")

    def note_console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if self.IGNORED_URLS.search(url):
            return
        self.append(f"console: {message.text} ({url})")

    def csp_violations(self) -> list[str]:
        return [e for e in self if "Content Security Policy" in e or "Refused to" in e]


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


@pytest.fixture
def new_context(browser, live_server, browser_errors):
    """Factory: a fresh browser context (its own cookies, so its own login) on the live server.

    The site's Content-Security-Policy stays in force (bypass_csp=False by default), so a script the CSP
    blocks is caught; axe-core is added as an init script, which the CSP does not apply to.
    """
    contexts = []

    def make(*, axe: bool = False, viewport=None, bypass_csp: bool = False, **options):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or {"width": 1280, "height": 900},
            bypass_csp=bypass_csp,
            **options,
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.on("console", lambda message: browser_errors.note_console(message))
        context.on("weberror", lambda error: browser_errors.append(f"page error: {error.error}"))
        if axe:
            context.add_init_script(path=str(axe_script()))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh context, not logged in."""
    return new_context().new_page()


def login(page, email: str, password: str = PASSWORD) -> None:
    """Log in through the login form (fields found by id, not by their translated labels)."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    if re.search(r"/login(\?|$)", page.url):
        errors = page.locator(".error, .error-summary").all_inner_texts()
        raise AssertionError(f"login as {email} failed: {errors}")


@pytest.fixture
def log_in():
    """The login helper as a fixture: log_in(page, email, password=PASSWORD)."""
    return login


@pytest.fixture
def user_page(new_context):
    """Factory: a new context and page, logged in as `email` (pass axe=True to be able to run axe-core)."""

    def make(email: str, password: str = PASSWORD, **context_options):
        page = new_context(**context_options).new_page()
        login(page, email, password)
        return page

    return make


# --- axe-core -------------------------------------------------------------------------------------------------

_axe_lock = threading.Lock()


def axe_script() -> Path:
    """The path of axe.min.js, installed once from npm into AXE_DIR (outside the repository)."""
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    with _axe_lock:
        if script.exists():
            return script
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not available, so axe-core cannot be installed for the accessibility checks")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [
                npm,
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(AXE_DIR),
                f"axe-core@{AXE_VERSION}",
            ],
            check=False,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0 or not script.exists():
            pytest.fail(f"npm install axe-core@{AXE_VERSION} failed:\n{result.stdout}\n{result.stderr}")
        return script


@pytest.fixture(scope="session")
def axe_path() -> Path:
    return axe_script()


def axe_violations(page, tags=WCAG_21_AA) -> list[dict]:
    """Run axe-core on the page (its context made with axe=True) and return the violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe_script()))  # needs a context with bypass_csp=True
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))",
        list(tags),
    )


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core found WCAG 2.1 AA violations on {what} ({page.url}):\n" + json.dumps(
        violations, indent=2, ensure_ascii=False
    )


@pytest.fixture
def axe_findings():
    """axe_findings(page): the WCAG 2.1 A/AA violations axe-core finds on the page, as a list of dicts."""
    return axe_violations


@pytest.fixture
def axe():
    """assert_accessible(page, what): fail with axe-core's findings at WCAG 2.1 A/AA."""
    return assert_accessible


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    """docs/screenshots when GOVERNANCE_SCREENSHOTS=1 (to refresh the committed pictures), else a temporary folder,
    so that an ordinary test run leaves the working tree clean."""
    if os.environ.get("GOVERNANCE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return DOCS_SCREENSHOTS
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def screenshot(screenshot_dir):
    """screenshot(page, name): save a full-page PNG named <name>.png in screenshot_dir."""

    def take(page, name: str) -> Path:
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
