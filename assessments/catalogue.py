"""Read, validate and load a DSPT catalogue file (YAML, CSV, or NHS England's XLSX
spreadsheet; see catalogues/README.md).

`catalogue_read(path)` parses and checks everything first and raises `CatalogueError`
listing every fault with its line and field. `catalogue_preview(data)` says what would be
loaded and what changes for assessments under way. `catalogue_import(*, path)` (or
`catalogue_load(data)`) then loads it in one transaction. A version is never changed in
place: the same content again is a no-op, different content under an existing key is
refused.
"""

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction

from .models import AnswerType, Assertion, CatalogueVersion, Category, EvidenceItem, Level, Standard

BUNDLED = Path(__file__).resolve().parent / "catalogues" / "dspt-2025-26-v8.yaml"
APP_HINTS = {"", "date", "percentage"}
META_KEYS = {"__line__", "__lines__"}
VERSION_FIELDS = {
    "key",
    "label",
    "dspt_year",
    "released",
    "source_note",
    "official_questions",
    "official_mandatory",
    "official_approaching",
}
OFFICIAL_COUNTS = ("official_questions", "official_mandatory", "official_approaching")
STANDARD_FIELDS = {"number", "name", "ndg_group", "assertions"}
ASSERTION_FIELDS = {"ref", "title", "items"}
ITEM_FIELDS = {
    "ref",
    "summary",
    "guidance",
    "level",
    "category",
    "answer_type",
    "na_allowed",
    "app_hint",
    "valid_months",
    "confidence",
    "confidence_note",
}
# Fields added after the first release: left out of the content hash at their default, so a
# file loaded before they existed still hashes the same (and re-importing it is a no-op).
ITEM_DEFAULTS = {"valid_months": None, "confidence": "confirmed", "confidence_note": ""}
CONFIDENCE = {"confirmed", "inferred"}
CSV_COLUMNS = [
    "version_key",
    "version_label",
    "dspt_year",
    "released",
    "standard_number",
    "standard_name",
    "ndg_group",
    "assertion_ref",
    "assertion_title",
    "ref",
    "summary",
    "guidance",
    "level",
    "category",
    "answer_type",
    "na_allowed",
    "app_hint",
]
OPTIONAL_CSV_COLUMNS = ["valid_months", "confidence", "confidence_note"]


class CatalogueError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportResult:
    version: CatalogueVersion
    created: bool
    message: str


# ---------------------------------------------------------------- reading


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line each mapping starts on (as '__line__')."""


def _mapping_with_line(loader, node):
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = {
        key.value: value.start_mark.line + 1 for key, value in node.value if hasattr(key, "value")
    }
    return mapping


def _at(data: dict, field: str):
    """The line of `field` in `data` (YAML), else the line of the whole entry."""
    return data.get("__lines__", {}).get(field, data.get("__line__", "?"))


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def _read_yaml(text: str) -> dict:
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise CatalogueError([f"{where}not valid YAML ({getattr(e, 'problem', e)})"]) from e
    if not isinstance(data, dict):
        raise CatalogueError(["line 1: the file must start with 'version:' and 'standards:'"])
    return data


def _truthy(value: str) -> bool | str:
    v = (value or "").strip().lower()
    if v in ("true", "yes", "1", "y"):
        return True
    if v in ("", "false", "no", "0", "n"):
        return False
    return value  # left as text so validation reports it


def _read_csv(text: str) -> dict:
    """One row per evidence item; version, standard and assertion columns repeat."""
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogueError([f"line 1: missing column(s): {', '.join(missing)}"])
    errors: list[str] = []
    version: dict | None = None
    standards: dict[str, dict] = {}
    for row in reader:
        line = reader.line_num
        row = {k: (v or "").strip() for k, v in row.items() if k}
        this_version = {
            "key": row["version_key"],
            "label": row["version_label"],
            "dspt_year": row["dspt_year"],
            "released": row["released"],
            "__line__": line,
        }
        if version is None:
            version = this_version
        elif any(version[k] != this_version[k] for k in ("key", "label", "dspt_year")):
            errors.append(f"line {line}: version columns differ from the first row")
        std = standards.setdefault(
            row["standard_number"],
            {
                "number": row["standard_number"],
                "name": row["standard_name"],
                "ndg_group": row["ndg_group"],
                "assertions": [],
                "__line__": line,
                "_by_ref": {},
            },
        )
        assertion = std["_by_ref"].get(row["assertion_ref"])
        if assertion is None:
            assertion = {
                "ref": row["assertion_ref"],
                "title": row["assertion_title"],
                "items": [],
                "__line__": line,
            }
            std["_by_ref"][row["assertion_ref"]] = assertion
            std["assertions"].append(assertion)
        item = {k: row[k] for k in ITEM_FIELDS if k in row}
        item["na_allowed"] = _truthy(row["na_allowed"])
        if not item.get("valid_months"):
            item.pop("valid_months", None)
        if not item.get("confidence"):
            item.pop("confidence", None)
        item["__line__"] = line
        assertion["items"].append(item)
    if errors:
        raise CatalogueError(errors)
    for std in standards.values():
        del std["_by_ref"]
    return {"version": version or {}, "standards": list(standards.values()), "__line__": 1}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _choice_error(value, choices) -> str:
    allowed = ", ".join(c.value for c in choices)
    return f"must be one of {allowed} (got {value!r})"


def _check_item(item: dict, assertion_ref: str, seen: set, errors: list) -> dict:
    ref = str(item.get("ref", "")).strip()

    def fault(field: str, message: str) -> None:
        errors.append(f"line {_at(item, field)}, item {ref or '(no ID)'}: {message}")

    for extra in sorted(set(item) - ITEM_FIELDS - META_KEYS):
        fault(extra, f"unknown field '{extra}'")
    if not re.fullmatch(re.escape(assertion_ref) + r"\.\d+", ref):
        fault("ref", f"ref must start with its assertion '{assertion_ref}.', e.g. 1.1.1")
    elif ref in seen:
        fault("ref", "ref appears twice")
    seen.add(ref)
    if not str(item.get("summary") or "").strip():
        fault("summary", "summary is required")
    for name, choices in (("level", Level), ("category", Category), ("answer_type", AnswerType)):
        if item.get(name) not in choices.values:
            fault(name, f"{name} {_choice_error(item.get(name), choices)}")
    if not isinstance(item.get("na_allowed", False), bool):
        fault("na_allowed", "na_allowed must be true or false")
    if (item.get("app_hint") or "") not in APP_HINTS:
        fault("app_hint", "app_hint must be empty, date or percentage")
    months = item.get("valid_months")
    if months is not None and (_int(months) is None or not 1 <= _int(months) <= 120):
        fault("valid_months", "valid_months must be a number of months from 1 to 120")
    if item.get("confidence", "confirmed") not in CONFIDENCE:
        fault(
            "confidence",
            f"confidence must be confirmed or inferred (got {item.get('confidence')!r})",
        )
    return {
        "ref": ref,
        "summary": str(item.get("summary") or "").strip(),
        "guidance": str(item.get("guidance") or "").strip(),
        "level": item.get("level"),
        "category": item.get("category"),
        "answer_type": item.get("answer_type"),
        "na_allowed": item.get("na_allowed", False) is True,
        "app_hint": item.get("app_hint") or "",
        "valid_months": _int(months) if months is not None else None,
        "confidence": item.get("confidence") or "confirmed",
        "confidence_note": str(item.get("confidence_note") or "").strip(),
    }


def _check_version(version, errors: list) -> dict:
    if not isinstance(version, dict):
        errors.append("line 1, version: a 'version' section is required")
        return {}
    line = version.get("__line__", "?")
    for extra in sorted(set(version) - VERSION_FIELDS - META_KEYS):
        errors.append(f"line {line}, version: unknown field '{extra}'")
    key = str(version.get("key") or "").strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{2,39}", key):
        errors.append(f"line {line}, version: key must be lower-case letters, digits and -")
    if not str(version.get("label") or "").strip():
        errors.append(f"line {line}, version: label is required")
    year = _int(version.get("dspt_year"))
    if year is None or not 2018 <= year <= 2100:
        errors.append(f"line {line}, version: dspt_year must be the deadline's year, e.g. 2026")
    counts = {}
    for name in OFFICIAL_COUNTS:
        value = version.get(name)
        if value in (None, ""):
            continue
        if _int(value) is None or not 1 <= _int(value) <= 1000:
            errors.append(f"line {line}, version: {name} must be a whole number")
        counts[name] = _int(value)
    return {
        "key": key,
        "label": str(version.get("label") or "").strip(),
        "dspt_year": year,
        "released": str(version.get("released") or "").strip(),
        "source_note": str(version.get("source_note") or "").strip(),
        **counts,
    }


def _check(data: dict) -> dict:
    """Every fault at once, each with its line and field; else clean plain data."""
    errors: list[str] = []
    version = _check_version(data.get("version"), errors)
    standards, numbers, assertion_refs, item_refs = [], set(), set(), set()
    raw_standards = data.get("standards")
    if not isinstance(raw_standards, list) or not raw_standards:
        errors.append("line 1, standards: at least one standard is required")
        raw_standards = []
    for std in raw_standards:
        line = std.get("__line__", "?")
        number = _int(std.get("number"))
        where = f"line {line}, standard {std.get('number')}"
        for extra in sorted(set(std) - STANDARD_FIELDS - META_KEYS):
            errors.append(f"{where}: unknown field '{extra}'")
        if number is None or number < 1:
            errors.append(f"{where}: number must be a whole number from 1")
        elif number in numbers:
            errors.append(f"{where}: number appears twice")
        numbers.add(number)
        if not str(std.get("name") or "").strip():
            errors.append(f"{where}: name is required")
        assertions = []
        for a in std.get("assertions") or []:
            aline, ref = a.get("__line__", "?"), str(a.get("ref", "")).strip()
            awhere = f"line {aline}, assertion {ref or '(no ID)'}"
            for extra in sorted(set(a) - ASSERTION_FIELDS - META_KEYS):
                errors.append(f"{awhere}: unknown field '{extra}'")
            if not re.fullmatch(rf"{number}\.\d+", ref):
                errors.append(f"{awhere}: ref must start with its standard '{number}.'")
            elif ref in assertion_refs:
                errors.append(f"{awhere}: ref appears twice")
            assertion_refs.add(ref)
            if not str(a.get("title") or "").strip():
                errors.append(f"{awhere}: title is required")
            items = [_check_item(i, ref, item_refs, errors) for i in a.get("items") or []]
            if not items:
                errors.append(f"{awhere}: needs at least one item")
            assertions.append(
                {"ref": ref, "title": str(a.get("title") or "").strip(), "items": items}
            )
        if not assertions:
            errors.append(f"{where}: needs at least one assertion")
        standards.append(
            {
                "number": number,
                "name": str(std.get("name") or "").strip(),
                "ndg_group": str(std.get("ndg_group") or "").strip(),
                "assertions": assertions,
            }
        )
    if errors:
        raise CatalogueError(errors)
    return {"version": version, "standards": standards}


def catalogue_read(path: str | Path, *, version: dict | None = None) -> dict:
    """Parse and validate a catalogue file; raises CatalogueError listing every fault.
    `version` (key, label, dspt_year) names a spreadsheet's list when its file name does not."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            with path.open("rb") as f:
                return catalogue_read_xlsx(f, file_name=path.name, version=version)
        except OSError as e:
            raise CatalogueError([f"cannot read {path}: {e}"]) from e
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise CatalogueError([f"cannot read {path}: {e}"]) from e
    raw = _read_csv(text) if path.suffix.lower() == ".csv" else _read_yaml(text)
    return _check(raw)


def catalogue_read_xlsx(file, *, file_name: str, version: dict | None = None) -> dict:
    """Parse and validate NHS England's spreadsheet (an open file or upload)."""
    from .catalogue_xlsx import SheetError, xlsx_catalogue

    try:
        return _check(xlsx_catalogue(file, file_name=file_name, version=version))
    except SheetError as e:
        raise CatalogueError(e.errors) from None


def _hashed(data: dict) -> dict:
    """`data` without the fields added later that are at their default value."""
    standards = [
        {
            **std,
            "assertions": [
                {
                    **a,
                    "items": [
                        {
                            k: v
                            for k, v in item.items()
                            if not (k in ITEM_DEFAULTS and v == ITEM_DEFAULTS[k])
                        }
                        for item in a["items"]
                    ],
                }
                for a in std["assertions"]
            ],
        }
        for std in data["standards"]
    ]
    return {**data, "standards": standards}


def content_hash(data: dict) -> str:
    """The same hash for the same content, whichever file format it came from."""
    canonical = json.dumps(_hashed(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


# ---------------------------------------------------------------- loading


def catalogue_import(*, path: str | Path, version: dict | None = None) -> ImportResult:
    """Load a catalogue version (all or nothing). Re-loading the same content does nothing."""
    return catalogue_load(catalogue_read(path, version=version))


@transaction.atomic
def catalogue_load(data: dict) -> ImportResult:
    """Load already validated catalogue data (from `catalogue_read`)."""
    digest = content_hash(data)
    meta = data["version"]
    existing = CatalogueVersion.objects.filter(key=meta["key"]).first()
    if existing is not None:
        if existing.content_hash == digest:
            return ImportResult(
                existing, False, f"{existing.label} already loaded, nothing changed."
            )
        raise CatalogueError(
            [
                f"version {meta['key']} is already loaded with different content. A loaded "
                "version is never changed in place: give the new file a new version key."
            ]
        )
    version = CatalogueVersion.objects.create(content_hash=digest, **meta)
    items, sort_key = [], 0
    for std_data in data["standards"]:
        standard = Standard.objects.create(
            version=version,
            number=std_data["number"],
            name=std_data["name"],
            ndg_group=std_data["ndg_group"],
        )
        for a_data in std_data["assertions"]:
            assertion = Assertion.objects.create(
                version=version,
                standard=standard,
                ref=a_data["ref"],
                title=a_data["title"],
                sort_key=sort_key,
            )
            for item in a_data["items"]:
                sort_key += 1
                items.append(
                    EvidenceItem(
                        version=version,
                        standard=standard,
                        assertion=assertion,
                        sort_key=sort_key,
                        **item,
                    )
                )
    EvidenceItem.objects.bulk_create(items)
    message = (
        f"Loaded {version.label}: {len(data['standards'])} standards, "
        f"{sum(len(s['assertions']) for s in data['standards'])} assertions, {len(items)} items."
    )
    return ImportResult(version, True, message)


def bundled_catalogue_ensure() -> CatalogueVersion:
    """The bundled 2025-26 catalogue, loaded if it is not there yet (demo data, first run)."""
    return catalogue_import(path=BUNDLED).version
