"""The live preview's web server: the preview folder on 127.0.0.1, and reloads pushed to open pages.

A small threaded `http.server`. Every HTML page it sends gets one script tag added before
`</body>` (in the response only: the built files are never changed), which opens a
server-sent event stream. Through it the server tells the page

- to reload, once a rebuild that changed this page (or every page) is complete on disk;
- the check's problems while the content is broken: the page shows them in a banner fixed at
  the top (text set with textContent, never as HTML: the messages quote editors' text) and
  keeps its last good content; when a save fixes them, the banner goes and the page reloads.

The page says which build it was served from, so a rebuild that finishes between sending
the page and opening the stream is not missed, and a restarted server makes pages reload.
"""

from __future__ import annotations

import html
import http.server
import json
import secrets
import socket
import threading
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

PREFIX = "/__preview__/"
HISTORY = 500  # builds remembered; a page older than that reloads
KEEPALIVE_SECONDS = 15.0

# The page's side: no framework, no HTML from strings.
LIVE_JS = r"""(function () {
  "use strict";
  var me = document.currentScript;
  var build = me.getAttribute("data-build");
  var instance = me.getAttribute("data-instance");
  var banner = null;
  function show(problems) {
    if (!problems.length) {
      if (banner) { banner.remove(); banner = null; }
      return;
    }
    if (!banner) {
      banner = document.createElement("div");
      banner.id = "preview-problems";
      banner.setAttribute("role", "alert");
      banner.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:10000;max-height:50vh;" +
        "overflow:auto;background:#b71c1c;color:#fff;font:14px/1.4 monospace;padding:.6em 1em;" +
        "box-shadow:0 2px 6px rgba(0,0,0,.4);white-space:pre-wrap";
      document.body.appendChild(banner);
    }
    banner.replaceChildren();
    var title = document.createElement("strong");
    title.textContent = "The preview was not updated: fix these problems and save again.";
    banner.appendChild(title);
    var list = document.createElement("ul");
    list.style.cssText = "margin:.4em 0 0;padding-left:1.2em";
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      item.textContent = problem;
      list.appendChild(item);
    });
    banner.appendChild(list);
  }
  var query = "?build=" + encodeURIComponent(build) + "&instance=" + encodeURIComponent(instance) +
    "&page=" + encodeURIComponent(location.pathname);
  var source = new EventSource("/__preview__/events" + query);
  source.onmessage = function (event) {
    var state = JSON.parse(event.data);
    if (state.reload) { source.close(); location.reload(); return; }
    show(state.problems || []);
  };
})();
"""


def page_key(path: str) -> str:
    """A request path or a MkDocs page URL as one key: '/countries/ken/index.html' and
    'countries/ken/' are both 'countries/ken/'."""
    path = unquote(path).lstrip("/")
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return path


class LiveState:
    """Builds and problems, shared by the rebuild loop and the event streams."""

    def __init__(self):
        self.instance = secrets.token_hex(6)
        self.build = 0
        self.history: list[tuple[int, frozenset[str] | None]] = []  # (build, page keys or None: all)
        self.problems: list[str] = []
        self.stopping = False
        self.watchers: dict[str, int] = {}  # page key -> open event streams
        self.condition = threading.Condition()

    def published(self, urls: list[str] | None, problems: list[str] | None = None) -> None:
        """A rebuild is on disk: the pages at `urls` (None: every page) changed. With
        `problems`, the check's problems become those at the same moment."""
        with self.condition:
            if problems is not None:
                self.problems = list(problems)
            self.build += 1
            self.history.append((self.build, None if urls is None else frozenset(page_key(u) for u in urls)))
            del self.history[:-HISTORY]
            self.condition.notify_all()

    def set_problems(self, problems: list[str]) -> None:
        with self.condition:
            if problems != self.problems:
                self.problems = list(problems)
                self.build += 1  # wakes the streams; changes no page
                self.history.append((self.build, frozenset()))
                del self.history[:-HISTORY]
                self.condition.notify_all()

    def stop(self) -> None:
        with self.condition:
            self.stopping = True
            self.condition.notify_all()

    def open_pages(self) -> set[str]:
        with self.condition:
            return {key for key, count in self.watchers.items() if count}

    def changed_since(self, build: int, key: str) -> bool:
        if build >= self.build:
            return False
        if not self.history or self.history[0][0] > build + 1:
            return True  # older than what we remember
        return any(pages is None or key in pages for number, pages in self.history if number > build)


class Handler(http.server.SimpleHTTPRequestHandler):
    server: PreviewServer

    folder: Path = Path(".")  # set by PreviewServer on its own subclass
    state: LiveState = None  # type: ignore[assignment]

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    cache_control = "no-cache"  # revalidated by date (304): theme assets are not sent again

    def end_headers(self):
        self.send_header("Cache-Control", self.cache_control)
        super().end_headers()

    def do_GET(self):
        self.cache_control = "no-cache"
        path = urlsplit(self.path).path
        if path == PREFIX + "live.js":
            return self._send(200, "text/javascript; charset=utf-8", LIVE_JS.encode())
        if path == PREFIX + "events":
            return self._events()
        if path.startswith(PREFIX):
            return self._send(404, "text/plain; charset=utf-8", b"not found")
        return self._file(head=False)

    def do_HEAD(self):
        self.cache_control = "no-cache"
        return self._file(head=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(self.folder), **kwargs)

    def _send(self, status: int, kind: str, body: bytes, head: bool = False) -> None:
        self.cache_control = "no-store"  # pages (with the build number in them) and the script
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _file(self, head: bool) -> None:
        path = urlsplit(self.path).path
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            if not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            target = target / "index.html"
        if not target.name.endswith((".html", ".htm")):
            return super().do_HEAD() if head else super().do_GET()
        state = self.state
        with state.condition:
            build = state.build  # read before the file: a later rebuild makes the page reload
        try:
            body = target.read_bytes()
            status = 200
        except OSError:
            missing = self.folder / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"<html><body>Not found</body></html>"
            status = 404
        tag = (f'<script src="{PREFIX}live.js" data-build="{build}" '
               f'data-instance="{html.escape(state.instance)}"></script>').encode()
        at = body.rfind(b"</body>")
        body = body[:at] + tag + body[at:] if at >= 0 else body + tag
        self._send(status, "text/html; charset=utf-8", body, head)

    def _events(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        state = self.state
        key = page_key(query.get("page", ["/"])[0])
        try:
            build = int(query.get("build", ["0"])[0])
        except ValueError:
            build = 0
        same_server = query.get("instance", [""])[0] == state.instance
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        with state.condition:
            state.watchers[key] = state.watchers.get(key, 0) + 1
        try:
            self.wfile.write(b"retry: 500\n\n")
            while True:
                with state.condition:
                    if state.stopping:
                        return
                    reload = not same_server or state.changed_since(build, key)
                    message = {"reload": reload, "problems": state.problems, "build": state.build}
                    seen = state.build
                    build = max(build, seen) if not reload else build
                self.wfile.write(b"data: " + json.dumps(message).encode() + b"\n\n")
                self.wfile.flush()
                if reload:
                    return
                with state.condition:
                    state.condition.wait_for(lambda: state.stopping or state.build != seen, KEEPALIVE_SECONDS)
                    changed = state.build != seen or state.stopping
                if not changed:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return
        finally:
            with state.condition:
                state.watchers[key] -= 1


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True  # open event streams never hold the process
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], folder: Path, state: LiveState):
        handler = type("PreviewHandler", (Handler,), {"folder": folder, "state": state})
        super().__init__(address, handler)
        self.state = state
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, name="preview-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port (open event streams are told to end)."""
        self.state.stop()
        if self._thread is not None:  # shutdown() waits for serve_forever, so only if it ran
            self.shutdown()
            self._thread.join()
        self.server_close()


def parse_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return (host or "127.0.0.1").strip("[]"), int(port)


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True

