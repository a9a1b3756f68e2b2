from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def tenant_ping(request: HttpRequest, org: str) -> HttpResponse:
    """For monitoring and `make bench`: 200 once the session, the membership lookup and the
    tenant scope have all worked (OrganisationMiddleware), with nothing else on top."""
    response = HttpResponse(f"ok {request.organisation.slug}\n", content_type="text/plain")
    response["Cache-Control"] = "private, no-store"
    return response
