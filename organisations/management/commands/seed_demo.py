"""Create (or refresh) the demo organisations and logins. Safe to run again."""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_scopes import scopes_disabled

from organisations.demo import DEMO_DOMAIN, PEOPLE, Demo, demo_email


class Command(BaseCommand):
    help = "Create demo organisations and logins (never in production)."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is disabled in these settings (production).")
        demo = Demo()
        with scopes_disabled(), transaction.atomic():
            for config in apps.get_app_configs():
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as e:
                    if e.name != f"{config.name}.demo":
                        raise
                    continue
                module.seed(demo)
        for line in demo.log:
            self.stdout.write(f"  {line}")
        ready = f"Demo data ready. Logins (password: {settings.DEMO_PASSWORD}):"
        self.stdout.write(self.style.SUCCESS(ready))
        for local, name, title in PEOPLE:
            self.stdout.write(f"  {demo_email(local):28} {name}, {title}")
        self.stdout.write(f"  {'platform@' + DEMO_DOMAIN:28} Platform staff (Django admin)")
