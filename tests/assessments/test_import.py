"""import_dspt: loads the bundled catalogue, idempotent, refuses bad or changed files."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from assessments.catalogue import BUNDLED, CSV_COLUMNS, catalogue_read
from assessments.models import Assertion, CatalogueVersion, EvidenceItem, Level, Standard

pytestmark = pytest.mark.django_db


def run(path) -> str:
    out = io.StringIO()
    call_command("import_dspt", str(path), stdout=out)
    return out.getvalue()


def test_bundled_catalogue_loads_every_standard_assertion_and_item():
    assert "Loaded" in run(BUNDLED)
    version = CatalogueVersion.objects.get(key="2025-26-v8")
    assert version.dspt_year == 2026
    assert Standard.objects.filter(version=version).count() == 10
    assert Assertion.objects.filter(version=version).count() == 31
    items = EvidenceItem.objects.filter(version=version)
    assert items.count() == 49
    assert items.filter(level=Level.APPROACHING).count() == 20
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


def test_running_it_again_changes_nothing():
    run(BUNDLED)
    before = list(EvidenceItem.objects.values_list("pk", "summary"))
    assert "already loaded, nothing changed" in run(BUNDLED)
    assert list(EvidenceItem.objects.values_list("pk", "summary")) == before
    assert CatalogueVersion.objects.count() == 1


def test_a_malformed_file_names_the_line_and_field_and_loads_nothing(tmp_path):
    text = BUNDLED.read_text().replace("2025-26-v8", "2025-26-v9")
    lines = text.splitlines()
    n = next(i for i, line in enumerate(lines) if 'ref: "3.2.1"' in line)
    level_line = next(i for i in range(n, n + 8) if "level:" in lines[i])
    lines[level_line] = "            level: standard_met"
    bad = tmp_path / "bad.yaml"
    bad.write_text("\n".join(lines))
    with pytest.raises(CommandError) as e:
        run(bad)
    assert f"line {level_line + 1}, item 3.2.1: level must be one of" in str(e.value)
    assert CatalogueVersion.objects.count() == 0
    assert EvidenceItem.objects.count() == 0


def test_a_changed_file_under_a_loaded_key_is_refused(tmp_path):
    run(BUNDLED)
    path = tmp_path / "changed.yaml"
    path.write_text(BUNDLED.read_text().replace("ICO", "Information Commissioner"))
    with pytest.raises(CommandError, match="never changed in place"):
        run(path)
    assert "ICO" in EvidenceItem.objects.get(ref="1.1.1").summary


def _as_csv(data: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
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
    assert EvidenceItem.objects.count() == 49
    assert "already loaded" in run(path)


def test_csv_errors_name_the_row_line(tmp_path):
    data = catalogue_read(BUNDLED)
    text = _as_csv(data).replace(",confirmation,", ",tickbox,", 1)
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(CommandError, match=r"line \d+, item [\d.]+: answer_type must be one of"):
        run(path)
    assert CatalogueVersion.objects.count() == 0
