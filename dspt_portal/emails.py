"""One way to send an email: subject, text and HTML parts from templates/emails/<name>_*."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def render_email(name: str, context: dict) -> tuple[str, str, str]:
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{name}_subject.txt", context).strip().replace("\n", " ")
    text = render_to_string(f"emails/{name}_body.txt", context)
    html = render_to_string(f"emails/{name}_body.html", context)
    return subject, text, html


def build_email(name: str, *, to: list[str], context: dict, headers: dict | None = None):
    subject, text, html = render_email(name, context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=to, headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


def send_templated_email(
    name: str, *, to: list[str], context: dict, headers: dict | None = None
) -> None:
    build_email(name, to=to, context=context, headers=headers).send()
