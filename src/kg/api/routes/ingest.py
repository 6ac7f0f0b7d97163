"""Ingest over HTTP: ``POST /ingest`` loads a steward's file into a source (with a write key),
``POST /validate`` runs the same pipeline and writes nothing (no key). Both answer the JSON report
of ``kg ingest --report`` (README, "The ingest report").

The upload is streamed to a temporary file under ``KG_MAX_UPLOAD_BYTES`` (413 above it); the
pipeline then runs in a worker thread, as the service's one writer, so queries keep being
answered meanwhile and see the new data as soon as it is loaded. The answer comes when the load
is done: a steward's file of thousands of rows takes seconds; for the bundled Eurostat tables
(minutes), use ``kg ingest``.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from kg.api.auth import WriteKeyName
from kg.api.deps import refuse_unknown_parameters, sparql_service
from kg.api.problems import PROBLEM_JSON, problem_responses
from kg.config import Settings
from kg.errors import InvalidInput, PayloadTooLarge, ShapeViolation, UnsupportedMediaType
from kg.ingest.mappings import MAPPINGS
from kg.ingest.pipeline import IngestReport, check_source_name, ingest_file
from kg.ingest.provenance import SourceDescription
from kg.refresh import derive_after, derived_inputs
from kg.store import Store
from kg.validation import ShapeValidator
from kg.web import templates

router = APIRouter(tags=["ingest"])

#: The file types a body may have, by media type, as the suffix the pipeline reads them by.
SUFFIXES = {
    "text/csv": ".csv",
    "text/tab-separated-values": ".tsv",
    "text/turtle": ".ttl",
    "application/n-triples": ".nt",
    "application/ld+json": ".jsonld",
    "application/rdf+xml": ".rdf",
    "application/yaml": ".yaml",
}
REPORT = "application/json"
#: The body is the file itself, in one of the media types above.
BODY = {
    "required": True,
    "content": {
        media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in SUFFIXES
    },
}
PARAMETERS = {"source", "mapping", "replace", "dry_run", "title", "filename"}

SOURCE = Query(
    description="Source name: its records go to graph <base>graph/NAME (lower-case letters, "
    "digits and '-').",
    examples=["s3-marche-2021"],
)
MAPPING = Query(
    description=f"Mapping to apply: {', '.join(sorted(MAPPINGS))}; RDF bodies need none.",
    examples=["s3-priorities"],
)
FILENAME = Query(
    description="The file's name, for the provenance (default: upload plus the suffix of the "
    "media type).",
    examples=["marche-priorities.csv"],
)


def _responses(write: bool) -> dict[int | str, dict[str, Any]]:
    loaded = "Every record loaded" if write else "Every record is valid"
    errors = [
        (400, "Unknown parameter or mapping, malformed source name, or a file that cannot be "
         "read (not UTF-8: with its first offending line)."),
        (413, "Body larger than KG_MAX_UPLOAD_BYTES."),
        (415, f"Body in a type other than {', '.join(SUFFIXES)}."),
    ]  # fmt: skip
    if write:
        errors += [
            (401, "No `Authorization: Bearer` write key."),
            (403, "Unknown or revoked key, or no write key exists on this service."),
            (409, "The source is already loaded and replace=true was not given: nothing "
             "written."),
        ]  # fmt: skip
    return {
        200: {
            "description": f"{loaded}: the report (records, one row per record with its line, "
            "outcome, IRI and messages; for a replace, the resources removed, added, changed).",
            "content": {REPORT: {}},
        },
        422: {
            "description": "Some records were quarantined (the others "
            + ("loaded" if write else "are valid")
            + "): the same report, as a problem (its `type`, `title`, `status` and `detail` "
            "added to the report's members).",
            "content": {PROBLEM_JSON: {}},
        },
        **problem_responses(*errors),
    }


@router.get(
    "/steward",
    summary="The data steward's page: check a file, read the report per row, load it",
    response_class=HTMLResponse,
    responses={200: {"description": "The page.", "content": {"text/html": {}}}},
)
def steward(request: Request) -> HTMLResponse:
    """A form that posts the chosen file to ``/validate``, shows the report, then loads it with
    ``/ingest`` and a write key."""
    refuse_unknown_parameters(request.query_params.keys(), set())
    return templates.TemplateResponse(request, "steward.html", {"mappings": sorted(MAPPINGS)})


@router.post(
    "/ingest",
    summary="Load a steward's file into a source: validated per record, reported per row",
    response_class=Response,
    responses=_responses(write=True),
    openapi_extra={"requestBody": BODY},
)
async def ingest(
    request: Request,
    key_name: WriteKeyName,
    source: Annotated[str, SOURCE],
    mapping: Annotated[str | None, MAPPING] = None,
    replace: Annotated[
        bool, Query(description="Replace the source if it is already loaded (else 409).")
    ] = False,
    dry_run: Annotated[
        bool, Query(description="Run the whole pipeline and report; write nothing.")
    ] = False,
    title: Annotated[str | None, Query(description="Title of the source in the catalogue.")] = None,
    filename: Annotated[str | None, FILENAME] = None,
) -> Response:
    """Validate the body's records against the shapes and load the valid ones into the named
    graph of ``source``; answer the report. Needs a write key, whose name is recorded as who
    loaded it. New S3 priorities and clusters get their technologies derived, and the matches
    follow, before the answer."""
    refuse_unknown_parameters(request.query_params.keys(), PARAMETERS)
    check_source_name(source)
    return await _run(
        request, source, mapping, filename, title, replace=replace, dry_run=dry_run, agent=key_name
    )


@router.post(
    "/validate",
    summary="Validate a steward's file and report per row; writes nothing (no key needed)",
    response_class=Response,
    responses=_responses(write=False),
    openapi_extra={"requestBody": BODY},
)
async def validate(
    request: Request,
    mapping: Annotated[str | None, MAPPING] = None,
    filename: Annotated[str | None, FILENAME] = None,
) -> Response:
    """The pipeline of ``/ingest`` without the write: the same report, for any file."""
    refuse_unknown_parameters(request.query_params.keys(), {"mapping", "filename"})
    return await _run(request, "validate", mapping, filename, None, replace=True, dry_run=True)


async def _run(
    request: Request,
    source: str,
    mapping: str | None,
    filename: str | None,
    title: str | None,
    *,
    replace: bool,
    dry_run: bool,
    agent: str | None = None,
) -> Response:
    if mapping is not None and mapping not in MAPPINGS:
        raise InvalidInput(
            f"unknown mapping {mapping!r}; the mappings are {', '.join(sorted(MAPPINGS))}"
        )
    service = sparql_service(request)
    settings = service.settings
    suffix = _suffix(request.headers.get("content-type"))
    name = _file_name(filename, suffix)
    with tempfile.TemporaryDirectory(prefix="kg-upload-") as directory:
        path = Path(directory) / name
        await _save_body(request, path, settings.max_upload_bytes)
        description = SourceDescription(name=source, title=title or f"{source} ({name})")

        def load() -> IngestReport:
            return _ingest(
                service.store, settings, description, path, mapping, replace, dry_run, agent
            )

        if dry_run:
            report = await run_in_threadpool(load)
        else:
            report = await run_in_threadpool(service.write, lambda _store: load())
    document = report.as_json()
    if not report.records_quarantined:
        return Response(_json(document), media_type=REPORT)
    # Refused records are a problem of the request: RFC 9457 members, then the whole report,
    # so a client reads the same report keys whatever the status.
    counts = report.records_read, report.records_quarantined
    verb = "were loaded" if report.written else "are valid"
    problem = ShapeViolation(
        f"{counts[1]} of {counts[0]} records were quarantined (the others {verb}); each "
        "quarantined row is in 'rows' with its line and messages"
    ).to_problem()
    return Response(_json({**problem, **document}), status_code=422, media_type=PROBLEM_JSON)


def _json(document: dict[str, object]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def _ingest(
    store: Store,
    settings: Settings,
    source: SourceDescription,
    path: Path,
    mapping: str | None,
    replace: bool,
    dry_run: bool,
    agent: str | None,
) -> IngestReport:
    """The pipeline, then (when it wrote) the derived graphs whose inputs changed."""
    with ShapeValidator(settings.shapes_dir, settings.ontology_dir) as validator:
        inputs_before = derived_inputs(store, settings)
        report = ingest_file(
            store,
            settings,
            validator,
            source=source,
            path=path,
            mapping_name=mapping,
            dry_run=dry_run,
            replace=replace,
            agent=agent,
        )
        if report.written:
            derive_after({report.graph}, inputs_before, store, settings, validator)
    return report


def _suffix(content_type: str | None) -> str:
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in SUFFIXES:
        raise UnsupportedMediaType(
            f"send the file as one of {', '.join(SUFFIXES)}; got {media_type or 'no Content-Type'}"
        )
    return SUFFIXES[media_type]


def _file_name(filename: str | None, suffix: str) -> str:
    """A safe file name with the media type's suffix (it picks the reader)."""
    if not filename:
        return f"upload{suffix}"
    name = Path(filename).name
    if not name or name != filename or name.startswith("."):
        raise InvalidInput(f"filename {filename!r} must be a plain file name, without a folder")
    return name if name.lower().endswith(suffix) else f"{name}{suffix}"


async def _save_body(request: Request, path: Path, limit: int) -> None:
    """Stream the body to ``path``, refusing it (413) past ``limit`` bytes: an upload is never
    held in memory whole, and an oversized one is stopped as soon as it is known to be."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the upload has {declared} bytes; the limit is {limit:,}")
    size = 0
    with path.open("wb") as handle:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(f"the upload is larger than the limit of {limit:,} bytes")
            handle.write(chunk)
    if size == 0:
        raise InvalidInput("the request has no body: send the file as the body")
