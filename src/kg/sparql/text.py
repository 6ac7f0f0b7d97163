"""What a SPARQL request is, read from its text without a full parse.

The engine parses every query anyway; these checks only need the *kind* of request (query form,
dataset clause, update or not) before it runs, to negotiate the response format and to choose the
dataset. A full parse in Python (rdflib) costs milliseconds per request, so this reads keywords
after removing what cannot hold keywords: comments, string literals and IRIs.
"""

from __future__ import annotations

import re
from enum import StrEnum

# Order matters: long strings before short ones, so ''' is not read as '' + '.
_NOT_KEYWORDS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
)
_PROLOGUE = re.compile(r"\s*(?:BASE\s*|PREFIX\s+[^\s:]*:\s*)", re.IGNORECASE)
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+)")
_DATASET_CLAUSE = re.compile(r"\bFROM\b", re.IGNORECASE)
_UPDATE_WORDS = {
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "CREATE",
    "DROP",
    "COPY",
    "MOVE",
    "ADD",
    "WITH",
}


class RequestForm(StrEnum):
    """The form of a SPARQL request, which decides the kind of answer."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"
    UPDATE = "UPDATE"
    UNKNOWN = "UNKNOWN"

    @property
    def returns_graph(self) -> bool:
        """CONSTRUCT and DESCRIBE answer with RDF; SELECT and ASK with result sets."""
        return self in (RequestForm.CONSTRUCT, RequestForm.DESCRIBE)


def keywords_only(text: str) -> str:
    """The request with comments, strings and IRIs blanked out (same length, same lines).

    >>> keywords_only('SELECT * { ?s rdfs:label "FROM here" } # FROM')
    'SELECT * { ?s rdfs:label             }       '
    """
    return _NOT_KEYWORDS.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), text)


def read_request(text: str) -> tuple[RequestForm, bool]:
    """The form of a request and whether it names its own dataset, from one scan of its text.

    >>> read_request('SELECT * FROM <http://example.org/g> { ?s ?p "FROM" }')
    (<RequestForm.SELECT: 'SELECT'>, True)
    >>> read_request('SELECT * { ?s ?p "FROM" } # FROM')
    (<RequestForm.SELECT: 'SELECT'>, False)
    """
    body = keywords_only(text)
    return _form(body), _DATASET_CLAUSE.search(body) is not None


def request_form(text: str) -> RequestForm:
    """The form of a query or update request, from its first keyword after the prologue.

    >>> request_form("PREFIX ex: <http://example.org/> ASK { ?s ?p ?o }")
    <RequestForm.ASK: 'ASK'>
    >>> request_form("# a comment\\nINSERT DATA { <a:b> <a:c> <a:d> }")
    <RequestForm.UPDATE: 'UPDATE'>
    """
    return _form(keywords_only(text))


def _form(body: str) -> RequestForm:
    """The form of a request whose comments, strings and IRIs are blanked out."""
    position = 0
    while match := _PROLOGUE.match(body, position):
        # A prologue declaration is the keyword plus its (blanked) IRI: skip both.
        position = match.end()
        while position < len(body) and body[position].isspace():
            position += 1
    word = _FIRST_WORD.match(body, position)
    if word is None:
        return RequestForm.UNKNOWN
    keyword = word.group(1).upper()
    if keyword in _UPDATE_WORDS:
        return RequestForm.UPDATE
    try:
        return RequestForm(keyword)
    except ValueError:
        return RequestForm.UNKNOWN
