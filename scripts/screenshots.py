"""Screenshots of one Parley checkout for the README (issue 15's before/after pairs).

    .venv/bin/python scripts/screenshots.py CHECKOUT OUTDIR before|after

Starts CHECKOUT's own Parley (its scripts/bootstrap, then its `.venv/bin/parley serve`) on a
free 127.0.0.1 port with a throwaway data directory, signs in the owner with the link that
`parley createadmin` prints and a member with `parley jwt mint --link`, asks the demo model
one question, and saves OUTDIR/<label>-<page>-<width>x<height>.png for the chat with its
answer, the login page, Admin → Users, and the widget opened on a page of another site.
Needs Playwright (a dev dependency) and Debian's /usr/bin/chromium.
"""

import argparse
import contextlib
import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import expect, sync_playwright

SIZES = [(1366, 900), (390, 844)]
CHROMIUM = "/usr/bin/chromium"
QUESTION = "How do tides work?"
WIDGET_QUESTION = "Where is my order?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Checkout:
    """One checkout's Parley: its CLI and a running `parley serve`."""

    def __init__(self, root: Path, data_dir: Path):
        self.root = root
        self.parley = root / ".venv" / "bin" / "parley"
        self.env = {**os.environ, "PARLEY_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
        for name in ("DATABASE_URL", "REDIS_URL", "PARLEY_PUBLIC_URL", "DJANGO_SETTINGS_MODULE"):
            self.env.pop(name, None)
        self.env["PARLEY_SECRET_KEY"] = "screenshots-secret-key-not-for-production"
        self.log = data_dir / "serve.log"
        self.base = ""

    def cli(self, *argv: str) -> str:
        result = subprocess.run(  # noqa: S603 - the checkout's own parley, fixed arguments
            [str(self.parley), *argv], env=self.env, capture_output=True, text=True, timeout=120
        )
        if result.returncode != 0:
            sys.exit(f"parley {' '.join(argv)} failed:\n{result.stderr}")
        return result.stdout

    def link(self, printed: str) -> str:
        """A login link the CLI printed, pointed at this server (the CLI names port 8000)."""
        url = next(w for w in printed.split() if w.startswith("http"))
        parts = urlsplit(url)
        return self.base + parts.path + (f"?{parts.query}" if parts.query else "")

    @contextlib.contextmanager
    def serving(self):
        bootstrap = self.root / "scripts" / "bootstrap"
        subprocess.run([str(bootstrap)], cwd=self.root, check=True)  # noqa: S603 - fixed
        port = free_port()
        with self.log.open("w") as out:
            process = subprocess.Popen(  # noqa: S603 - fixed arguments
                [str(self.parley), "serve", "--port", str(port)],
                env=self.env,
                cwd=self.root,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    urllib.request.urlopen(self.base + "/accounts/login/", timeout=2)  # noqa: S310
                    break
                except (urllib.error.URLError, ConnectionError):
                    if process.poll() is not None or time.monotonic() > deadline:
                        sys.exit(f"parley serve did not start:\n{self.log.read_text()}")
                    time.sleep(0.3)
            yield self
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@contextlib.contextmanager
def host_site(page_html: str):
    """The integrator's site at http://localhost:<port>/ (cross-site to 127.0.0.1)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            data = page_html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def shop_page(base: str, code: str) -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Example Shop</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;color:#1f2937}}
header{{background:#111827;color:#fff;padding:16px 24px;font-weight:600}}
main{{padding:24px;max-width:720px}}</style>
<script defer data-external-auth-code="{code}" src="{base}/widget.js"></script>
</head><body><header>Example Shop</header><main><h1>Your orders</h1>
<p>Order #1042 — shipped on Monday.</p><p>Questions? Ask us in the chat.</p></main>
</body></html>"""


def wait_for_answer(scope):
    """The demo model's answer has arrived and stopped streaming (chat and widget alike)."""
    answer = scope.locator(".msg-assistant").last
    expect(answer).to_contain_text("demo", timeout=30_000)
    expect(scope.locator(".streaming")).to_have_count(0, timeout=30_000)


def capture(checkout: Path, out: Path, label: str):
    out.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix=f"parley-shots-{label}-"))
    try:
        with Checkout(checkout, data_dir).serving() as parley, sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            owner_link = parley.link(parley.cli("createadmin", "--email", "owner@example.com"))
            parley.cli("jwt", "enable")
            member_link = parley.link(
                parley.cli(
                    "jwt", "mint", "--user-id", "kim-7", "--user-email", "kim@example.com", "--link"
                )
            )
            shop_code = parley.cli(
                "jwt", "mint", "--user-id", "shop-42", "--user-email", "sam@example.com"
            ).strip()

            def shot(page, name, width, height):
                path = out / f"{label}-{name}-{width}x{height}.png"
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(path))
                print(f"{path} ({path.stat().st_size // 1024} KB, {page.url})")

            def signed_in(link):
                width, height = SIZES[0]
                context = browser.new_context(viewport={"width": width, "height": height})
                context.set_default_timeout(20_000)
                page = context.new_page()
                page.goto(link)
                return context, page

            # The login page, signed out.
            for width, height in SIZES:
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                page.goto(parley.base + "/accounts/login/")
                shot(page, "login", width, height)
                context.close()

            # The member's chat with the demo model's answer.
            context, page = signed_in(member_link)
            page.get_by_label("Message").fill(QUESTION)
            page.get_by_label("Message").press("Enter")
            wait_for_answer(page)
            conversation = page.url
            for width, height in SIZES:
                page.set_viewport_size({"width": width, "height": height})
                page.goto(conversation)
                wait_for_answer(page)
                shot(page, "chat", width, height)
            context.close()

            # Admin → Users, as the owner.
            context, page = signed_in(owner_link)
            for width, height in SIZES:
                page.set_viewport_size({"width": width, "height": height})
                page.goto(parley.base + "/admin/")
                expect(page.get_by_text("kim@example.com").first).to_be_attached()
                shot(page, "admin-users", width, height)
            context.close()

            # The widget, opened with an answer, on a page of another site.
            with host_site(shop_page(parley.base, shop_code)) as shop:
                parley.cli(
                    "manage",
                    "shell",
                    "-c",
                    "from parley.widget import services as s; w = s.widget_settings(); "
                    f"s.update_widget_settings(allowed_origins=[{shop!r}], title=w.title, "
                    "accent_color=w.accent_color, position=w.position, open_on_load=False)",
                )
                for width, height in SIZES:
                    context = browser.new_context(viewport={"width": width, "height": height})
                    context.set_default_timeout(20_000)
                    page = context.new_page()
                    page.goto(shop + "/")
                    page.get_by_role("button", name=re.compile("^Open ")).click()
                    frame = page.frame_locator('iframe[data-parley-frame="0"]')
                    frame.get_by_label("Message").fill(WIDGET_QUESTION)
                    frame.get_by_role("button", name="Send").click()
                    wait_for_answer(frame)
                    shot(page, "widget", width, height)
                    context.close()
            browser.close()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path, help="a Parley checkout (its scripts/bootstrap)")
    parser.add_argument("outdir", type=Path, help="where the PNGs go, e.g. docs/screenshots")
    parser.add_argument("label", choices=["before", "after"])
    args = parser.parse_args()
    capture(args.checkout.resolve(), args.outdir.resolve(), args.label)


if __name__ == "__main__":
    main()
