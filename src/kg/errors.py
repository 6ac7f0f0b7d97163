"""The one exception hierarchy of ClusterKG.

Each error carries a stable ``type`` slug (used as the RFC 9457 problem ``type``), an HTTP
status, a human title and a detail message written for the person who has to act on it. The CLI
maps them to exit codes; the HTTP layer maps them to ``application/problem+json``.
"""

from __future__ import annotations

from typing import Any, ClassVar

#: Base of problem ``type`` IRIs; each subclass appends its slug.
PROBLEM_BASE = "https://w3id.org/clusterkg/problems/"


class KGError(Exception):
    """Base class: an error the user can understand and act on."""

    slug: ClassVar[str] = "error"
    status: ClassVar[int] = 500
    title: ClassVar[str] = "ClusterKG error"
    #: Exit code of the ``kg`` command for this error (2 = usage or input error).
    exit_code: ClassVar[int] = 2
    #: HTTP headers the response must carry (e.g. ``WWW-Authenticate`` with a 401).
    headers: ClassVar[dict[str, str]] = {}

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions

    @property
    def type_iri(self) -> str:
        """The RFC 9457 ``type`` member."""
        return PROBLEM_BASE + self.slug

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        """Render as an RFC 9457 problem details object.

        >>> InvalidInput("bad row", line=3).to_problem()["line"]
        3
        """
        problem: dict[str, Any] = {
            "type": self.type_iri,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            problem["instance"] = instance
        problem.update(self.extensions)
        return problem


class InvalidInput(KGError):
    """Input that cannot be read: a missing file, an unknown format, a malformed row or document."""

    slug = "invalid-input"
    status = 400
    title = "Invalid input"


class InvalidQuery(KGError):
    """A SPARQL query or update that does not parse or cannot run."""

    slug = "invalid-query"
    status = 400
    title = "Invalid SPARQL"


class NotFound(KGError):
    """A resource, source or saved query that does not exist."""

    slug = "not-found"
    status = 404
    title = "Not found"


class NotAcceptable(KGError):
    """No representation the client accepts (``Accept`` or ``format=``) can be produced."""

    slug = "not-acceptable"
    status = 406
    title = "Not acceptable"


class MethodNotAllowed(KGError):
    """An operation sent to an endpoint that does not take it (an update to the query endpoint)."""

    slug = "method-not-allowed"
    status = 405
    title = "Method not allowed"


class PayloadTooLarge(KGError):
    """A request body larger than the service accepts (``KG_MAX_REQUEST_BYTES``)."""

    slug = "payload-too-large"
    status = 413
    title = "Request too large"


class UnsupportedMediaType(KGError):
    """A request body in a media type the endpoint does not read."""

    slug = "unsupported-media-type"
    status = 415
    title = "Unsupported media type"


class ResultTooLarge(KGError):
    """A query whose answer exceeds ``KG_MAX_RESULTS``: refused rather than cut silently."""

    slug = "result-too-large"
    status = 422
    title = "Result too large"


class ShapeViolation(KGError):
    """Records that fail SHACL validation (violations block; warnings do not)."""

    slug = "shape-violation"
    status = 422
    title = "Records violate the shapes"
    exit_code = 1


class QueryTimeout(KGError):
    """A query that ran past its time limit."""

    slug = "query-timeout"
    status = 503
    title = "Query timed out"


class Unauthorized(KGError):
    """A write without valid credentials."""

    slug = "unauthorized"
    status = 401
    title = "Unauthorized"
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": 'Bearer realm="ClusterKG"'}


class Forbidden(KGError):
    """An operation switched off on this service (for example updates without a configured key)."""

    slug = "forbidden"
    status = 403
    title = "Forbidden"


class Conflict(KGError):
    """A write that would overwrite what is there without being asked to (ingesting into a
    source that already exists, without ``--replace`` / ``replace=true``)."""

    slug = "conflict"
    status = 409
    title = "Conflict"


class KeyRefused(Forbidden):
    """A write key that is unknown to the service or was revoked."""

    slug = "key-refused"
    title = "Key refused"
    # RFC 6750's error code for an unknown or revoked token tells a client that another key,
    # not the same one again, could succeed.
    headers: ClassVar[dict[str, str]] = {
        "WWW-Authenticate": 'Bearer realm="ClusterKG", error="invalid_token"'
    }


class StoreUnavailable(KGError):
    """The store cannot be opened or reached (locked, missing, remote endpoint down)."""

    slug = "store-unavailable"
    status = 503
    title = "Store unavailable"
