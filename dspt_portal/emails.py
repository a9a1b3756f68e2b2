"""One way to send an email: subject, text and HTML parts from templates/emails/<name>_*."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template, with no HTML escaping: in a subject or a text part, `&#x27;`
    and `&lt;` are what the reader would see. Includes inherit the setting."""
    template = get_template(template_name).template  # the Django template under the wrapper
    return template.render(Context(context, autoescape=False))


def render_email(name: str, context: dict) -> tuple[str, str, str]:
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_text(f"emails/{name}_subject.txt", context).split())
    text = render_text(f"emails/{name}_body.txt", context)
    html = render_to_string(f"emails/{name}_body.html", context)
    return subject, text, html


def build_email(
    name: str,
    *,
    to: list[str],
    context: dict,
    headers: dict | None = None,
    reply_to: list[str] | None = None,
):
    subject, text, html = render_email(name, context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers,
        reply_to=reply_to,
    )
    message.attach_alternative(html, "text/html")
    return message


def send_templated_email(
    name: str,
    *,
    to: list[str],
    context: dict,
    headers: dict | None = None,
    reply_to: list[str] | None = None,
) -> None:
    build_email(name, to=to, context=context, headers=headers, reply_to=reply_to).send()
