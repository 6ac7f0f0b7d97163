"""Checks of a curated table's cells that a data steward can act on (see ``data/sources/s3/
FORMATS.md``, "Checks").

Pure functions: each takes the text of a cell (or a row) and returns what is wrong with it in
words, or ``None``; the mappings (:mod:`kg.ingest.mappings.curated_rows`) turn the answer into a
quarantined row or a warning. Names are compared by :func:`name_key`, which ignores case,
accents, punctuation and script (Greek is transliterated), so that "Kentriki Makedonia" and
"Κεντρική Μακεδονία" are one name.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from kg.ingest.nuts_history import NutsHistory

# ── names ────────────────────────────────────────────────────────────────────────────────────

#: Letters Unicode does not decompose into a base letter and an accent, written as the Latin
#: letters people type for them ("Łódzkie" is often written "Lodzkie"; "ß" is handled by
#: casefolding).
_UNDECOMPOSABLE = str.maketrans(
    {"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
#: Greek letters (lower-case, without accents) in Latin script after ELOT 743, the standard
#: Eurostat's transliterations follow ("Βόρειο Αιγαίο" → "Voreio Aigaio").
_GREEK_LETTERS = {
    "α": "a",
    "β": "v",
    "γ": "g",
    "δ": "d",
    "ε": "e",
    "ζ": "z",
    "η": "i",
    "θ": "th",
    "ι": "i",
    "κ": "k",
    "λ": "l",
    "μ": "m",
    "ν": "n",
    "ξ": "x",
    "ο": "o",
    "π": "p",
    "ρ": "r",
    "σ": "s",
    "τ": "t",
    "υ": "y",
    "φ": "f",
    "χ": "ch",
    "ψ": "ps",
    "ω": "o",
}
#: Diphthongs: αυ/ευ/ηυ are "av"/"ev"/"iv", or "af"/"ef"/"if" before a voiceless consonant or
#: at the end of a word ("Λευκάδα" → "Lefkada"); ου is "ou"; γ before γ, ξ, χ is "n".
_GREEK_PAIRS = re.compile(r"[αεη]υ|ου|γ(?=[γξχ])")
_VOICELESS = frozenset("θκξπστφχψ")
_WORD = re.compile(r"\w+")


def _greek_pair(match: re.Match[str]) -> str:
    text = match.group()
    if text == "ου":
        return "ou"
    if text == "γ":
        return "n"
    following = match.string[match.end() : match.end() + 1]
    voiceless = not following.isalpha() or following in _VOICELESS
    return _GREEK_LETTERS[text[0]] + ("f" if voiceless else "v")


def name_key(text: str) -> str:
    """Words of ``text`` in lower case without accents or punctuation, Greek in Latin script,
    for comparing names and quotes.

    Case, accents, punctuation (ellipses included) and the script of Greek words are ignored;
    a word of another script (Cyrillic) is kept lower-cased, so it still matches itself.

    >>> name_key("Κεντρική Μακεδονία") == name_key("Kentriki Makedonia")
    True
    >>> name_key("…Łódzkie, Provence-Alpes-Côte d'Azur...")
    'lodzkie provence alpes cote d azur'
    >>> name_key("Λευκάδα, Εύβοια, Αχαΐα")
    'lefkada evvoia achaia'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ς", "σ"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _GREEK_PAIRS.sub(_greek_pair, plain.translate(_UNDECOMPOSABLE))
    latin = "".join(_GREEK_LETTERS.get(ch, ch) for ch in plain)
    return " ".join(_WORD.findall(latin))


#: A qualifier in parentheses, and an ellipsis, in a name (see :func:`mentions`).
_PARENTHESES = re.compile(r"\([^()]*\)")
_ELLIPSIS = re.compile(r"\.\.\.|…")


def mentions(text: str, name: str) -> bool:
    """Whether ``text`` contains ``name`` as whole words (see :func:`name_key`).

    An ellipsis in ``name`` stands for words left out: the parts around it must appear in
    order. A qualifier in parentheses ("(cross-cutting)", "(LLA)") is an editorial addition
    the source need not contain: the name without it is enough.

    >>> mentions("Smart specialisation ... assi: manifattura sostenibile, domotica…", "Domotica")
    True
    >>> mentions("la domotica", "dom")
    False
    >>> mentions("Minimalizacja wytwarzania odpadów (recykling)", "Minimalizacja ... odpadów")
    True
    >>> mentions("con la digitalización de forma transversal", "Digitalización (transversal)")
    True
    """
    quote = f" {name_key(text)} "
    for variant in dict.fromkeys([name, _PARENTHESES.sub(" ", name)]):
        parts = [f" {key} " for key in (name_key(part) for part in _ELLIPSIS.split(variant)) if key]
        at = 0
        for part in parts:
            found = quote.find(part, at)
            if found < 0:
                break
            at = found + len(part) - 1  # the next part may start at the shared space
        else:
            if parts:
                return True
    return False


# ── region names ─────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class RegionNames:
    """The names of every NUTS code of every version, and the codes of every name.

    Built once per mapping run (:meth:`from_history`) from the region lists, the labels of the
    change tables (a code's label in the versions without a list of their own) and Eurostat's
    Latin transliterations of the Greek and Cyrillic labels.
    """

    #: code → name keys (every version, language and script).
    keys: Mapping[str, frozenset[str]]
    #: name key → codes that have that name.
    codes: Mapping[str, frozenset[str]]
    #: code → the name shown in messages (newest version, Latin script).
    display: Mapping[str, str]

    @classmethod
    def from_history(cls, history: NutsHistory) -> RegionNames:
        """Index the names of a NUTS history."""
        labels: dict[str, set[str]] = {}
        display: dict[str, str] = {}
        for version in history.versions:  # oldest first, so the newest name is shown
            for code, row in history.regions[version].items():
                if row.label:
                    labels.setdefault(code, set()).add(row.label)
                    display[code] = row.label
        for rows in history.changes.values():
            for change in rows:
                # A row's label is that of its new region (or of the old one when it has none).
                changed = change.new_code or change.old_code
                if changed and change.label:
                    labels.setdefault(changed, set()).add(change.label)
                    display.setdefault(changed, change.label)
        for code, latin in history.transliterations.items():
            labels.setdefault(code, set()).add(latin)
            display[code] = latin
        keys: dict[str, frozenset[str]] = {}
        codes: dict[str, set[str]] = {}
        for code, names in labels.items():
            found = {key for name in names for key in _label_keys(name)}
            keys[code] = frozenset(found)
            for key in found:
                codes.setdefault(key, set()).add(code)
        return cls(
            keys=keys,
            codes={key: frozenset(found) for key, found in codes.items()},
            display=display,
        )

    def problem(self, code: str, name: str, column: str = "region_name") -> str | None:
        """What is wrong with ``name`` as the name of the region ``code``, or None if it is one
        of its names. A code no version knows is not judged here (the shapes report it)."""
        if code not in self.keys:
            return None
        key = name_key(name)
        if key in self.keys[code]:
            return None
        own = f"{code} ({self.display.get(code, code)})"
        others = sorted(self.codes.get(key, ()))
        if others:
            named = ", ".join(f"{other} ({self.display.get(other, other)})" for other in others[:3])
            more = f" and {len(others) - 3} more" if len(others) > 3 else ""
            return (
                f"{column} {name!r} is the name of {named}{more}, not of {own}; correct "
                f"nuts_code or {column}"
            )
        return (
            f"{column} {name!r} is not a name of {own} in any NUTS version (case, accents and "
            f"Latin transliteration are ignored); write its NUTS name or leave {column} empty"
        )


def _label_keys(label: str) -> set[str]:
    """A label and, for multilingual labels ("Bruxelles/Brussel"), each language's name."""
    parts = [label, *label.split("/")] if "/" in label else [label]
    return {key for key in (name_key(part) for part in parts) if key}


# ── URLs and periods ─────────────────────────────────────────────────────────────────────────


def url_problem(value: str) -> str | None:
    """Why ``value`` is not an absolute http(s) URL with a host (a clause that follows "it"),
    or None if it is one.

    >>> url_problem("https://www.ansa.it/amp/marche/") is None
    True
    >>> url_problem("https:///x")
    'has no host'
    >>> url_problem("ftp://example.org/a")
    "has the scheme 'ftp', not http or https"
    >>> url_problem("www.example.org")
    'has no scheme (it must start with http:// or https://)'
    """
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:  # a malformed IPv6 host or port
        return f"cannot be read as a URL ({exc})"
    if not parts.scheme:
        return "has no scheme (it must start with http:// or https://)"
    if parts.scheme.lower() not in ("http", "https"):
        return f"has the scheme {parts.scheme!r}, not http or https"
    if not parts.hostname:
        return "has no host"
    if port == 0:
        return "has the port 0"
    return None


#: Years a period of a curated table may start or end in. The EU's regional innovation
#: strategies (RIS, RITTS), forerunners of smart specialisation, date from the mid-1990s; the
#: programming period after 2021-2027 (2028-2034) with its n+3 years ends in 2037, and 2040
#: leaves a margin. A year outside is a typing error (2104 for 2014).
EARLIEST_YEAR = 1990
LATEST_YEAR = 2040
#: Longest strategy period in calendar years: one EU programming period (7 years) plus the
#: up to 3 years the n+3 rule leaves for spending its funds (2021-2027 → 2021-2030).
STRATEGY_MAX_YEARS = 10


def period_problem(start: int, end: int, max_years: int | None = None) -> str | None:
    """Why the years ``start``-``end`` are not a plausible period, or None.

    >>> period_problem(2014, 2020, STRATEGY_MAX_YEARS) is None
    True
    >>> period_problem(2014, 2030, STRATEGY_MAX_YEARS)
    'covers 17 years; a strategy covers at most 10 (a 7-year programming period and the n+3 rule)'
    """
    if end < start:
        return "ends before it starts"
    for year in (start, end):
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            return f"has the year {year}, outside {EARLIEST_YEAR}-{LATEST_YEAR}"
    if max_years is not None and end - start + 1 > max_years:
        return (
            f"covers {end - start + 1} years; a strategy covers at most {max_years} (a 7-year "
            "programming period and the n+3 rule)"
        )
    return None


# ── mis-decoded text ─────────────────────────────────────────────────────────────────────────


def _misdecoded_bytes() -> dict[str, int]:
    table: dict[str, int] = {}
    for byte in range(0x80, 0x100):
        table[chr(byte)] = byte  # as Latin-1 decodes it (0x80-0x9F: control characters)
        # As windows-1252 does ('€', '™'); 0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined there.
        with contextlib.suppress(UnicodeDecodeError):
            table[bytes([byte]).decode("cp1252")] = byte
    return table


#: Character → byte, for the characters the bytes 0x80-0xFF become when decoded as Latin-1 or
#: windows-1252: how each byte of a UTF-8 sequence looks when decoded the wrong way.
_BYTE_OF = _misdecoded_bytes()
_CONTINUATION = "".join(re.escape(c) for c, b in _BYTE_OF.items() if 0x80 <= b <= 0xBF)
#: A UTF-8 lead byte followed by as many continuation bytes as it announces, all as mis-decoded
#: characters; or a lone "Ã" closing a lower-case word: "à" (C3 A0) whose no-break space was
#: turned into a space or lost ("CittÃ ").
_MOJIBAKE = re.compile(
    f"[\u00c2-\u00df][{_CONTINUATION}]"
    f"|[\u00e0-\u00ef][{_CONTINUATION}]{{2}}"
    f"|[\u00f0-\u00f4][{_CONTINUATION}]{{3}}"
    r"|(?<=[a-zà-ÿ])Ã(?: (?= |$)|(?=[\s.,;:)]|$))"
)


def _plausible(char: str) -> bool:
    """Whether a repaired character is one European text uses: Latin letters, Greek, Cyrillic,
    typographic punctuation, the euro sign. Anything else (a CJK or Syriac character) means the
    match was genuine text after all ("é”…" is E9 94 85, a CJK ideograph)."""
    code = ord(char)
    return (
        0xA0 <= code <= 0x24F
        or 0x370 <= code <= 0x4FF
        or 0x1E00 <= code <= 0x1EFF
        or 0x2010 <= code <= 0x203A
        or code in (0x20AC, 0x2122)
    )


def _repair_match(match: re.Match[str]) -> str:
    text = match.group()
    if text.startswith("Ã") and (len(text) == 1 or text[1] == " "):
        return "à"
    try:
        repaired = bytes(_BYTE_OF[char] for char in text).decode("utf-8")
    except UnicodeDecodeError:  # an overlong or surrogate sequence: not UTF-8 after all
        return text
    return repaired if all(_plausible(char) for char in repaired) else text


def repair_mojibake(text: str) -> str:
    """``text`` with every mis-decoded UTF-8 sequence decoded right.

    >>> repair_mojibake("CittÃ  di Ancona â€“ lâ€™Aquila, PoznaÅ„, Ä…")
    'Città di Ancona – l’Aquila, Poznań, ą'
    """
    return _MOJIBAKE.sub(_repair_match, text)


def mojibake(text: str) -> tuple[str, str] | None:
    """The first word of ``text`` that looks like UTF-8 decoded as Latin-1/windows-1252, and
    how it would read; None when there is none.

    >>> mojibake("Regione Marche, CittÃ ")
    ('CittÃ', 'Città')
    >>> mojibake("Κεντρική Μακεδονία, Łódź, Śląskie, Göteborg, Città, perché”…") is None
    True
    """
    for match in _MOJIBAKE.finditer(text):
        if _repair_match(match) == match.group():
            continue
        start, end = match.start(), match.end()
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        end = len(text[:end].rstrip())
        while end < len(text) and not text[end].isspace():
            end += 1
        fragment = text[start:end]
        return fragment, repair_mojibake(fragment).rstrip()
    return None


def mojibake_problem(row: Mapping[str, str]) -> tuple[str, str] | None:
    """(column, message) for the first cell of ``row`` that looks mis-decoded, or None."""
    for column, value in row.items():
        found = mojibake(value or "")
        if found:
            fragment, repaired = found
            return column, (
                f"{column} looks like UTF-8 text decoded as Latin-1: {fragment!r} would read "
                f"{repaired!r}; re-save the file as UTF-8"
            )
    return None


# ── duplicates ───────────────────────────────────────────────────────────────────────────────

#: Columns two rows may differ in and still say the same thing.
NOT_CONTENT = frozenset({"id", "notes", "converted_from"})


def content_key(row: Mapping[str, str], ignore: Iterable[str] = NOT_CONTENT) -> tuple[str, ...]:
    """What a row says: its trimmed cells by column name, but for ``ignore``.

    >>> content_key({"id": "a", "label": " x ", "notes": "n"})
    ('label=x',)
    """
    skipped = set(ignore)
    return tuple(
        f"{column}={(value or '').strip()}"
        for column, value in sorted(row.items())
        if column not in skipped
    )
