"""Pages of this area, included by casework/web/urls.py under the `web` namespace."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
