import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dspt_portal.settings.production")
application = get_wsgi_application()

# Import every view now (the URL patterns), then put what start-up made (modules, settings,
# models, URL patterns: long-lived, never garbage) out of the cycle collector's sight. Each
# full collection during a request would otherwise walk all of it again: a slow request at
# random, in each worker.
get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
gc.freeze()
