"""The level and answer tags on every checklist row, item page and review list."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from assessments.models import Level
from assessments.verdict import ItemCheck

ROW = Template("{% load item_tags %}{% level_tag item %} {% answer_tag r check %}")


def _render(level=Level.APPROACHING, mandatory=True, answered=False, no=False, check=None):
    item = SimpleNamespace(level=level, is_mandatory=mandatory)
    r = SimpleNamespace(item=item, is_answered=answered, answered_no=no)
    return ROW.render(Context({"item": item, "r": r, "check": check}))


@pytest.mark.parametrize(
    ("kwargs", "level", "answer"),
    [
        ({}, "Mandatory · Approaching Standards", "Not answered"),
        ({"level": Level.MET, "answered": True}, "Mandatory · Standards Met", "✓ Answered"),
        ({"level": "", "mandatory": False, "no": True}, "Optional", "✓ Answered: No"),
        ({"no": True}, "Mandatory", "Answered “No”: not counted"),
        (
            {"answered": True, "check": ItemCheck(False, ["x"])},
            "",
            "Answered, not counted",
        ),
    ],
)
def test_each_state_reads_as_a_care_manager_expects(kwargs, level, answer):
    html = _render(**kwargs)
    text = html.replace('<span class="tag__more">', "").replace("</span>", "")
    assert level in text
    assert answer in text


def test_evidence_going_out_of_date_still_reads_answered():
    check = ItemCheck(reasons=["review due"], out_of_date_from=dt.date(2027, 5, 1))
    assert "✓ Answered" in _render(answered=True, check=check)


def test_the_tags_are_markup_not_escaped_text():
    assert "&lt;" not in _render(answered=True)
    assert '<span class="tag tag--ok">✓ Answered</span>' in _render(answered=True)
