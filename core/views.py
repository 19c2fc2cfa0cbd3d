from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from django.views.defaults import server_error as django_server_error


def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database readiness for load balancers and orchestrators."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "degraded", "database": database}, status=status
    )


def _api_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "details": []}}, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A URL no route matches: the API's error format under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return _api_error("NOT_FOUND", "Not found.", 404)
    return page_not_found(request, exception or Http404())


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api_error("INTERNAL_ERROR", "An unexpected error occurred.", 500)
    return django_server_error(request)
