"""Server-rendered HTML: Jinja2 templates and static assets, all served by the app (no CDN)."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from kg.namespaces import curie
from kg.web.languages import is_english, language_name

WEB_DIR = Path(__file__).parent
STATIC_DIR = WEB_DIR / "static"

#: The one template environment; every page extends ``base.html``.
templates = Jinja2Templates(directory=WEB_DIR / "templates")
templates.env.filters["curie"] = curie
# For the language marker of values in another language (``_macros.html``).
templates.env.filters["language_name"] = language_name
templates.env.tests["english"] = is_english
