"""The client's address for login throttling (django-axes), behind a known number of proxies.

Without a proxy (TRUSTED_PROXY_COUNT=0) it is the connection's address. Behind N proxies that each
append to X-Forwarded-For, it is the N-th address from the right: what the outermost trusted proxy
saw. Anything to the left of it was written by the client and is not trusted.
"""

from django.conf import settings


def client_ip(request) -> str | None:
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return remote
    return hops[-count]
