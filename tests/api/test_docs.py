"""``/docs`` and ``/redoc`` on a real ``kg serve``: every file the pages load is served by the app
itself, so the documentation works on a machine without internet (see kg.api.routes.docs).

The browser side (the operations really render with every other host blocked) is in
tests/web/test_docs_browser.py.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

#: The kinds of file each page must load, by the end of its URL → the media type served.
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


def referenced_urls(html: str) -> list[str]:
    """Every URL a documentation page loads: src, href, ReDoc's spec-url, Swagger UI's url."""
    attributes = re.findall(r'\b(?:src|href|spec-url)="([^"]+)"', html)
    swagger_spec = re.findall(r"\burl: '([^']+)'", html)
    return attributes + swagger_spec


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/docs", {"swagger-ui-bundle.js", "swagger-ui.css", "favicon.png", "openapi.json"}),
        ("/redoc", {"redoc.standalone.js", "favicon.png", "openapi.json"}),
    ],
)
def test_every_file_a_docs_page_loads_is_served_by_the_app(
    live_server: str, path: str, expected: set[str]
) -> None:
    response = httpx.get(f"{live_server}{path}", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    urls = referenced_urls(response.text)
    assert {url.rsplit("/", 1)[-1] for url in urls} == expected, urls
    with httpx.Client(timeout=60) as client:
        for url in urls:
            absolute = urljoin(f"{live_server}{path}", url)
            # No CDN, no other host: the page must load from this service alone.
            assert urlsplit(absolute).netloc == urlsplit(live_server).netloc, url
            served = client.get(absolute)
            assert served.status_code == 200, url
            assert served.content, url
            suffix = re.search(r"\.\w+$", urlsplit(absolute).path)
            if suffix and suffix.group(0) in MEDIA_TYPES:
                assert served.headers["content-type"].startswith(MEDIA_TYPES[suffix.group(0)]), url


@pytest.mark.slow
def test_the_swagger_ui_served_reads_openapi_3_1(live_server: str) -> None:
    # FastAPI writes OpenAPI 3.1, which Swagger UI renders from version 5 on (4.x, as shipped by
    # the swagger-ui-bundle package, shows "Unable to render this definition").
    document = httpx.get(f"{live_server}/openapi.json", timeout=30).json()
    assert document["openapi"].startswith("3.1")
    bundle = httpx.get(f"{live_server}/docs/static/swagger-ui-bundle.js", timeout=60).text
    version = re.search(r'PACKAGE_VERSION:"(\d+)\.', bundle)
    assert version is not None and int(version.group(1)) >= 5
