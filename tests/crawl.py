"""A crawler for tests/test_crawl.py: follow every link a page shows, submit its safe forms.

`Crawler(client).run(start_urls)` visits pages breadth first. Each page's same-site links
(`href`, `hx-get`) join the queue; each form is submitted once with the values the page
filled in and sample data for the required fields it left empty. Visits are de-duplicated
by URL pattern, object ids and query parameter names (not their values), and each pattern
is visited for at most `per_pattern` different objects, so a checklist of fifty items costs
a few requests, not fifty.

What it records is a list of `Problem`s: a link answering 404, 405 or 5xx, a form answering
5xx. The test decides which are known.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, deque
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve

# A real, tiny PDF: the upload checks look at the bytes, not the name.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

SAMPLE_TEXT = {
    "email": "crawl.sample@example.org",
    "date": lambda: dt.date.today().isoformat(),
    "number": "1",
    "url": "https://example.org/",
    "tel": "01234 567890",
    "password": "crawl-sample-password-2026",
}


@dataclass(frozen=True)
class Problem:
    kind: str  # "link" or "form"
    method: str
    url: str
    url_name: str
    status: int
    found_on: str

    def __str__(self) -> str:
        return (
            f"{self.kind} {self.method} {self.url} ({self.url_name}) -> {self.status}, "
            f"found on {self.found_on}"
        )


def url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _key(url: str) -> tuple:
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return (parts.path, (), ())
    params = tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    objects = tuple(sorted((k, str(v)) for k, v in match.kwargs.items() if k != "org"))
    return (match.view_name, objects, params)


class Crawler:
    def __init__(
        self,
        client,
        *,
        skip_links: dict[str, str],
        skip_forms: dict[str, str],
        per_pattern: int = 2,
        host: str = "testserver",
    ):
        self.client = client
        self.skip_links = skip_links
        self.skip_forms = skip_forms
        self.per_pattern = per_pattern
        self.host = host
        self.problems: list[Problem] = []
        self.visited: list[str] = []
        self.submitted: list[str] = []
        self.skipped: Counter = Counter()
        self.timings: dict[str, float] = {}
        self._seen: set[tuple] = set()
        self._per_pattern: Counter = Counter()
        self._queue: deque[tuple[str, str]] = deque()

    # -- links ---------------------------------------------------------------------------

    def _same_site(self, base: str, href: str) -> str | None:
        href = (href or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            return None
        absolute = urlsplit(urljoin(f"http://{self.host}{base}", href))
        if absolute.scheme not in ("http", "https") or absolute.netloc != self.host:
            return None
        if absolute.path.startswith("/static/"):
            return None
        return absolute.path + (f"?{absolute.query}" if absolute.query else "")

    def _admit(self, url: str, skip: dict[str, str]) -> bool:
        """Whether to visit (or submit to) `url`: not skipped, not seen, pattern not full."""
        name = url_name(urlsplit(url).path) or urlsplit(url).path
        if name in skip:
            self.skipped[name] += 1
            return False
        key = _key(url)
        if key in self._seen:
            return False
        pattern = key[0]
        if self._per_pattern[pattern] >= self._cap(pattern):
            return False
        self._seen.add(key)
        self._per_pattern[pattern] += 1
        return True

    def _cap(self, pattern: str) -> int:
        # The admin's pages are Django's own, one per model: one object each is enough.
        return 1 if pattern.startswith("admin:") else self.per_pattern

    def enqueue(self, url: str, found_on: str) -> None:
        if self._admit(url, self.skip_links):
            self._queue.append((url, found_on))

    def run(self, start_urls) -> list[Problem]:
        for url in start_urls:
            self.enqueue(url, "(start)")
        while self._queue:
            url, found_on = self._queue.popleft()
            self._visit(url, found_on)
        return self.problems

    def _visit(self, url: str, found_on: str) -> None:
        started = time.monotonic()
        response = self.client.get(url)
        self.visited.append(url)
        self.timings[url] = time.monotonic() - started
        self._check("link", "GET", url, response, found_on, bad=_bad_link)
        self._follow(url, response)

    def _follow(self, url: str, response) -> None:
        """Queue where a response leads: its redirect, or the links and forms of its page."""
        if 300 <= response.status_code < 400 and response.has_header("Location"):
            target = self._same_site(url, response["Location"])
            if target:
                self.enqueue(target, url)
            return
        if response.streaming:
            # Read it to the end: the test client then closes it without ending the test's
            # database connection (a bare close() fires request_finished, which on
            # PostgreSQL closes the connection inside the test's transaction).
            b"".join(response.streaming_content)
            return
        if "text/html" not in response.get("Content-Type", "") or not response.content.strip():
            return
        page = lxml.html.fromstring(response.content)
        for element in page.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute in ("href", "hx-get"):
                if element.tag in ("link", "base") and attribute == "href":
                    continue  # stylesheets and icons
                target = self._same_site(url, element.get(attribute))
                if target:
                    self.enqueue(target, url)
        for form in page.iter("form"):
            self._submit(url, form)

    def _check(self, kind, method, url, response, found_on, *, bad) -> None:
        if bad(response.status_code):
            path = urlsplit(url).path
            self.problems.append(
                Problem(
                    kind=kind,
                    method=method,
                    url=url,
                    url_name=url_name(path) or path,
                    status=response.status_code,
                    found_on=found_on,
                )
            )

    # -- forms ---------------------------------------------------------------------------

    def _submit(self, page_url: str, form) -> None:
        method = (form.get("method") or "get").lower()
        action = form.get("hx-post") or form.get("action") or page_url
        target = self._same_site(page_url, action)
        if target is None:
            return
        if not self._admit_form(method, target, form):
            return
        data = form_data(form)
        self.submitted.append(f"{method.upper()} {target}")
        if method == "post":
            headers = {"HTTP_HX_REQUEST": "true"} if form.get("hx-post") else {}
            response = self.client.post(target, data, **headers)
            self._check("form", "POST", target, response, page_url, bad=_bad_form)
            self._follow(target, response)
        else:
            response = self.client.get(urlsplit(target).path, _flat(data))
            self._check("form", "GET", target, response, page_url, bad=_bad_link)

    def _admit_form(self, method: str, target: str, form) -> bool:
        names = tuple(sorted({e.get("name") for e in _fields(form) if e.get("name")}))
        # A form is its own thing: the same URL may be both a link and a form's action.
        key = ("form", method, _key(target), names)
        name = url_name(urlsplit(target).path) or urlsplit(target).path
        if method == "post" and name in self.skip_forms:
            self.skipped[f"form {name}"] += 1
            return False
        if key in self._seen:
            return False
        pattern = ("form", method, key[2][0])
        if self._per_pattern[pattern] >= self._cap(key[2][0]):
            return False
        self._seen.add(key)
        self._per_pattern[pattern] += 1
        return True


def _bad_link(status: int) -> bool:
    return status >= 500 or status in (404, 405)


def _bad_form(status: int) -> bool:
    return status >= 500


def _fields(form):
    return [e for e in form.iter("input", "select", "textarea", "button")]


def _flat(data: dict) -> dict:
    return {k: v for k, v in data.items() if not hasattr(v, "read")}


def form_data(form) -> dict:
    """What a person would send: the values the page filled in, the first choice where none
    is chosen, sample text in required fields left empty, a small PDF for a file."""
    data: dict[str, object] = {}
    submit_used = False
    radios_seen: set[str] = set()
    for element in _fields(form):
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        tag = element.tag
        kind = (element.get("type") or ("submit" if tag == "button" else "text")).lower()
        if tag == "button" or kind in ("submit", "image"):
            if not submit_used:
                data[name] = element.get("value", "")
                submit_used = True
            continue
        if kind in ("reset", "button"):
            continue
        if tag == "select":
            options = element.findall(".//option")
            chosen = [o for o in options if o.get("selected") is not None]
            if element.get("multiple") is not None:
                data[name] = [o.get("value", o.text_content()) for o in chosen]
                continue
            pick = chosen[0] if chosen else next((o for o in options if o.get("value")), None)
            if pick is not None:
                data[name] = pick.get("value", pick.text_content())
            continue
        if tag == "textarea":
            text = element.text_content()
            if not text.strip() and element.get("required") is not None:
                text = "Checked by the crawl test."
            data[name] = text
            continue
        if kind == "checkbox":
            if element.get("checked") is not None:
                value = element.get("value", "on")
                existing = data.get(name)
                if existing is None:
                    data[name] = value
                else:
                    data[name] = [*(existing if isinstance(existing, list) else [existing]), value]
            continue
        if kind == "radio":
            if element.get("checked") is not None:
                data[name] = element.get("value", "on")
            elif name not in radios_seen and name not in data:
                data[name] = element.get("value", "on")
            radios_seen.add(name)
            continue
        if kind == "file":
            data[name] = SimpleUploadedFile("crawl-sample.pdf", PDF_BYTES, "application/pdf")
            continue
        value = element.get("value", "")
        if not value and element.get("required") is not None:
            sample = SAMPLE_TEXT.get(kind, "Sample")
            value = sample() if callable(sample) else sample
        data[name] = value
    return data
