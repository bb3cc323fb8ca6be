from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", {"status": 400, "title": "Bad request"}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", {"status": 403, "title": "Not allowed"}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", {"status": 404, "title": "Not found"}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/error.html", {"status": 500, "title": "Something went wrong"}, status=500
    )
