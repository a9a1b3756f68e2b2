from django import template

register = template.Library()


@register.simple_tag
def clock(breach, now) -> dict:
    """The breach's 72-hour clock at `now`: {"state", "hours_left"}."""
    return {"state": breach.clock_state(now), "hours_left": breach.hours_left(now)}


@register.simple_tag
def sar_status(sar, today) -> str:
    return sar.status(today)


@register.filter
def days_left(sar, today) -> int:
    return sar.days_left(today)
