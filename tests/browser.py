"""A headless Chromium (the Debian package) driven over the DevTools protocol with
websocket-client, to check pages as a reader's browser shows them."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import websocket

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
MISSING = (
    "no Chromium found (looked for chromium, chromium-browser, google-chrome); install it with "
    "`apt-get install -y chromium` (.ci/run does)"
)
# For every element: its own text and the fonts Chromium used for it; every image's size; every
# link's target. Run after the page's fonts have loaded.
PAGE_FACTS = """
(async () => {
  await document.fonts.ready;
  const imgs = [...document.images].map(i => ({src: i.currentSrc || i.src,
    ok: i.complete && i.naturalWidth > 0}));
  const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  return {title: document.title, imgs, links, ids};
})()
"""
# Characters drawn as the "missing glyph" box: each character of the page drawn on a canvas in
# its element's font, compared with a code point no font has (U+10FFFD, private use).
MISSING_GLYPHS = """
(async () => {
  await document.fonts.ready;
  const groups = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    const font = `${style.fontStyle} ${style.fontWeight} 32px ${style.fontFamily}`;
    const chars = groups.get(font) || new Set();
    for (const ch of node.data) if (ch.codePointAt(0) > 0x7e && ch.trim()) chars.add(ch);
    groups.set(font, chars);
  }
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 48;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (font, ch) => {
    ctx.clearRect(0, 0, 48, 48);
    ctx.font = font;
    ctx.fillText(ch, 4, 36);
    return ctx.getImageData(0, 0, 48, 48).data;
  };
  const same = (a, b) => a.every((v, i) => v === b[i]);
  const missing = new Set();
  for (const [font, chars] of groups) {
    if (!chars.size) continue;
    await document.fonts.load(font, [...chars].join(''));
    const box = draw(font, String.fromCodePoint(0x10FFFD));
    for (const ch of chars) if (same(draw(font, ch), box)) missing.add(ch);
  }
  return [...missing];
})()
"""


def find_chromium() -> str:
    """The Chromium executable; an AssertionError naming the install command if there is none."""
    for name in CHROMIUM:
        found = shutil.which(name)
        if found:
            return found
    raise AssertionError(MISSING)


class Browser:
    """One headless Chromium with one tab, closed on exit."""

    def __init__(self, fonts: Path | None = None) -> None:
        """With `fonts`, Chromium sees only the fonts of that folder (and the pages' web fonts),
        whatever the machine has installed."""
        self.profile = tempfile.TemporaryDirectory(
            prefix="szpolicy-chromium-", ignore_cleanup_errors=True
        )
        env = dict(os.environ)
        if fonts:
            config = Path(self.profile.name) / "fonts.conf"
            config.write_text(
                f"<?xml version='1.0'?><fontconfig><dir>{fonts}</dir>"
                f"<cachedir>{self.profile.name}/fontcache</cachedir></fontconfig>"
            )
            env["FONTCONFIG_FILE"] = str(config)
        self.proc = subprocess.Popen(
            [
                find_chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                f"--user-data-dir={self.profile.name}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        port_file = Path(self.profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + 20
        while not (port_file.exists() and len(port_file.read_text().split()) == 2):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise AssertionError("Chromium did not open its DevTools port")
            time.sleep(0.05)
        port, path = port_file.read_text().split()
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=20)
        self.ids = itertools.count(1)
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "DOM", "CSS", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=True)

    def call(self, method: str, session: bool = False, **params: object) -> dict:
        """Send a DevTools command and wait for its answer (keeping the events that come first)."""
        msg_id = next(self.ids)
        msg = {"id": msg_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise AssertionError(f"{method}: {reply['error']}")
                return reply["result"]
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, event: str) -> None:
        """Block until the tab reports `event`."""
        while not any(e["method"] == event for e in self.events):
            reply = json.loads(self.ws.recv())
            if "method" in reply:
                self.events.append(reply)

    def open(self, url: str) -> dict:
        """Load a page; its title, images, links and console errors."""
        self.events = []
        answer = self.call("Page.navigate", session=True, url=url)
        if answer.get("errorText"):
            return {"error": answer["errorText"]}
        self.wait_for("Page.loadEventFired")
        facts = self.evaluate(PAGE_FACTS)
        facts["console"] = [
            e["params"]["entry"]["text"]
            for e in self.events
            if e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"
        ]
        return facts

    def missing_glyphs(self) -> list[str]:
        """Characters of the open page that no font available to it can draw (tofu)."""
        return self.evaluate(MISSING_GLYPHS)

    def evaluate(self, expression: str) -> object:
        """The value of a JavaScript expression (a promise awaited) in the open page."""
        answer = self.call(
            "Runtime.evaluate",
            session=True,
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in answer:
            raise AssertionError(f"page script failed: {answer['exceptionDetails']}")
        return answer["result"]["value"]

    def close(self) -> None:
        """Stop Chromium and remove its profile."""
        if getattr(self, "ws", None):
            self.ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def crawl(browser: Browser, start: Path) -> tuple[list[Path], list[str]]:
    """Open every page reachable from `start` inside its folder; the pages, and each problem
    found: a page that does not load, a console error, an image that does not render, a
    character drawn as a missing glyph, a link to a missing file or anchor."""
    root = start.parent.resolve()
    todo, seen, problems = [start.resolve()], set(), []
    anchors: dict[Path, set[str]] = {}
    wanted: list[tuple[Path, Path, str]] = []  # (page, target, fragment)
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        facts = browser.open(page.as_uri())
        if "error" in facts:
            problems.append(f"{page.name}: does not load: {facts['error']}")
            continue
        anchors[page] = set(facts["ids"])
        problems += [f"{page.name}: console error: {text}" for text in facts["console"]]
        problems += [
            f"{page.name}: image not rendered: {i['src']}" for i in facts["imgs"] if not i["ok"]
        ]
        problems += [f"{page.name}: missing glyph {ch!r}" for ch in browser.missing_glyphs()]
        for href in facts["links"]:
            url, fragment = urldefrag(href)
            parsed = urlparse(url)
            if parsed.scheme != "file":
                continue
            target = Path(unquote(parsed.path)).resolve()
            if not target.is_file():
                problems.append(f"{page.name}: broken link to {target}")
            elif target.is_relative_to(root):
                if fragment:
                    wanted.append((page, target, unquote(fragment)))
                if target.suffix == ".html":
                    todo.append(target)
    problems += [
        f"{page.name}: broken link to {target.name}#{fragment}"
        for page, target, fragment in wanted
        if target in anchors and fragment not in anchors[target]
    ]
    return sorted(seen), problems
