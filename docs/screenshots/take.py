"""Take the README's screenshots: the query page after running an example, and
an entity page, from a real server on 127.0.0.1 driven by Debian's Chromium.

    .venv/bin/python docs/screenshots/take.py [--data-dir var/kg]

Serves the data directory's current build (build it first with `kg build`) on a
free port, writes `query-page.png` and `entity-page.png` beside this script,
then stops the server.
"""
from __future__ import annotations

import argparse
import shutil
import threading
from pathlib import Path

import waitress
from playwright.sync_api import sync_playwright

from kg.store.layout import DataDir
from server import create_app

HERE = Path(__file__).parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 860}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="data directory (default: KG_DATA_DIR or ./var/kg)")
    parser.add_argument("--example", default="Memberships of the EAEU over time",
                        help="title of the example query to run on the query page")
    parser.add_argument("--entity", default="/id/country/KGZ", help="path of the entity page to show")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("no `chromium` executable on PATH (Debian: apt-get install chromium)")

    app = create_app(data_dir=DataDir(args.data_dir))
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    url = f"http://127.0.0.1:{server.effective_port}"
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
            page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
            page.goto(url + "/")
            page.wait_for_selector("#catalog button.named-query")
            page.get_by_role("button", name=args.example).click()
            page.locator(".tabPanel.active .yasqe_queryButton").click()
            page.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr")
            page.screenshot(path=str(HERE / "query-page.png"))
            page.goto(url + args.entity)
            page.wait_for_load_state("networkidle")
            # Down to the trade chart and the first claims, not the whole page.
            page.screenshot(path=str(HERE / "entity-page.png"), full_page=True,
                            clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": 1700})
            browser.close()
    finally:
        server.close()
        app.extensions["kg"].close()
    print(f"wrote {HERE / 'query-page.png'} and {HERE / 'entity-page.png'}")


if __name__ == "__main__":
    main()
