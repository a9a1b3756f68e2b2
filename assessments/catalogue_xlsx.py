"""Read NHS England's DSPT spreadsheet into a catalogue (see catalogues/README.md).

The official list comes as one workbook covering several organisation categories. Its
columns are found by their header names, with the usual variants ("Evidence item ID",
"Evidence Ref", "ID"...; "Evidence text", "Question"...), on the first sheet that has a
header row with an item ID and a question column (a sheet named for Category 3 first).
Rows for other categories are left out when a category column says so; when mandatory
flags come per category ("Cat 3 mandatory"), the Category 3 ones are used.

What the spreadsheet does not hold is ours and comes from the catalogue already loaded
for the same item ID (people/policies/technology grouping, "not applicable" allowed,
time windows), else from a default per standard. `xlsx_catalogue(file, ...)` returns the
same plain structure the YAML and CSV readers give, for `catalogue._check`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dspt_portal.xlsx import UnreadableSpreadsheet, xlsx_sheets

from .models import AnswerType, Category, EvidenceItem, Level

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 80 * 1024 * 1024
MAX_ROWS = 5_000
NOT_READABLE = (
    "This is not an Excel (.xlsx) file we can read. Download the DSPT spreadsheet again "
    "from the toolkit's help pages and use that file, unchanged."
)


class SheetError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def _key(text: Any) -> str:
    """A header reduced to lower-case words: 'Evidence Item ID ' -> 'evidence item id'."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).split())


# Each column the reader uses, and the header names it answers to (after `_key`).
HEADERS: dict[str, tuple[str, ...]] = {
    "ref": (
        "evidence item id", "evidence item ref", "evidence item reference", "evidence item number",
        "evidence ref", "evidence reference", "evidence id", "evidence item no", "ei ref",
        "item id", "item ref", "ref", "reference", "id",
    ),
    "summary": (
        "evidence item text", "evidence text", "evidence item description", "evidence item",
        "evidence item question", "question", "evidence question", "description", "requirement",
    ),
    "guidance": ("tooltip", "guidance", "help text", "further guidance", "evidence guidance"),
    "answer_type": (
        "input type", "response type", "answer type", "evidence type", "type", "format",
    ),
    "mandatory": (
        "mandatory", "standards met", "mandatory for standards met", "sm mandatory",
        "mandatory standards met", "category 3 mandatory", "cat 3 mandatory", "mandatory cat 3",
        "mandatory category 3", "cat3 mandatory",
    ),
    "approaching": (
        "approaching standards", "as", "as mandatory", "approaching standards mandatory",
        "mandatory for approaching standards", "cat 3 as", "category 3 approaching standards",
        "as cat 3", "cat3 as",
    ),
    "category": ("category", "organisation category", "org category", "applies to"),
    "standard": ("standard", "standard title", "ndg standard", "standard name"),
    "assertion": ("assertion", "assertion title", "assertion text", "assertion description"),
    "na_allowed": ("not applicable allowed", "n a allowed", "na allowed", "can be not applicable"),
}  # fmt: skip
REQUIRED = ("ref", "summary", "answer_type", "mandatory")
LABELS = {
    "ref": "the evidence item ID (e.g. “Evidence item ID”)",
    "summary": "the evidence text (e.g. “Evidence text”)",
    "answer_type": "how it is answered (e.g. “Input type”)",
    "mandatory": "whether it is mandatory (e.g. “Mandatory”)",
}
ANSWER_TYPES = {
    AnswerType.CONFIRMATION: (
        "yes no", "yes or no", "y n", "tick", "tick box", "tickbox", "checkbox", "check box",
        "confirmation", "confirm", "boolean",
    ),
    AnswerType.TEXT: ("text", "free text", "text box", "textbox", "narrative", "string"),
    AnswerType.DOCUMENT: (
        "document", "upload", "file", "document upload", "evidence upload", "attachment",
        "document or text", "text or document",
    ),
    AnswerType.NUMBER: ("number", "numeric", "percentage", "integer", "figure"),
    AnswerType.DATE: ("date",),
}  # fmt: skip
ANSWER_TYPE_BY_TEXT = {text: kind for kind, texts in ANSWER_TYPES.items() for text in texts}
YES = {"yes", "y", "true", "1", "x", "mandatory", "m", "required", "✓", "✔"}
NO = {"", "no", "n", "false", "0", "optional", "non mandatory", "not mandatory", "-", "n a"}
# Our grouping when no loaded list has the item yet (docs/dspt-rules.md §2).
CATEGORY_BY_STANDARD = {
    1: Category.POLICIES,
    2: Category.PEOPLE,
    3: Category.PEOPLE,
    4: Category.TECHNOLOGY,
    5: Category.POLICIES,
    6: Category.TECHNOLOGY,
    7: Category.POLICIES,
    8: Category.TECHNOLOGY,
    9: Category.TECHNOLOGY,
    10: Category.POLICIES,
}
REF = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{1,3})\s*$")
CATEGORY_3 = re.compile(r"\b(cat(egory)?\s*3|3)\b", re.IGNORECASE)


def _columns(header: list[Any]) -> dict[str, int]:
    """{field: column index} from a header row. Per-category flags ('Cat 3 mandatory')
    beat plain ones, and Category 2 or 4 columns are never used."""
    found: dict[str, int] = {}
    keys = [_key(h) for h in header]
    for field, names in HEADERS.items():
        for i, key in enumerate(keys):
            if re.search(r"\bcat(egory)?\s*[124]\b", key):
                continue
            if key in names and (field not in found or CATEGORY_3.search(key)):
                found[field] = i
    return found


def _find_sheet(sheets: dict[str, list[list[Any]]]) -> tuple[str, int, dict[str, int]]:
    """(sheet name, header row index, columns) of the sheet holding the list."""
    other = re.compile(r"\bcat(egory)?\s*[124]\b", re.IGNORECASE)
    order = sorted(
        (n for n in sheets if CATEGORY_3.search(n) or not other.search(n)),
        key=lambda name: not CATEGORY_3.search(name),
    )
    best = None
    for name in order:
        for n, row in enumerate(sheets[name][:20]):
            columns = _columns(row)
            if "ref" in columns and "summary" in columns:
                if all(f in columns for f in REQUIRED):
                    return name, n, columns
                best = best or (name, n, columns)
    if best is None:
        raise SheetError(
            [
                "No sheet has a header row with an evidence item ID column and an evidence "
                "text column (for example “Evidence item ID” and “Evidence text”)."
            ]
        )
    name, n, columns = best
    missing = [LABELS[f] for f in REQUIRED if f not in columns]
    raise SheetError([f"sheet “{name}”, row {n + 1}: no column for {', '.join(missing)}."])


def _cell(row: list[Any], columns: dict[str, int], field: str) -> str:
    i = columns.get(field)
    if i is None or i >= len(row) or row[i] is None:
        return ""
    value = row[i]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _flag(text: str) -> bool | None:
    key = _key(text)
    if key in YES or text.strip() in YES:
        return True
    if key in NO:
        return False
    return None


def _level(row, columns, where, errors) -> str:
    mandatory = _flag(_cell(row, columns, "mandatory"))
    approaching = _flag(_cell(row, columns, "approaching")) if "approaching" in columns else False
    if mandatory is None:
        errors.append(
            f"{where}: mandatory must be Yes or No (got “{_cell(row, columns, 'mandatory')}”)"
        )
        return Level.OPTIONAL
    if approaching is None:
        errors.append(
            f"{where}: Approaching Standards must be Yes or No "
            f"(got “{_cell(row, columns, 'approaching')}”)"
        )
        return Level.OPTIONAL
    if approaching:
        return Level.APPROACHING
    return Level.MET if mandatory else Level.OPTIONAL


def _answer_type(text: str, where: str, errors: list) -> str:
    kind = ANSWER_TYPE_BY_TEXT.get(_key(text))
    if kind is None:
        allowed = "Yes/No, Text, Document, Number or Date"
        errors.append(f"{where}: input type must be {allowed} (got “{text}”)")
        return AnswerType.TEXT
    return kind


def _known_items() -> dict[str, EvidenceItem]:
    """The newest loaded version of each item ID: what the spreadsheet leaves to us."""
    return {
        item.ref: item
        for item in EvidenceItem.objects.select_related(
            "version", "standard", "assertion"
        ).order_by("version__dspt_year", "version__loaded_at")
    }


def _version_from_name(file_name: str) -> dict:
    """Key, label and deadline year from a name like 'Version8_25-26 CAT2 Cat3 and CAT4'."""
    years = re.search(r"(20)?(\d{2})\s*[-_/]\s*(20)?(\d{2})", file_name)
    number = re.search(r"version\s*_?(\d+)|\bv(\d+)\b", file_name, re.IGNORECASE)
    if not years:
        return {}
    start, end = 2000 + int(years.group(2)), 2000 + int(years.group(4))
    v = (number.group(1) or number.group(2)) if number else ""
    year_label = f"{start}-{str(end)[2:]}"
    return {
        "key": f"{year_label}{f'-v{v}' if v else ''}-official",
        "label": f"{year_label} (DSPT {f'v{v}, ' if v else ''}official list)",
        "dspt_year": end,
    }


def xlsx_catalogue(file, *, file_name: str, version: dict | None = None) -> dict:
    """The catalogue in `file` (an .xlsx), as the raw structure `catalogue._check` takes.

    `version` overrides what the file name suggests (key, label, dspt_year, released).
    Raises SheetError listing every fault (sheet, row and column).
    """
    try:
        sheets = xlsx_sheets(
            file,
            max_bytes=MAX_BYTES,
            max_unpacked=MAX_UNPACKED,
            max_rows=MAX_ROWS,
            not_readable=NOT_READABLE,
        )
    except UnreadableSpreadsheet as e:
        raise SheetError([str(e)]) from None
    name, header_at, columns = _find_sheet(sheets)
    meta = {
        **_version_from_name(Path(file_name).stem),
        **{k: v for k, v in (version or {}).items() if v},
    }
    if not meta.get("key") or not meta.get("dspt_year"):
        raise SheetError(
            [
                "The file name does not say which DSPT year this list is for: give the "
                "deadline year and a new version key (e.g. 2026 and 2025-26-v8-official)."
            ]
        )
    meta.setdefault("label", f"{meta['key']} (official list)")
    meta.setdefault(
        "source_note", f"Loaded from the NHS England spreadsheet “{Path(file_name).name}”."
    )
    known = _known_items()
    errors: list[str] = []
    standards: dict[int, dict] = {}
    seen: set[str] = set()
    for n, row in enumerate(sheets[name][header_at + 1 :], start=header_at + 2):
        ref_text = _cell(row, columns, "ref")
        if not ref_text and not _cell(row, columns, "summary"):
            continue  # blank line or a heading row
        where = f"sheet “{name}”, row {n}"
        category = _cell(row, columns, "category")
        if category and not CATEGORY_3.search(category) and "all" not in category.lower():
            continue  # another organisation category's row
        m = REF.match(ref_text)
        if not m:
            errors.append(f"{where}: evidence item ID must look like 1.1.1 (got “{ref_text}”)")
            continue
        ref = ".".join(str(int(g)) for g in m.groups())
        if ref in seen:
            continue  # the same item listed again (e.g. once per category)
        seen.add(ref)
        number, assertion_ref = int(m.group(1)), f"{int(m.group(1))}.{int(m.group(2))}"
        before = known.get(ref)
        item = {
            "ref": ref,
            "summary": _cell(row, columns, "summary"),
            "guidance": _cell(row, columns, "guidance"),
            "level": _level(row, columns, where, errors),
            "answer_type": _answer_type(_cell(row, columns, "answer_type"), where, errors),
            "category": before.category if before else CATEGORY_BY_STANDARD.get(number, "policies"),
            "na_allowed": bool(before and before.na_allowed),
            "app_hint": before.app_hint if before else "",
            "__line__": f"{n} (sheet “{name}”)",
        }
        if "na_allowed" in columns:
            item["na_allowed"] = bool(_flag(_cell(row, columns, "na_allowed")))
        if before and before.valid_months:
            item["valid_months"] = before.valid_months
        std = standards.setdefault(
            number,
            {
                "number": number,
                "name": _cell(row, columns, "standard") or _standard_name(number, known),
                "ndg_group": "",
                "assertions": {},
                "__line__": n,
            },
        )
        assertion = std["assertions"].setdefault(
            assertion_ref,
            {
                "ref": assertion_ref,
                "title": _cell(row, columns, "assertion") or _assertion_title(assertion_ref, known),
                "items": [],
                "__line__": n,
            },
        )
        assertion["items"].append(item)
    if not standards and not errors:
        errors.append(f"sheet “{name}”: no Category 3 evidence items below the header row.")
    if errors:
        raise SheetError(errors)
    for std in standards.values():
        std["assertions"] = list(std["assertions"].values())
    return {"version": {**meta, "__line__": 1}, "standards": list(standards.values())}


def _standard_name(number: int, known: dict) -> str:
    for item in known.values():
        if item.standard_id and item.ref.split(".")[0] == str(number):
            return item.standard.name
    return f"Standard {number}"


def _assertion_title(ref: str, known: dict) -> str:
    for item in known.values():
        if item.ref.rsplit(".", 1)[0] == ref:
            return item.assertion.title
    return f"Assertion {ref}"
