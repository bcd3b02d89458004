"""Accessibility checks with axe-core, injected into a Playwright page.

axe-core comes from npm (``package.json`` at the project root; ``make test`` installs
it). A page fails when axe reports any *serious* or *critical* violation of
WCAG 2.0/2.1 level A or AA.
"""

from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def axe_preload(context) -> None:
    """Load axe into every page *context* opens, as it opens: much faster than
    adding it to each page afterwards (the page crawl opens hundreds)."""
    _require_axe()
    context.add_init_script(path=str(AXE_SCRIPT))


def _require_axe() -> None:
    if not AXE_SCRIPT.exists():
        raise AssertionError(
            f"axe-core tidak ada di {AXE_SCRIPT}; jalankan `make test` (npm install)."
        )


def axe_violations(page) -> list[dict]:
    """Run axe on *page* and return its serious and critical WCAG A/AA violations."""
    _require_axe()
    if not page.evaluate("typeof axe !== 'undefined'"):
        # not already there from the context's init script (see axe_preload)
        page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def assert_accessible(page) -> None:
    """Fail with a readable list when the page has a blocking accessibility problem."""
    violations = axe_violations(page)
    lines = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in violations
    ]
    assert not violations, f"{page.url}:\n" + "\n".join(lines)


def assert_fits_width(page, width: int = 360) -> None:
    """Fail when the page scrolls sideways at *width* pixels."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide at {width}px"
