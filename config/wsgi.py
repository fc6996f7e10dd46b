"""The WSGI application (gunicorn: ``gunicorn config.wsgi``).

Each web worker loads its URLconf here, as it starts, instead of on its first request: importing every view
module costs ≈ 1 s of CPU (docs/performance.md, « Starting a process »), which the first user of each new
worker would otherwise wait for. gunicorn hands a worker no request before this module is loaded.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 — imports the URLconf and every view now, not on the first request
