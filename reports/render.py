"""Turn report data (reports/content.py) into files: PDF (WeasyPrint), Word, evidence pack ZIP.

Pure functions of the data they are given, so a re-render of the same data gives the same
PDF and ZIP bytes. WeasyPrint is imported inside the functions that need it: it is slow to
import and only the worker (and the portfolio download) uses it.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from dspt_portal.spreadsheet_text import plain_cell

PRINT_CSS = "reports/print.css"
UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_file_name(name: str) -> str:
    """A name safe on Windows, macOS and in ZIPs (no slashes, colons or control characters)."""
    return UNSAFE_IN_FILE_NAMES.sub(" ", name).strip(" .")[:150] or "report"


def _print_css_path() -> str:
    path = finders.find(PRINT_CSS)
    if not path:  # pragma: no cover - a packaging mistake, not a user error
        raise FileNotFoundError(f"static/{PRINT_CSS} is missing")
    return path


def _fetchable(url: str) -> bool:
    """Only the app's own print stylesheet and fonts beside it (static/reports/fonts/)."""
    parsed = urlparse(url)
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        return False
    path = Path(url2pathname(parsed.path)).resolve()
    css = Path(_print_css_path()).resolve()
    return path == css or path.is_relative_to(css.parent / "fonts")


def url_fetcher():
    """A WeasyPrint fetcher that refuses everything else: no web addresses, no other files
    on the server, whatever a report's text might contain."""
    from weasyprint.urls import URLFetcher

    class AppFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not _fetchable(url):
                raise ValueError(f"Reports load only the app's own print files, not {url[:80]}")
            return super().fetch(url, headers)

    return AppFilesOnly(allowed_protocols={"file"}, allow_redirects=False)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """WeasyPrint makes hundreds of thousands of short-lived objects (boxes, styles, text
    runs) that reference counting frees; the cycle collector would otherwise walk them,
    and everything else the process holds, many times per report (a tenth of a report's
    render). It runs again, as usual, once the PDF is made."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def pdf_from_html(html: str) -> bytes:
    """A4 PDF with page numbers, bookmarks (headings) and tags for screen readers."""
    # WeasyPrint logs every layout step at INFO; keep the worker's log readable.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import CSS, HTML

    fetcher = url_fetcher()
    css_path = _print_css_path()
    with _cyclic_gc_paused():
        document = HTML(
            string=html, base_url=str(Path(css_path).parent), url_fetcher=fetcher
        ).render(stylesheets=[CSS(filename=css_path, url_fetcher=fetcher)])
        return document.write_pdf(pdf_tags=True)


def assessment_report_html(data: dict) -> str:
    return render_to_string("reports/assessment_report.html", {"data": data})


def assessment_report_pdf(data: dict) -> bytes:
    return pdf_from_html(assessment_report_html(data))


def portfolio_pdf(data: dict) -> bytes:
    return pdf_from_html(render_to_string("reports/portfolio_report.html", {"data": data}))


# ---------------------------------------------------------------- Word


def assessment_report_docx(data: dict) -> bytes:
    """An editable Word version of the assessment report (same content, plain styles)."""
    from docx import Document as WordDocument
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    doc = WordDocument()
    doc.styles["Normal"].font.name = "DejaVu Sans"
    doc.styles["Normal"].font.size = Pt(10)
    generated = dt.datetime.fromisoformat(data["generated_at"])
    doc.core_properties.title = f"DSPT {data['assessment']['year_label']} self-assessment"
    doc.core_properties.author = data["organisation"]["name"]
    doc.core_properties.created = doc.core_properties.modified = generated.replace(tzinfo=None)

    org, assessment, outcome = data["organisation"], data["assessment"], data["outcome"]
    _docx_header_footer(doc, f"{org['name']} · DSPT {assessment['year_label']}")
    doc.add_paragraph(f"Data Security and Protection Toolkit {assessment['year_label']}")
    doc.add_heading(org["name"], level=0)
    _docx_table(
        doc,
        [
            ("ODS code", org["ods_code"]),
            ("Service", org["service_type"]),
            ("DSPT year", f"{assessment['year_label']} (deadline {assessment['deadline']})"),
            ("Toolkit version", assessment["catalogue"]),
            ("Projected outcome" if not data["approval"] else "Approved outcome", outcome["label"]),
            *[(p["role"], p["name"]) for p in org["people"]],
            ("Approval", _approval_line(data)),
        ],
    )
    coverage = outcome.get("coverage") or {}
    if coverage.get("partial"):
        doc.add_paragraph(
            f"Projected on a partial checklist: {coverage['text']}. "
            f"How to load the official list: {coverage['url']}"
        )
    approval = data["approval"] or {}
    if approval.get("declaration"):
        doc.add_paragraph(f"“{approval['declaration']}”").runs[0].italic = True
        doc.add_paragraph(
            f"Signed: {approval['declared_name']}, {approval['declared_role']}, {approval['on']}"
        )
    doc.add_paragraph(f"Report produced on {data['generated_on']}.")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    doc.add_heading("Contents", level=1)
    _docx_contents(doc, _contents(data))
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    doc.add_heading("Summary", level=1)
    doc.add_paragraph(f"{outcome['headline']}.")
    changes = data.get("year_changes")
    if changes:
        doc.add_heading("What changed this year", level=2)
        if changes["lines"]:
            doc.add_paragraph(
                f"Register entries added or changed {changes['since']}, newest first, "
                "with the items each touches."
            )
            for c in changes["lines"]:
                refs = f" ({c['refs']})" if c["refs"] else ""
                doc.add_paragraph(f"{c['text']}{refs} · {c['on']}", style="List Bullet")
        else:
            doc.add_paragraph(f"No register entries were added or changed {changes['since']}.")
    for title, rows in (("By standard", data["by_standard"]), ("By category", data["by_category"])):
        doc.add_heading(title, level=2)
        _docx_table(
            doc,
            [(r["label"], f"{r['answered']} of {r['total']} ({r['percent']}%)") for r in rows],
        )
    for standard in data["standards"]:
        doc.add_heading(f"{standard['number']}. {standard['name']}", level=1)
        for item in standard["items"]:
            _docx_item(doc, item)
    plan = data["plan"]
    if plan is not None:
        doc.add_heading("Improvement plan", level=1)
        if plan:
            _docx_table(
                doc,
                [("Item", "Action", "Owner", "Target date", "Status")]
                + [(a["ref"], a["action"], a["owner"], a["due"], a["status"]) for a in plan],
                header=True,
            )
        else:
            doc.add_paragraph("No improvement actions have been recorded.")
    doc.add_heading("Appendix: submission pack", level=1)
    for row in data["pack"]:
        doc.add_heading(f"{row['ref']} {row['summary']}", level=3)
        if row.get("owner"):
            doc.add_paragraph(f"Owner: {row['owner']}")
        _docx_table(doc, [(s["label"], s["text"]) for s in row["steps"]] or [("", "Nothing yet")])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _contents(data: dict) -> list[str]:
    """The report's sections, as the PDF's contents page lists them."""
    return [
        "Summary",
        *[f"{s['number']}. {s['name']}" for s in data["standards"]],
        *(["Improvement plan"] if data["plan"] is not None else []),
        "Appendix: submission pack",
    ]


def _field_char(paragraph, kind: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(element)


def _field_start(paragraph, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    _field_char(paragraph, "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    _field_char(paragraph, "separate")


def _field(paragraph, instruction: str, shown: str = "") -> None:
    """A Word field (PAGE, NUMPAGES) with `shown` as its text until Word updates it."""
    _field_start(paragraph, instruction)
    paragraph.add_run(shown)
    _field_char(paragraph, "end")


def _docx_header_footer(doc, title: str) -> None:
    """The organisation and year at the top of every page, 'Page n of m' at the bottom."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    section = doc.sections[0]
    section.header.paragraphs[0].text = title
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")


def _docx_contents(doc, entries: list[str]) -> None:
    """A real table of contents field spanning one paragraph per section: it reads as the
    section list as made, and Word adds page numbers when it updates fields (it is asked
    to on opening)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraphs = [doc.add_paragraph() for _ in entries]
    _field_start(paragraphs[0], 'TOC \\o "1-1" \\h \\z \\u')
    for paragraph, entry in zip(paragraphs, entries, strict=True):
        paragraph.add_run(entry)
    _field_char(paragraphs[-1], "end")
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    doc.settings.element.append(update)


def _approval_line(data: dict) -> str:
    approval = data["approval"]
    if not approval:
        return "Not yet approved by the senior accountable person."
    return f"Approved by {approval['by']} on {approval['on']} (revision {approval['revision']})."


def _docx_table(doc, rows: list[tuple], header: bool = False) -> None:
    if not rows:
        return
    table = doc.add_table(rows=0, cols=len(rows[0]))
    table.style = "Table Grid"
    for i, row in enumerate(rows):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value or "")
            if header and i == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True


def _docx_item(doc, item: dict) -> None:
    doc.add_heading(f"{item['ref']} {item['summary']}", level=3)
    meta = doc.add_paragraph(
        f"{item['level_label']} · {item['answer_type_label']} · "
        f"{'Answered' if item['answered'] else 'Not answered'} · {item['status_label']}"
    )
    meta.runs[0].italic = True
    rows = [("Answer", item["answer"] or "No answer yet")]
    if item["not_applicable"]:
        rows.append(("Why it does not apply", item["na_reason"]))
    if item.get("last_done"):
        rows.append(("Last done or reviewed", item["last_done"]))
    if item.get("percentage"):
        rows.append(("Percentage", item["percentage"]))
    if item["narrative"]:
        rows.append(("How we meet this", item["narrative"]))
    rows.append(("Owner", item.get("owner") or "Nobody named"))
    for d in item["documents"]:
        version = f"v{d['version']}" if d["version"] else "no file"
        rows.append(
            (
                "Document",
                f"{d['title']} ({version}; effective {d['effective_on'] or '–'}; "
                f"review due {d['next_review_due'] or '–'})",
            )
        )
    rows += [("Warning", w) for w in item["warnings"]]
    rows += [(f"Comment by {c['author']}, {c['on']}", c["text"]) for c in item.get("comments", [])]
    _docx_table(doc, rows)


# ---------------------------------------------------------------- evidence pack


def evidence_pack_zip(data: dict, open_file: Callable[[int], bytes]) -> bytes:
    """The current version of every linked document, named by item ID, plus index.csv.

    `open_file(version_id)` returns a stored version's bytes. Entry times are the report's
    time, so the same data gives the same ZIP.
    """
    generated = dt.datetime.fromisoformat(data["generated_at"])
    stamp = (max(generated.year, 1980), *generated.timetuple()[1:6])
    index = io.StringIO()
    writer = csv.writer(index)
    writer.writerow(
        ["Item ID", "Evidence item", "Document", "Version", "File in this pack",
         "Effective from", "Review due", "Held at"]
    )  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for standard in data["standards"]:
            for item in standard["items"]:
                for doc in item["documents"]:
                    writer.writerow(
                        [plain_cell(v) for v in (
                            item["ref"], item["summary"], doc["title"], doc["version"] or "",
                            doc["file_name"], doc["effective_on"], doc["next_review_due"],
                            doc["location"],
                        )]
                    )  # fmt: skip
                    if doc["version_id"]:
                        info = zipfile.ZipInfo(doc["file_name"], date_time=stamp)
                        info.compress_type = zipfile.ZIP_DEFLATED
                        archive.writestr(info, open_file(doc["version_id"]))
        info = zipfile.ZipInfo("index.csv", date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, "\ufeff" + index.getvalue())
    return out.getvalue()
