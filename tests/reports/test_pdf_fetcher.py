"""WeasyPrint loads nothing but the app's own print stylesheet (and fonts beside it): not a
file elsewhere on the server, not a web address, whatever a report's HTML holds."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from reports import render

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e5270ede0000000049454e44ae426082"
)


def _images(pdf: bytes) -> int:
    count = 0
    for page in PdfReader(io.BytesIO(pdf)).pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {}) or {}
        count += sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image")
    return count


def test_a_file_elsewhere_on_the_server_is_not_loaded(tmp_path):
    picture = tmp_path / "elsewhere.png"
    picture.write_bytes(PNG)
    pdf = render.pdf_from_html(f'<p>Report</p><img src="{picture.as_uri()}" width="50">')
    assert pdf.startswith(b"%PDF")
    assert _images(pdf) == 0


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/secret.css",
        "https://example.org/font.woff2",
        "data:text/css,body{}",
        (Path(render._print_css_path()).parent / ".." / ".." / "css" / "app.css").as_uri(),
    ],
)
def test_the_fetcher_refuses_anything_but_the_print_files(url):
    with pytest.raises(ValueError):
        render.url_fetcher()(url)


def test_the_fetcher_serves_the_print_stylesheet():
    response = render.url_fetcher()(Path(render._print_css_path()).as_uri())
    try:
        assert b"@page" in response.read()
    finally:
        response.close()
