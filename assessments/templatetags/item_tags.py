"""The tags every checklist row, item page and review list shows for an item: its level and
whether its answer counts. Plain Python, not template includes: the checklist shows them
for every one of its rows."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..models import Level

register = template.Library()

_LEVEL_TAGS = {
    Level.APPROACHING: mark_safe(  # noqa: S308 - fixed markup, no data
        '<span class="tag tag--info">Mandatory<span class="tag__more"> · Approaching '
        "Standards</span></span>"
    ),
    Level.MET: mark_safe(  # noqa: S308 - fixed markup, no data
        '<span class="tag tag--info">Mandatory<span class="tag__more"> · Standards '
        "Met</span></span>"
    ),
}
_OPTIONAL = mark_safe('<span class="tag tag--neutral">Optional</span>')  # noqa: S308


def _tag(tone: str, text: str):
    return format_html('<span class="tag tag--{}">{}</span>', tone, text)


@register.simple_tag
def level_tag(item):
    """Mandatory at which level, or optional."""
    return _LEVEL_TAGS.get(item.level, _OPTIONAL)


@register.simple_tag
def answer_tag(response, check=None):
    """Whether `response` is answered, and whether it counts (`check`: its outcome check)."""
    if check and check.reasons and not check.out_of_date_from:
        return _tag("warn", "Answered, not counted")
    if response.is_answered:
        return _tag("ok", "✓ Answered")
    if response.answered_no:
        if not response.item.is_mandatory:
            return _tag("ok", "✓ Answered: No")
        return _tag("warn", "Answered “No”: not counted")
    return _tag("neutral", "Not answered")
