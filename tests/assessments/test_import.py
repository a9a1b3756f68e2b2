"""import_dspt: loads the bundled catalogue, idempotent, refuses bad or changed files."""

import copy
import csv
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command

from assessments.catalogue import (
    BUNDLED,
    CSV_COLUMNS,
    OPTIONAL_CSV_COLUMNS,
    catalogue_read,
    content_hash,
)
from assessments.models import Assertion, CatalogueVersion, EvidenceItem, Level, Standard

pytestmark = pytest.mark.django_db


def run(path) -> str:
    out = io.StringIO()
    call_command("import_dspt", str(path), stdout=out)
    return out.getvalue()


def test_bundled_catalogue_loads_every_standard_assertion_and_item():
    assert "Loaded" in run(BUNDLED)
    version = CatalogueVersion.objects.get(key="2025-26-v8-r2")
    assert version.dspt_year == 2026
    assert (version.official_questions, version.official_mandatory) == (80, 45)
    assert version.official_approaching == 26
    assert Standard.objects.filter(version=version).count() == 10
    assert Assertion.objects.filter(version=version).count() == 31
    items = EvidenceItem.objects.filter(version=version)
    assert items.count() == 51
    assert items.filter(level=Level.APPROACHING).count() == 22
    assert items.filter(level=Level.MET).count() == 18
    item = items.get(ref="3.2.1")
    assert (item.answer_type, item.app_hint, item.category) == (
        "confirmation",
        "percentage",
        "people",
    )
    assert item.guidance
    na = set(items.filter(na_allowed=True).values_list("ref", flat=True))
    assert {"1.3.12", "1.4.3", "5.1.1", "6.1.2", "6.1.3", "8.2.1"} <= na
    assert items.get(ref="7.1.1").answer_type == "document"


def test_bundled_list_follows_the_v8_research():
    run(BUNDLED)
    items = {i.ref: i for i in EvidenceItem.objects.all()}
    assert items["1.3.7"].level == items["1.4.2"].level == Level.APPROACHING
    assert not items["1.3.7"].is_inferred and items["1.4.2"].is_inferred
    # "Not applicable" wherever the v8 guidance allows it (no IT, no network, no suppliers).
    for ref in ["4.3.1", "4.4.1", "6.2.1", "8.1.4", "9.1.1", "9.5.2", "10.1.2", "10.2.1", "10.2.2"]:
        assert items[ref].na_allowed, ref
    assert "discuss it regularly" in items["1.1.5"].summary
    assert "equivalent arrangements" in items["9.5.2"].summary
    assert items["8.4.3"].is_inferred and "GP practices only" in items["8.4.3"].confidence_note
    inferred = {ref for ref, i in items.items() if i.is_inferred}
    assert inferred == {
        "1.1.6", "1.4.2", "5.1.1", "5.2.1", "6.3.5", "7.2.1", "8.3.1", "8.4.3", "9.1.1",
        "9.2.1", "9.5.2",
    }  # fmt: skip
    assert all(items[ref].confidence_note for ref in inferred)
    windows = {ref: i.valid_months for ref, i in items.items() if i.valid_months}
    assert windows == {
        "1.1.2": 12, "1.3.1": 36, "1.3.2": 12, "3.1.1": 12, "7.1.1": 12, "7.2.1": 12,
        "7.3.4": 12,
    }  # fmt: skip


def test_a_file_loaded_before_the_new_fields_still_hashes_the_same():
    """Items at the new fields' defaults hash exactly as before those fields existed, so a
    database that loaded the first v8 file still finds it 'already loaded'."""
    data = catalogue_read(BUNDLED)
    for key in ("official_questions", "official_mandatory", "official_approaching"):
        del data["version"][key]
    old_shape = copy.deepcopy(data)
    for s_new, s_old in zip(data["standards"], old_shape["standards"], strict=True):
        for a_new, a_old in zip(s_new["assertions"], s_old["assertions"], strict=True):
            for new, old in zip(a_new["items"], a_old["items"], strict=True):
                new.update(valid_months=None, confidence="confirmed", confidence_note="")
                for key in OPTIONAL_CSV_COLUMNS:
                    old.pop(key)
    canonical = json.dumps(old_shape, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert content_hash(data) == hashlib.sha256(canonical.encode()).hexdigest()


def _as_csv(data: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS + OPTIONAL_CSV_COLUMNS)
    writer.writeheader()
    v = data["version"]
    for s in data["standards"]:
        for a in s["assertions"]:
            for item in a["items"]:
                writer.writerow(
                    {
                        "version_key": v["key"],
                        "version_label": v["label"],
                        "dspt_year": v["dspt_year"],
                        "released": v["released"],
                        "standard_number": s["number"],
                        "standard_name": s["name"],
                        "ndg_group": s["ndg_group"],
                        "assertion_ref": a["ref"],
                        "assertion_title": a["title"],
                        **item,
                        "na_allowed": "true" if item["na_allowed"] else "",
                    }
                )
    return out.getvalue()


def test_csv_with_the_same_content_is_recognised_as_already_loaded(tmp_path):
    run(BUNDLED)
    data = catalogue_read(BUNDLED)
    data["version"]["source_note"] = ""  # CSV has no source_note column
    path = tmp_path / "v8.csv"
    path.write_text(_as_csv(data))
    CatalogueVersion.objects.all().delete()
    assert "Loaded" in run(path)
    assert EvidenceItem.objects.count() == 51
    assert "already loaded" in run(path)


def test_csv_errors_name_the_row_line(tmp_path):
    data = catalogue_read(BUNDLED)
    text = _as_csv(data).replace(",confirmation,", ",tickbox,", 1)
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(CommandError, match=r"line \d+, item [\d.]+: answer_type must be one of"):
        run(path)
    assert CatalogueVersion.objects.count() == 0
