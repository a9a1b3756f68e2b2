import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from organisations.models import ActivityLog, Organisation, normalise_ods_code, ods_code_warning


def test_ods_codes_are_upper_cased_and_stripped_of_spaces():
    assert normalise_ods_code(" vn4 k2 ") == "VN4K2"


@pytest.mark.parametrize("code", ["VN4K2", "A7Q2K", "C12", "AX1"])
def test_usual_site_and_head_office_codes_raise_no_warning(code):
    assert ods_code_warning(code) == ""


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("8HX12", "8-series"),
        ("X1234567", "not in the usual shape"),
        ("V12", "not in the usual shape"),
    ],
)
def test_unusual_codes_get_a_plain_english_warning(code, words):
    assert words in ods_code_warning(code)


@pytest.mark.django_db
def test_an_ods_code_with_symbols_is_rejected_at_the_field():
    org = Organisation(name="X", slug="x", ods_code="V-12!")
    with pytest.raises(ValidationError) as e:
        org.full_clean()
    assert "ods_code" in e.value.message_dict


@pytest.mark.django_db
def test_cqc_location_id_has_its_own_format():
    org = Organisation(name="X", slug="x", ods_code="VN4K2", cqc_location_id="VN4K2")
    with pytest.raises(ValidationError) as e:
        org.full_clean()
    assert "not the same as the ODS code" in str(e.value.message_dict["cqc_location_id"])


@pytest.mark.django_db
def test_activity_entries_cannot_be_changed_or_deleted(organisation):
    entry = ActivityLog.objects.create(organisation=organisation, action="test.done")
    entry.action = "test.rewritten"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    with scopes_disabled():
        assert ActivityLog.objects.get(pk=entry.pk).action == "test.done"
