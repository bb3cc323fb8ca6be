"""Client record, consent, emergency access, duplicates and import pages (issue 3)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
