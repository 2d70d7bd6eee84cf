"""The HTML report as a reader sees it: the test config's run, `snakemake --report`, opened in
headless Chromium and clicked through.

Snakemake 9's report is one HTML file holding a React app: every result is embedded as a base64
data URI in the script variable `results`, and nothing of it is in the DOM until the reader opens
it: a category in the menu lists its results, and each result's "eye" button shows an image as
<img src="data:image/png;...">, an HTML page in an <iframe src="data:text/html;...">. So the test
drives the page as a reader would (menu -> category -> eye button of every row) over Chromium's
DevTools protocol (--remote-debugging-pipe: no port, no extra package), and checks what each view
shows: that the image decodes (naturalWidth > 0), that the table page inside the iframe has its
tables and units, and that nothing was logged as an error or thrown on the way.

Chromium is Debian's `chromium` (`.ci/run` installs it); without it the test is skipped, except in
CI (the CI variable set), where it fails.
"""

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from test_workflow import snakemake

FIGURES = {
    "results/figures/rasters.png",
    "results/figures/transmission.png",
    "results/figures/state_space.png",
    "results/figures/survival_curves.png",
    "results/figures/survival_heatmap.png",
    "results/figures/window_sensitivity.png",
    "results/figures/bifurcation.png",
    "results/normalization/issue577.png",
    "results/normalization/survival.png",
    "results/normalization/threshold_vs_psp.png",
    "results/figures/prediction.png",
}
TABLES = {
    "results/report/configuration.html",
    "results/report/survival.html",
    "results/report/threshold.html",
    "results/report/fixed_points.html",
    "results/report/normalization_conventions.html",
}
TABLE_CATEGORY = "0. Configuration and tables"


def chromium_or_skip() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed, and CI must open the report in a browser (.ci/run installs it)")
    pytest.skip("chromium is not installed (Debian: apt-get install chromium): the report is not opened in a browser")


class DevTools:
    """A headless Chromium driven over the DevTools protocol on a pipe: JSON messages, each ended by
    a NUL byte; the browser reads commands on its fd 3 and writes replies and events on its fd 4."""

    def __init__(self, chromium: str, profile: Path, log: Path, size=(1400, 900)):
        to_browser, commands = os.pipe()
        replies, from_browser = os.pipe()
        # The browser's ends, moved above 9 so that they cannot be fd 3 or 4 already; bash puts them at
        # fd 3 and 4 and then becomes the browser.
        to_browser, from_browser = (self._above_9(fd) for fd in (to_browser, from_browser))
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [
                "bash",
                "-c",
                f'exec "$0" "$@" 3<&{to_browser} 4>&{from_browser} {to_browser}<&- {from_browser}>&-',
                chromium,
                "--headless",
                "--no-sandbox",  # root in CI
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                f"--window-size={size[0]},{size[1]}",
                "about:blank",
            ],
            pass_fds=(to_browser, from_browser),
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=self.log,
        )
        os.close(to_browser)
        os.close(from_browser)
        self.commands, self.replies = commands, replies
        self.buffer = b""
        self.last_id = 0
        self.events: list[dict] = []
        self.session = None

    @staticmethod
    def _above_9(fd: int) -> int:
        moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(fd)
        return moved

    def close(self):
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):  # already gone: fine
            self.call("Browser.close", session=False, timeout=10)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()  # by its PID: the browser this test started
            self.process.wait()
        os.close(self.commands)
        os.close(self.replies)
        self.log.close()

    def _message(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self.replies], [], [], left)
            if ready:
                chunk = os.read(self.replies, 1 << 20)
                if not chunk:
                    raise RuntimeError(f"Chromium closed the pipe (exit code {self.process.poll()})")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params=None, *, session=None, timeout=30.0) -> dict:
        """Send one command (to the page's session unless session=False) and return its result;
        events that arrive meanwhile are kept in self.events."""
        self.last_id += 1
        message = {"id": self.last_id, "method": method, "params": params or {}}
        session = self.session if session is None else session
        if session:
            message["sessionId"] = session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._message(deadline)
            if reply.get("id") == self.last_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str, timeout=60.0) -> dict:
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            event = self._message(deadline)
            if event.get("method") == method:
                return event
            self.events.append(event)

    def open_page(self, url: str):
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        self.call("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str, context=None, timeout=60.0):
        params = {"expression": expression, "awaitPromise": True, "returnByValue": True}
        if context is not None:
            params["contextId"] = context
        result = self.call("Runtime.evaluate", params, timeout=timeout)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    def frame_context(self, frame_id: str) -> int:
        """An execution context inside a (child) frame, for evaluating there."""
        return self.call("Page.createIsolatedWorld", {"frameId": frame_id, "worldName": "report-test"})[
            "executionContextId"
        ]

    def screenshot(self, path: Path):
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"]))

    def errors(self) -> list[str]:
        """Everything the page (and its frames) logged as an error or threw."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                found.append(f"exception: {details.get('exception', {}).get('description') or details['text']}")
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                found.append(f"console.{params['type']}: " + " ".join(str(a.get("value", a)) for a in params["args"]))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                found.append(f"log ({entry['source']}): {entry['text']} {entry.get('url', '')[:100]}")
        return found


# Helpers installed in the report page: the clicks a reader makes, and what the content pane shows.
CLICKS = r"""
window.reportTest = {
  settle: () => new Promise(done => setTimeout(done, 150)),
  link: (root, text) => [...root.querySelectorAll("a")].find(a => a.textContent.trim() === text),
  async home() {
    document.querySelector("nav nav ol a").click();  // the first breadcrumb: back to the menu
    await this.settle();
  },
  menu() {
    return [...document.querySelectorAll("nav ul li a")].map(a => a.textContent.trim());
  },
  async openCategory(name) {
    await this.home();
    const link = this.link(document.querySelector("nav"), name);
    if (!link) throw new Error(`no menu entry ${name}`);
    link.click();
    await this.settle();
    return [...document.querySelectorAll("nav table tbody tr")].map(
      row => [...row.querySelectorAll("td")].slice(0, -1).map(td => td.textContent.trim()).join(" / "));
  },
  async view(category, row) {
    await this.openCategory(category);
    document.querySelectorAll("nav table tbody tr")[row].querySelector("td:last-child a").click();  // the eye
    await this.settle();
    const path = app.state.resultPath;
    const images = [...document.querySelectorAll("#app img")].filter(img => !img.closest("nav"));
    const frames = [...document.querySelectorAll("#app iframe")];
    const shown = [];
    for (const img of images) {
      const decoded = await img.decode().then(() => true, () => false);
      shown.push({kind: "img", decoded, width: img.naturalWidth, height: img.naturalHeight,
                  transparent: decoded ? this.transparent(img) : null, src: img.getAttribute("src").slice(0, 30)});
    }
    for (const frame of frames) shown.push({kind: "iframe", src: frame.getAttribute("src").slice(0, 30)});
    return {path, caption: results[path].caption, mime: results[path].mime_type, shown};
  },
  transparent(img) {
    // The share of pixels left transparent: a figure (white background) that is cut short, a
    // truncated PNG say, decodes but shows its lower part empty.
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext("2d");
    context.drawImage(img, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let empty = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] === 0) empty++;
    return empty / (pixels.length / 4);
  },
  brokenImages() {
    return [...document.images].filter(img => img.complete && img.naturalWidth === 0).map(img => img.src.slice(0, 60));
  },
};
"""

# What a table page inside its iframe holds.
TABLE_PAGE = r"""
(async () => {
  for (let i = 0; i < 100 && document.readyState !== "complete"; i++) await new Promise(r => setTimeout(r, 50));
  return {
    title: document.querySelector("h1")?.textContent,
    tables: [...document.querySelectorAll("table")].map(t => ({
      headers: [...t.querySelectorAll("thead th")].map(th => th.textContent.trim()),
      rows: [...t.querySelectorAll("tbody tr")].map(tr => [...tr.querySelectorAll("td")].map(td => td.textContent.trim())),
    })),
    pre: [...document.querySelectorAll("pre")].map(p => p.textContent),
  };
})()
"""


@pytest.fixture(scope="module")
def chromium():
    return chromium_or_skip()  # before the workflow runs: a skip costs nothing


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The test config's whole workflow and its report, in a fresh directory."""
    workdir = tmp_path_factory.mktemp("report_run")
    result = snakemake(workdir, "--cores", "2", timeout=1800)  # about a minute on an idle machine
    assert result.returncode == 0, result.stderr[-3000:]
    result = snakemake(workdir, "--report", "results/report.html")
    assert result.returncode == 0, result.stderr[-3000:]
    # docutils reports caption markup it cannot read (e.g. |x| taken for a substitution) and goes on
    errors = [line for line in (result.stdout + result.stderr).splitlines() if "(ERROR/" in line or "(SEVERE/" in line]
    assert not errors, errors
    return workdir


@pytest.fixture(scope="module")
def browsed(chromium, report, tmp_path_factory):
    """Every result of the report opened in headless Chromium as a reader would: what each view
    showed (by result path), the table pages, the menu, broken images, errors logged, and the
    folder of screenshots (SYNFIRE_REPORT_SCREENSHOTS, else a temporary one)."""
    shots = Path(os.environ.get("SYNFIRE_REPORT_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    browser = DevTools(chromium, tmp_path_factory.mktemp("profile"), shots / "chromium.log")
    try:
        browser.open_page((report / "results" / "report.html").as_uri())
        browser.evaluate(CLICKS)
        browser.screenshot(shots / "start.png")
        menu = browser.evaluate("reportTest.menu()")
        categories = browser.evaluate("Object.keys(categories)")
        views, pages = {}, {}
        for category in categories:
            rows = browser.evaluate(f"reportTest.openCategory({json.dumps(category)})")
            for row, name in enumerate(rows):
                view = browser.evaluate(f"reportTest.view({json.dumps(category)}, {row})")
                view.update(category=category, row=name)
                views[view["path"]] = view
                stem = Path(view["path"]).stem
                browser.screenshot(shots / f"{category.split('.')[0]}-{stem}.png")
                if any(shown["kind"] == "iframe" for shown in view["shown"]):
                    tree = browser.call("Page.getFrameTree")["frameTree"]
                    (child,) = tree.get("childFrames", [])
                    pages[view["path"]] = browser.evaluate(
                        TABLE_PAGE, context=browser.frame_context(child["frame"]["id"])
                    )
        broken = browser.evaluate("reportTest.brokenImages()")
        errors = browser.errors()
    finally:
        browser.close()
    return dict(views=views, pages=pages, menu=menu, broken=broken, errors=errors, shots=shots)


def test_report_lists_every_figure_and_table(browsed):
    assert set(browsed["views"]) == FIGURES | TABLES, "results missing from (or unexpected in) the report"
    for category in {view["category"] for view in browsed["views"].values()}:
        assert category in browsed["menu"], f"category {category} is not in the menu"
    for path in TABLES:
        assert browsed["views"][path]["category"] == TABLE_CATEGORY, path


def test_every_figure_shows_as_an_image(browsed):
    for path in FIGURES:
        view = browsed["views"][path]
        assert view["mime"] == "image/png", path
        (image,) = [shown for shown in view["shown"] if shown["kind"] == "img"]
        assert image["src"].startswith("data:image/png"), (path, image)
        assert image["decoded"] and image["width"] > 300 and image["height"] > 200, (path, image)
        assert image["transparent"] == 0, f"{path}: part of the figure is not drawn ({image})"
    assert browsed["broken"] == [], "broken images in the report"


def test_every_caption_is_rendered_and_current(browsed):
    for path, view in browsed["views"].items():
        caption = view["caption"]
        assert caption and len(caption) > 80, f"{path}: no caption"
        assert "{{" not in caption and "conventions.md" not in caption, (
            path
        )  # tests/test_docs.py checks every file for outside references


def test_every_table_shows_with_units(browsed, report):
    pages = browsed["pages"]
    assert set(pages) == TABLES, "a table page was not shown in its frame"
    config = pages["results/report/configuration.html"]
    assert "seed 3" in config["title"]
    assert any("seed: 3" in text and "grid:" in text for text in config["pre"]), "the YAML of the configuration"

    def only_table(path):
        (table,) = pages[path]["tables"]
        return table

    survival = only_table("results/report/survival.html")
    csv = pd.read_csv(report / "results" / "tables" / "survival.csv")
    assert len(survival["rows"]) == len(csv) == 6
    assert {"a [spikes]", "σ [ms]", "P(survival)"} <= set(survival["headers"])
    threshold = only_table("results/report/threshold.html")
    assert {"σ [ms]", "a50, fitted [spikes]", "a50, interpolated [spikes]"} <= set(threshold["headers"])
    assert len(threshold["rows"]) == 2
    fixed = only_table("results/report/fixed_points.html")
    assert [row[0] for row in fixed["rows"]][:1] == ["attractor"] and "a [spikes]" in fixed["headers"]
    conventions = only_table("results/report/normalization_conventions.html")
    assert len(conventions["rows"]) == 4 and any("[mV]" in header for header in conventions["headers"])
    assert "unit area" in [row[0] for row in conventions["rows"]], "conventions named in words"


def test_no_error_in_the_browser(browsed):
    assert browsed["errors"] == [], f"errors in the browser console (screenshots: {browsed['shots']})"


@pytest.mark.parametrize("path", ["config/config.yaml", "config/paper.yaml", ".test/config/config.yaml"])
def test_every_variant_and_convention_has_words(path):
    """Legends and tables name variants with variants.label: never an id such as norm_unit_area_cal."""
    import yaml

    from diesmann1999.config import validate_config
    from diesmann1999.variants import label, variants
    from simcore.conventions import CONVENTIONS

    root = Path(__file__).resolve().parent.parent
    config = validate_config(yaml.safe_load((root / path).read_text()))
    names = variants(
        model=config["model"],
        grid=config["grid"],
        trials=config["trials"],
        trials_per_job=config["trials_per_job"],
        seed=config["seed"],
        bifurcation=config["bifurcation"],
        normalization=config["normalization"],
    )
    for name in [*names, *CONVENTIONS]:
        words = label(name)
        assert "_" not in words and not words.startswith(("norm", "size")) and words != name, (name, words)
