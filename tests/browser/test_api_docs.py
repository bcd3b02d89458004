"""The API documentation page renders in Chromium under the site's real CSP."""

import pytest

from tests.api.fixtures import sidecar  # noqa: F401 (Swagger UI static files)
from tests.browser.conftest import save_screenshot


@pytest.fixture
def strict_page(chromium, live_server, sidecar):  # noqa: F811
    """A desktop page that enforces the CSP (the other browser tests bypass it)."""
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900},
        base_url=live_server.url,
        locale="id-ID",
        bypass_csp=False,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def test_docs_page_renders_both_endpoints_without_csp_violations(
    transactional_db, strict_page
):
    """Swagger UI loads from our origin, shows both endpoints, and breaks no CSP rule."""
    violations: list[str] = []
    failed: list[str] = []
    strict_page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    strict_page.on("requestfailed", lambda request: failed.append(request.url))
    strict_page.on(
        "response",
        lambda response: (
            failed.append(response.url) if response.status >= 400 else None
        ),
    )

    strict_page.goto("/api/docs/")
    strict_page.get_by_text("/api/v1/responses/bulk").first.wait_for()
    strict_page.get_by_text("Kirim satu respons SKM / Submit one SKM response").click()
    strict_page.get_by_text("Example Value").first.wait_for()
    strict_page.get_by_text("client_id").first.wait_for()

    save_screenshot(strict_page, "api-docs")
    assert violations == []
    assert failed == []

    # The check above is meaningful only if the CSP is enforced: an inline style
    # added now must be refused and reported.
    strict_page.evaluate(
        "() => { const s = document.createElement('style');"
        " s.textContent = 'body{}'; document.head.appendChild(s); }"
    )
    strict_page.wait_for_timeout(200)
    assert any("style-src" in v for v in violations)
