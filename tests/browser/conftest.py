"""Browser tests: Playwright drives the system's Chromium (Debian package), headless.

Screenshots go to ``ESSAIM_SCREENSHOTS_DIR`` (``make screenshots`` sets it to docs/screenshots/),
else to ``test-results/screenshots/``.

Accessibility: every page a browser test opens is scanned by axe-core (vendored from the npm package
``axe-core``, see ``vendor/axe-core/README.md``; injected by Playwright, never fetched from a CDN). Each
document is scanned once loaded, again before each screenshot and at the end of the test (after the
htmx updates and clicks the test made); a serious or critical WCAG 2.1 A/AA violation fails the test.

Waits: a step waits for what it leads to (the next page's URL, a heading or message it shows: web-first
assertions, which return as soon as they hold), then ``settled(page)`` for the new document's scan; never
for the network to fall silent (« networkidle »: 500 ms of silence after each step).
"""

import contextlib
import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("ESSAIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


FRENCH_ENV = {"LANGUAGE": "fr", "LANG": "fr_FR.UTF-8"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : lancez « make browser-deps ».")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Chromium takes its interface language (date inputs: jj/mm/aaaa) from LANGUAGE, with the French
        # locale of the chromium-l10n package; the context's locale only sets navigator.language.
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, env={**os.environ, **FRENCH_ENV}
        )
        yield browser
        browser.close()


AXE_DIR = Path(__file__).parent / "vendor" / "axe-core"
# WCAG 2.0 and 2.1, levels A and AA. `label-content-name-mismatch` (WCAG 2.5.3) is tagged "experimental" in
# axe-core, which axe leaves out unless that tag is asked for: experimental rules run, and only those that
# carry one of the WCAG tags below count.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
FAILING_IMPACTS = ("serious", "critical")
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": [*WCAG_TAGS, "experimental"]}, "resultTypes": ["violations"]}
# Defines window.__essaimAxeScan() (one scan at a time: a new one waits for the running one) and scans each
# top-level document once it has loaded, reporting to the test through the __essaimAxeReport binding.
AXE_HOOK = """
(() => {
  if (window.top !== window || !window.axe) return;
  const options = AXE_OPTIONS;
  let running = Promise.resolve();
  window.__essaimAxeScan = () => {
    running = running.catch(() => null).then(() => window.axe.run(document, options)).then((results) => ({
      url: location.href,
      violations: results.violations.map((v) => ({
        id: v.id, impact: v.impact, tags: v.tags, help: v.help,
        nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html.slice(0, 300)})),
      })),
    }));
    return running;
  };
  // Settles once the scan made at load has been reported: settled() in the tests waits for it.
  let reported;
  window.__essaimAxeLoadScan = new Promise((resolve) => { reported = resolve; });
  window.addEventListener("load", () => {
    window.__essaimAxeScan().then((report) => window.__essaimAxeReport(report), () => null).then(reported, reported);
  });
})();
""".replace("AXE_OPTIONS", json.dumps(AXE_OPTIONS))


class AxeScans:
    """The axe reports of the pages a test opened, and the WCAG A/AA violations that fail it."""

    def __init__(self):
        self.reports = []

    def add(self, report):
        if report:
            self.reports.append(report)

    def scan(self, page):
        """Scan the page as it is now (waits for the scan); nothing for a page that is not the site's.
        A page still navigating (a click's form post) is scanned once its new document has loaded."""
        from playwright.sync_api import Error

        for attempt in range(3):
            try:
                if page.url.startswith("http") and page.evaluate("() => typeof window.__essaimAxeScan === 'function'"):
                    self.add(page.evaluate("() => window.__essaimAxeScan()"))
                return
            except Error as error:
                if "context was destroyed" not in str(error) or attempt == 2:
                    raise
                page.wait_for_load_state()

    def failures(self):
        found = {}
        for report in self.reports:
            for violation in report["violations"]:
                if violation["impact"] not in FAILING_IMPACTS or not set(WCAG_TAGS) & set(violation["tags"]):
                    continue
                for node in violation["nodes"]:
                    key = (violation["id"], node["target"])
                    found.setdefault(key, {**violation, "node": node, "urls": []})
                    if report["url"] not in found[key]["urls"]:
                        found[key]["urls"].append(report["url"])
        return list(found.values())

    def message(self):
        lines = ["Accessibilité (axe-core, WCAG 2.1 A/AA) : violations graves ou critiques"]
        for failure in self.failures():
            lines.append(
                f"- {failure['id']} ({failure['impact']}) : {failure['help']}\n"
                f"  élément {failure['node']['target']} : {failure['node']['html']}\n"
                f"  pages : {', '.join(failure['urls'])}"
            )
        return "\n".join(lines)


@pytest.fixture
def axe_scans():
    return AxeScans()


@pytest.fixture
def page(browser, axe_scans):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    context.set_default_timeout(15_000)
    # A page load waits for the live server, whose first request (and any on a loaded 2-core CI machine)
    # can take longer than a click.
    context.set_default_navigation_timeout(60_000)
    context.expose_function("__essaimAxeReport", axe_scans.add)
    context.add_init_script(path=AXE_DIR / "axe.min.js")
    context.add_init_script(script=AXE_HOOK)
    page = context.new_page()
    yield page
    axe_scans.scan(page)  # the page as the test left it
    context.close()
    if axe_scans.failures():
        pytest.fail(axe_scans.message(), pytrace=False)


@pytest.fixture(scope="session")
def screenshots_dir():
    folder = Path(os.environ.get("ESSAIM_SCREENSHOTS_DIR") or (settings.BASE_DIR / "test-results" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def screenshot(page, screenshots_dir, axe_scans):
    def take(name):
        axe_scans.scan(page)
        page.screenshot(path=str(screenshots_dir / f"{name}.png"), full_page=True)

    return take


# The territory files, parsed once per test process, and the simplified contours drawn from them: each
# browser test loads the territories into its flushed database again (territories_load, unchanged), without
# parsing 3 800 contours and simplifying them again (about 20 s of CPU a test on a loaded 2-core machine).
# The loading itself, its errors and its idempotence are tested in tests/territories/.
_TERRITORY_FILES: dict[tuple[str, str], dict] = {}
_SIMPLIFIED: dict[int, tuple[object, object]] = {}
_TERRITORY_READERS = ("_read_departments", "_read_employment_zones", "_read_epcis", "_read_communes")


@contextlib.contextmanager
def _territory_files_read_once():
    from essaim.territories import services, svg

    def cached(name, read):
        def wrapper(data_dir, **kwargs):
            key = (name, str(data_dir))
            if key not in _TERRITORY_FILES:
                _TERRITORY_FILES[key] = read(data_dir, **kwargs)
            # territories_load rewrites the rows it is given (codes become ids): a fresh dict per row.
            return {code: dict(values) for code, values in _TERRITORY_FILES[key].items()}

        return wrapper

    simplify = svg.simplify

    def simplify_once(geometry):
        if id(geometry) not in _SIMPLIFIED:  # the geometry is kept in the cache, so its id stays its own
            _SIMPLIFIED[id(geometry)] = (geometry, simplify(geometry))
        return _SIMPLIFIED[id(geometry)][1]

    with pytest.MonkeyPatch.context() as patch:
        for name in _TERRITORY_READERS:
            patch.setattr(services, name, cached(name, getattr(services, name)))
        patch.setattr(svg, "simplify", simplify_once)
        yield


def _load_territories_and_demo():
    from essaim.demo.services import demo_load
    from essaim.territories.services import territories_load

    with _territory_files_read_once():
        territories_load(data_dir=settings.ESSAIM_DATA_DIR)
    demo_load()


@pytest.fixture
def demo_world(transactional_db):
    """The reference territories and the demo content, as `make run` loads them: loaded by the first
    browser test of the process, copied back into the flushed database by the next ones (tests/worlds.py)."""
    from tests.worlds import loaded

    loaded("demo", _load_territories_and_demo)


def settled(page):
    """Wait until the page's document has loaded and axe has scanned it (the scan AXE_HOOK makes at load),
    so that the test's next step, a navigation, never cuts that scan short. Call it once the step's outcome
    is seen on the new document (its URL, its heading or message): on the previous document it would not
    wait. Nothing to wait for on a page that is not the site's."""
    from playwright.sync_api import Error

    for attempt in range(3):
        try:
            page.evaluate("() => window.__essaimAxeLoadScan")
            return
        except Error as error:
            if "context was destroyed" not in str(error) or attempt == 2:
                raise
            page.wait_for_load_state()


def login(page, live_server, email, password):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    # Signed in: the form leads away from the sign-in page, to a page that offers to sign out.
    page.wait_for_url(lambda url: not url.startswith(f"{live_server.url}/connexion/"))
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    settled(page)


def logout(page):
    from playwright.sync_api import expect

    page.get_by_role("button", name="Se déconnecter").click()
    # Signed out: back on the sign-in form.
    page.wait_for_url(re.compile(r"/connexion/"))
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    settled(page)
