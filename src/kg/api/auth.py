"""Who may write: the ``Authorization: Bearer`` key of a write request, checked against the key
ring (:mod:`kg.keys`) at every request, so that keys created or revoked with ``kg keys`` take
effect without a restart."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kg.api.deps import get_app_settings
from kg.errors import Forbidden, Unauthorized
from kg.keys import verify_write_key, writes_enabled

#: The OpenAPI security scheme of every write operation (the lock in /docs). ``auto_error`` is off
#: so that a missing header is answered by :func:`require_write_key` with problem+json.
write_key_scheme = HTTPBearer(
    scheme_name="writeKey",
    description="A named key from `kg keys create NAME`, or the bootstrap key KG_UPDATE_KEY.",
    auto_error=False,
)


def require_write_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(write_key_scheme)],
) -> str:
    """The name of the key that authorises this write (``bootstrap`` for ``KG_UPDATE_KEY``).

    403 when the service takes no writes at all or the key is unknown or revoked; 401 when the
    request has no ``Authorization: Bearer`` key. A plain ``def``: FastAPI runs it in a worker
    thread, so reading the key ring never blocks the event loop.
    """
    settings = get_app_settings(request)
    if not writes_enabled(settings):
        raise Forbidden(
            "writes are switched off on this service: the operator has neither created a write "
            "key (`kg keys create NAME`) nor set KG_UPDATE_KEY"
        )
    if credentials is None or not credentials.credentials.strip():
        raise Unauthorized("send 'Authorization: Bearer <key>' with a write key")
    return verify_write_key(settings, credentials.credentials.strip())


#: The name of the authorising key, for a write route's signature.
WriteKeyName = Annotated[str, Depends(require_write_key)]
