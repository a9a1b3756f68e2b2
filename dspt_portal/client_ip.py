"""The client's address, as the audit log and allauth's rate limits see it.

Behind reverse proxies (TRUSTED_PROXY_COUNT of them, each appending the address it saw to
X-Forwarded-For) the client is the entry that many places from the right; anything further
left was sent by the client and is not trusted. With no proxy, it is REMOTE_ADDR.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    remote = _valid(request.META.get("REMOTE_ADDR") or "")
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        hops = [h for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return _valid(hops[-proxies]) or remote
    return remote
