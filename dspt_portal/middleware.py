"""Responses that hold someone's data are never kept by the browser or a proxy."""

from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page, export and download a signed-in person gets
    and on everything under /o/ (care homes share PCs: the back button or the browser's
    cache must not show the next person what the last one saw). Public pages (the status
    badge, sign-in) and static files keep their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/o/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True)
            response.headers.pop("Expires", None)
        return response
