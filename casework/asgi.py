"""ASGI entry point. Casework is served over WSGI (see docs/decisions); this exists for tools."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")
application = get_asgi_application()
