"""PDF rendering: the only module that imports WeasyPrint.

Print templates and print CSS live in the project's ``reports/`` folder (never the screen
templates). WeasyPrint loads resources only through :class:`ReportsURLFetcher`, which serves files
under ``reports/`` and ``data:`` URIs and refuses everything else (other files, http(s), ftp, ...),
so a report can never pull in a remote resource or a file from elsewhere on the server.

Contexts passed to :func:`render` hold primitive values only, built after permission filtering.
"""

from __future__ import annotations

import mimetypes
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import DEFAULT_OPTIONS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

REPORTS_DIR = (Path(__file__).resolve().parents[2] / "reports").resolve()
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}  # tagged PDF (implies pdf_tags=True, PDF 1.7)


class RefusedURL(ValueError):
    """A report tried to load something that is not under ``reports/`` nor a ``data:`` URI."""


class ReportsURLFetcher(URLFetcher):
    """Serve ``file:`` URLs under :data:`REPORTS_DIR` and ``data:`` URIs; refuse the rest."""

    def __init__(self, root: Path = REPORTS_DIR, **kwargs):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, **kwargs)
        self.root = Path(root).resolve()

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise RefusedURL(f"refused to load {url[:200]!r}: only reports/ files and data: URIs")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"refused to load {url[:200]!r}: remote file host")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedURL(f"refused to load {url[:200]!r}: not a file under reports/")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                  headers={"Content-Type": content_type})


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(REPORTS_DIR)),
                       autoescape=select_autoescape(["html"], default=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_html(template_name: str, context: dict) -> str:
    """The report's HTML (for tests and debugging)."""
    return _environment().get_template(template_name).render(**context)


def render(template_name: str, context: dict) -> bytes:
    """Render ``reports/<template_name>`` with ``context`` to tagged PDF bytes."""
    return render_counted(template_name, context)[0]


def render_counted(template_name: str, context: dict) -> tuple[bytes, int]:
    """The PDF bytes and their number of pages."""
    html = render_html(template_name, context)
    options = {**DEFAULT_OPTIONS, **PDF_OPTIONS}
    document = HTML(string=html, base_url=REPORTS_DIR.as_uri() + "/",
                    url_fetcher=ReportsURLFetcher()).render(**options)
    return document.write_pdf(**options), len(document.pages)
