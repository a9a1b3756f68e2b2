"""Template helpers for the dashboards."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def has_portfolio(context) -> bool:
    """Whether the signed-in user has a portfolio (one query, remembered for the request)."""
    from dashboards.portfolio import request_has_portfolio

    request = context.get("request")
    return request is not None and request_has_portfolio(request)


@register.filter
def percent_of(part, whole) -> int:
    """Whole-number percentage, 0 when there is nothing to count."""
    try:
        return round(100 * part / whole) if whole else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def get_item(mapping, key):
    """mapping[key], or None (for the heat grid's per-standard cells)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
