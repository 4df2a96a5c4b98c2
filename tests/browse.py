"""Opening many pages of the built site in Debian's chromium at once (Playwright's async API, no browser download).

A page is waited for until the network is idle (half a second without requests), so pages are visited a few at a
time rather than one after another.
"""

from __future__ import annotations

import asyncio

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROKEN_IMAGES = "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"


def visit(server: str, rels: list[str], width: int, script: str = "() => null", at_once: int = 4) -> dict[str, dict]:
    """Open each page ``server/rel`` in a ``width``-px window; per page: script errors, refused outside requests,
    broken images, and what ``script`` returned."""
    return asyncio.run(_visit(server, rels, width, script, at_once))


async def _visit(server, rels, width, script, at_once):
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = await browser.new_context(viewport={"width": width, "height": 900})
        slots = asyncio.Semaphore(at_once)

        async def one(rel: str) -> tuple[str, dict]:
            async with slots:
                page = await context.new_page()
                seen = {"errors": [], "external": []}

                async def offline(route):  # the site must work without the internet: record and refuse
                    seen["external"].append(route.request.url)
                    await route.abort()

                await page.route(lambda url: not url.startswith(server), offline)
                page.on("pageerror", lambda exc: seen["errors"].append(f"pageerror: {exc}"))
                page.on("console", lambda msg: msg.type == "error" and seen["errors"].append(f"console: {msg.text}"))
                await page.goto(f"{server}/{rel}", wait_until="load")
                await page.wait_for_load_state("networkidle")  # index.html redirects to the intro
                seen["broken"] = await page.evaluate(BROKEN_IMAGES)
                seen["value"] = await page.evaluate(script)
                await page.close()
                return rel, seen

        results = dict(await asyncio.gather(*(one(rel) for rel in rels)))
        await browser.close()
    return results
