"""The checks a data steward's curated tables get (``data/sources/s3/FORMATS.md``, "Checks").

Each fixture of ``tests/data/steward/`` (every broken row is listed in its README) is mapped with
the real mapping; the tests assert, per line, whether the row is quarantined or loads with a
warning, the column the message is about and the words that let the steward fix it. Then the
checks' functions on their own: real names in the languages of the EU regions must not be taken
for mis-decoded text or wrong region names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kg.config import PROJECT_ROOT
from kg.errors import InvalidInput
from kg.ingest.mappings.clusters import map_clusters
from kg.ingest.mappings.partners import map_project_partners
from kg.ingest.mappings.s3 import map_s3_priorities
from kg.ingest.nuts_history import BUNDLED_DESCRIPTOR, load_history
from kg.ingest.records import MappingContext, Record
from kg.ingest.steward_checks import (
    STRATEGY_MAX_YEARS,
    RegionNames,
    mentions,
    mojibake,
    mojibake_problem,
    period_problem,
    repair_mojibake,
    url_problem,
)
from tests.conftest import kg_env, run_kg
from tests.helpers import mapping_context

STEWARD = PROJECT_ROOT / "tests" / "data" / "steward"
DATA = PROJECT_ROOT / "data"
Mapping = Callable[[MappingContext], Iterator[Record]]
TABLES: dict[str, tuple[Mapping, str]] = {
    "s3_priorities.csv": (map_s3_priorities, "s3-priorities"),
    "clusters.csv": (map_clusters, "clusters"),
    "project_partners.csv": (map_project_partners, "project-partners"),
}
#: Rows of each fixture that must load with no message at all.
VALID_LINES = {
    "s3_priorities.csv": [2, 3, 4, 5, 6, 7],
    "clusters.csv": [2, 3, 4, 5],
    "project_partners.csv": [2, 3, 4],
}
#: (file, line) → (column the problem is about, words the message must contain).
QUARANTINED: dict[tuple[str, int], tuple[str | None, list[str]]] = {
    # 1. region_name
    ("s3_priorities.csv", 8): (
        "region_name",
        ["region_name 'Lombardia' is the name of ITC4 (Lombardia), not of ITI3 (Marche)"],
    ),
    ("s3_priorities.csv", 9): (
        "region_name",
        ["region_name 'Marke' is not a name of ITI3 (Marche) in any NUTS version"],
    ),
    ("clusters.csv", 6): (
        "region_name",
        [
            "region_name 'Vidurio ir vakarų Lietuvos regionas' is the name of LT02 (Vidurio ir "
            "vakarų Lietuvos regionas), not of LT01 (Sostinės regionas)"
        ],
    ),
    ("clusters.csv", 7): (
        "region_name",
        ["region_name 'Vilnius' is not a name of LT01 (Sostinės regionas) in any NUTS version"],
    ),
    ("project_partners.csv", 5): (
        "region_name",
        ["region_name 'Marche' is the name of ITI3 (Marche), not of IT (Italia)"],
    ),
    ("project_partners.csv", 6): (
        "region_name",
        ["region_name 'Lithuania' is not a name of LT (Lietuva) in any NUTS version"],
    ),
    # 2. periods
    ("s3_priorities.csv", 10): ("strategy_period", ["strategy_period '2020-2014' ends before"]),
    ("s3_priorities.csv", 11): (
        "strategy_period",
        ["strategy_period '2014-2104' has the year 2104, outside 1990-2040"],
    ),
    ("s3_priorities.csv", 12): (
        "strategy_period",
        ["strategy_period '2014-2030' covers 17 years", "at most 10", "n+3"],
    ),
    # 3. source_url
    ("s3_priorities.csv", 13): (
        "source_url",
        ["source_url 'https:///amp/marche/notizie/2017/06/16/' is not an http(s) URL", "no host"],
    ),
    ("s3_priorities.csv", 14): ("source_url", ["source_url 'http://'", "has no host"]),
    ("clusters.csv", 8): ("source_url", ["'http://:8080/posts/new-project'", "has no host"]),
    ("project_partners.csv", 7): ("source_url", ["'https:///clusterfy/'", "has no host"]),
    # 4. mis-decoded text
    ("s3_priorities.csv", 15): (
        "label",
        ["label looks like UTF-8 text decoded as Latin-1: 'cittÃ' would read 'città'", "UTF-8"],
    ),
    ("s3_priorities.csv", 16): (
        "source_quote",
        ["'lâ€™innovazione' would read 'l’innovazione'", "re-save the file as UTF-8"],
    ),
    ("clusters.csv", 9): ("name", ["name looks like UTF-8", "'ÅšlÄ…ski' would read 'Śląski'"]),
    ("project_partners.csv", 8): ("role_note", ["role_note looks like UTF-8", "'â€“' would read"]),
    # 6. wrong number of fields
    ("s3_priorities.csv", 19): (
        None,
        ["line 19 has 4 fields but the header has 18", "must be in double quotes"],
    ),
    ("clusters.csv", 12): (
        None,
        ["line 12 has 17 fields but the header has 16", "must be in double quotes"],
    ),
    ("project_partners.csv", 11): (
        None,
        ["line 11 has 3 fields but the header has 16", "must be in double quotes"],
    ),
    # 7. duplicates
    ("s3_priorities.csv", 17): (
        None,
        ["the row repeats line 2 (id 'iti3-2014-2020-mechatronics')", "delete one"],
    ),
    ("clusters.csv", 10): (None, ["the row repeats line 2 (id 'litek')"]),
    ("project_partners.csv", 9): (None, ["the row repeats line 2 (id 'clusterfy-mita')"]),
}
#: (file, line) → words of the one warning (about source_quote) the row loads with.
WARNED: dict[tuple[str, int], str] = {
    ("s3_priorities.csv", 18): (
        "source_quote does not contain the label 'salute e benessere' nor its English version "
        "'health and wellbeing'"
    ),
    ("clusters.csv", 11): "source_quote does not contain the name 'OpticsValley'",
    ("project_partners.csv", 10): (
        "source_quote does not contain the partner_name 'Agency for Science, Innovation and "
        "Technology (MITA)'"
    ),
}


@pytest.fixture(scope="module")
def mapped() -> dict[str, list[Record]]:
    """Every fixture mapped once with its real mapping: file → records in order."""
    return {
        name: list(mapping(mapping_context(STEWARD / name, source, DATA)))
        for name, (mapping, source) in TABLES.items()
    }


def row_records(records: list[Record]) -> dict[int, Record]:
    """The records of the table's own rows (not its strategies, organisations or facts), by
    line."""
    rows = [r for r in records if re.search(r"\(line \d+\)$", r.key) and ":" not in r.key]
    by_line = {r.line: r for r in rows if r.line is not None}
    assert len(by_line) == len(rows)  # every row record has its line, once
    return by_line


def test_every_row_record_has_its_line(mapped: dict[str, list[Record]]) -> None:
    for name, records in mapped.items():
        rows = row_records(records)
        lines = len((STEWARD / name).read_text(encoding="utf-8").splitlines())
        assert sorted(rows) == list(range(2, lines + 1)), name
        for line, record in rows.items():
            assert record.key.endswith(f"(line {line})")
            assert record.location == f"line {line}"


def test_valid_rows_load_without_messages(mapped: dict[str, list[Record]]) -> None:
    for name, lines in VALID_LINES.items():
        rows = row_records(mapped[name])
        for line in lines:
            assert rows[line].problem is None, (name, line, rows[line].problem)
            assert rows[line].warnings == [], (name, line)
            assert len(rows[line].graph) > 0


def test_exactly_the_broken_rows_are_quarantined(mapped: dict[str, list[Record]]) -> None:
    for name, records in mapped.items():
        quarantined = sorted(line for line, r in row_records(records).items() if r.problem)
        assert quarantined == sorted(line for file, line in QUARANTINED if file == name)


@pytest.mark.parametrize(("name", "line"), sorted(QUARANTINED), ids=lambda x: str(x))
def test_broken_row_is_quarantined_naming_the_column(
    mapped: dict[str, list[Record]], name: str, line: int
) -> None:
    column, words = QUARANTINED[(name, line)]
    record = row_records(mapped[name])[line]
    assert record.problem is not None
    assert record.problem.startswith(f"line {line}")
    assert record.problem_column == column
    for word in words:
        assert word in record.problem
    assert len(record.graph) == 0
    assert record.warnings == []


@pytest.mark.parametrize(("name", "line"), sorted(WARNED), ids=lambda x: str(x))
def test_quote_without_the_name_loads_with_a_warning(
    mapped: dict[str, list[Record]], name: str, line: int
) -> None:
    record = row_records(mapped[name])[line]
    assert record.problem is None
    assert len(record.graph) > 0
    [warning] = record.warnings
    assert warning.severity == "warning"
    assert warning.column == "source_quote"
    assert warning.text.startswith(WARNED[(name, line)])
    assert warning.text.endswith("check that the quote supports this row")


def test_only_the_quote_rows_have_warnings(mapped: dict[str, list[Record]]) -> None:
    warned = {
        (name, line)
        for name, records in mapped.items()
        for line, record in row_records(records).items()
        if record.warnings
    }
    assert warned == set(WARNED)


def test_implausible_fact_period_is_quarantined(mapped: dict[str, list[Record]]) -> None:
    facts = [r for r in mapped["project_partners.csv"] if r.key.startswith("project_facts.csv")]
    assert [(r.line, r.problem_column) for r in facts] == [(2, None), (3, "value")]
    assert facts[0].problem is None
    assert facts[1].problem == (
        "project_facts.csv line 3: period '2017-01-01/2201-12-31' has the year 2201, "
        "outside 1990-2040"
    )


# ── 5. a file that is not UTF-8 ──────────────────────────────────────────────────────────────

CP1252 = STEWARD / "clusters_cp1252.csv"


def test_the_cp1252_fixture_is_not_utf8() -> None:
    data = CP1252.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "città".encode("cp1252") in data.splitlines()[2]


def test_a_file_not_in_utf8_is_refused_with_its_line() -> None:
    records: list[Record] = []
    with pytest.raises(InvalidInput) as raised:
        records.extend(map_clusters(mapping_context(CP1252, "clusters", DATA)))
    assert records == []  # refused whole: not even the good line 2 is yielded
    assert raised.value.extensions == {"line": 3}
    assert raised.value.detail == (
        "clusters_cp1252.csv: not UTF-8 text: line 3, byte 170 (0xE0, 'à' in windows-1252); "
        "re-save the file as UTF-8"
    )


def test_kg_validate_exits_2_on_a_file_not_in_utf8(tmp_path: Path) -> None:
    result = run_kg("validate", str(CP1252), "--mapping", "clusters", env=kg_env(tmp_path / "s"))
    assert result.returncode == 2
    assert "clusters_cp1252.csv: not UTF-8 text: line 3, byte 170" in result.stderr
    assert "Traceback" not in result.stderr


# ── mis-decoded text: what is and is not flagged ─────────────────────────────────────────────

#: Real words and names in the languages of EU regions (and typographic punctuation): genuine
#: text that must never be taken for mis-decoded UTF-8.
GENUINE = [
    "Κεντρική Μακεδονία",  # Greek
    "Θεσσαλονίκη, Αττική, Κύπρος",
    "Łódź, Dolnośląskie, Świętokrzyskie, Małopolskie",  # Polish
    "wspólnym przedsięwzięciem 8 regionów europejskich",
    "Šiaulių apskritis, Klaipėdos, Žemaitija, Sostinės regionas",  # Lithuanian
    "București-Ilfov, Timișoara, Brașov, Ţara Românească",  # Romanian
    "Středočeský kraj, Ústí nad Labem, Plzeň, Jihomoravský",  # Czech
    "Östra Mellansverige, Småland med öarna, Västra Götalands län",  # Swedish
    "Baden-Württemberg, Straße, Oberösterreich, Mobilitätscluster heißt",  # German
    "Andalucía, Castilla y León, Aragón, ¿Qué?, ¡Sí!, Nº 1ª",  # Spanish
    "Città, perché “innovazione”… È l’Aquila",  # Italian
    "Valle d'Aosta/Vallée d'Aoste, Île-de-France, Côte d'Azur",  # French
    "Győr-Moson-Sopron, Nyugat-Dunántúl",  # Hungarian
    "Região Autónoma dos Açores, SÃO PAULO, NÃO",  # Portuguese
    "Hrvatska – Jadranska, € 507 mln, © Eurostat",
    "Югоизточна България",
]


@pytest.mark.parametrize("text", GENUINE)
def test_genuine_text_is_not_mojibake(text: str) -> None:
    assert mojibake(text) is None
    assert mojibake_problem({"label": text}) is None
    assert repair_mojibake(text) == text


def _as_windows_1252(text: str) -> str:
    """``text`` written as UTF-8 and read as windows-1252 (Latin-1 for the undefined bytes)."""
    undefined = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
    return "".join(
        chr(byte) if byte in undefined else bytes([byte]).decode("cp1252")
        for byte in text.encode("utf-8")
    )


@pytest.mark.parametrize("text", GENUINE)
def test_mis_decoded_text_is_found_and_would_read_right(text: str) -> None:
    for broken in (_as_windows_1252(text), text.encode("utf-8").decode("latin-1")):
        assert mojibake(broken) is not None
        assert repair_mojibake(broken) == text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Regione Marche, CittÃ ", ("CittÃ", "Città")),
        ("la cittÃ\u00a0 di Ancona", ("cittÃ", "città")),
        ("CafÃ© society", ("CafÃ©", "Café")),
        ("GÃ¶teborg", ("GÃ¶teborg", "Göteborg")),
        ("Ã¨ la regione", ("Ã¨", "è")),
        ("lâ€™Aquila", ("lâ€™Aquila", "l’Aquila")),
        ("â€œSmart Specialisationâ€", ("â€œSmart", "“Smart")),
        ("PoznaÅ„ i okolice: bÄ…dÅº", ("PoznaÅ„", "Poznań")),
    ],
)
def test_mojibake_names_the_word_and_how_it_would_read(text: str, found: tuple[str, str]) -> None:
    assert mojibake(text) == found


# ── region names ─────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def region_names() -> RegionNames:
    return RegionNames.from_history(load_history(DATA / BUNDLED_DESCRIPTOR))


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("EL52", "Κεντρική Μακεδονία"),  # the NUTS label
        ("EL52", "Kentriki Makedonia"),  # Eurostat's transliteration
        ("EL52", "ΚΕΝΤΡΙΚΗ ΜΑΚΕΔΟΝΙΑ"),
        ("EL52", "Κεντρικη Μακεδονια"),  # without accents
        ("EL30", "Αττική"),  # the label writes its first letter as a Latin A
        ("EL30", "attiki"),
        ("EL642", "Εύβοια"),
        ("EL642", "Evvoia"),
        ("EL624", "Lefkada"),
        ("CY", "Κύπρος"),
        ("BG3", "Северна и Югоизточна България"),
        ("BG3", "Severna i Yugoiztochna Bulgaria"),
        ("PL71", "Łódzkie"),
        ("PL71", "Lodzkie"),
        ("PL22", "SLASKIE"),
        ("PL31", "Lubelskie"),  # a NUTS 2013 code, read from the change table
        ("RO32", "București-Ilfov"),  # comma below; the label has a cedilla
        ("RO32", "Bucuresti Ilfov"),
        ("LT01", "Sostines regionas"),
        ("DK02", "Sjaelland"),
        ("DE1", "Baden-Württemberg"),
        ("SE232", "Västra Götalands län"),
        ("ES42", "castilla la mancha"),
        ("BE1", "Brussels Hoofdstedelijk Gewest"),  # one language of a bilingual label
        ("ITH1", "Bozen"),
        ("FRB0", "Centre-Val de Loire"),
    ],
)
def test_a_name_of_the_region_in_any_language_or_script_passes(
    region_names: RegionNames, code: str, name: str
) -> None:
    assert region_names.problem(code, name) is None


def test_a_name_of_other_regions_names_them(region_names: RegionNames) -> None:
    assert region_names.problem("EL52", "Attiki") == (
        "region_name 'Attiki' is the name of EL3 (Attiki), EL30 (Attiki), not of EL52 "
        "(Kentriki Makedonia); correct nuts_code or region_name"
    )


def test_an_english_exonym_is_not_a_nuts_name(region_names: RegionNames) -> None:
    assert region_names.problem("EL52", "Central Macedonia") == (
        "region_name 'Central Macedonia' is not a name of EL52 (Kentriki Makedonia) in any NUTS "
        "version (case, accents and Latin transliteration are ignored); write its NUTS name or "
        "leave region_name empty"
    )


def test_a_code_no_version_has_is_left_to_the_shapes(region_names: RegionNames) -> None:
    assert region_names.problem("XX9", "Atlantis") is None


# ── periods, URLs, quotes ────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        (2021, 2030, None),  # 7 years and the n+3 rule: the longest strategy
        (1990, 1999, None),
        (2031, 2040, None),
        (2021, 2031, "covers 11 years"),
        (1989, 1995, "has the year 1989, outside 1990-2040"),
        (2035, 2041, "has the year 2041, outside 1990-2040"),
        (2020, 2019, "ends before it starts"),
    ],
)
def test_strategy_period_bounds(start: int, end: int, problem: str | None) -> None:
    found = period_problem(start, end, STRATEGY_MAX_YEARS)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert found.startswith(problem)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://www.ansa.it/amp/marche/notizie/2017/06/16/x.html", None),
        ("HTTP://Example.org", None),
        ("http://www.etrec.ro:8080/cluster-project-polisee/?a=1#b", None),
        ("http://", "has no host"),
        ("https:///x", "has no host"),
        ("http://:80/x", "has no host"),
        ("www.example.org", "has no scheme (it must start with http:// or https://)"),
        ("ftp://example.org/a", "has the scheme 'ftp', not http or https"),
        ("mailto:office@example.org", "has the scheme 'mailto', not http or https"),
        ("http://[::1/x", "cannot be read as a URL (Invalid IPv6 URL)"),
    ],
)
def test_url_must_be_absolute_http_with_a_host(url: str, problem: str | None) -> None:
    assert url_problem(url) == problem


@pytest.mark.parametrize(
    ("quote", "name", "expected"),
    [
        ("orientata su quattro assi: manifattura sostenibile, domotica…", "Domotica", True),
        ("Οι τομείς: Αγροδιατροφή, Δομικά υλικά", "ΔΟΜΙΚΑ ΥΛΙΚΑ", True),
        ("la Città metropolitana", "citta", True),
        ("Minimalizacja wytwarzania odpadów (recykling)", "Minimalizacja ... odpadów", True),
        ("digitalización de forma transversal", "Digitalización (transversal)", True),
        ("la domotica", "dom", False),  # whole words only
        ("odpadów ... Minimalizacja", "Minimalizacja ... odpadów", False),  # in order
        ("rozszerzono o zieloną gospodarkę", "zielona gospodarka", False),
    ],
)
def test_quote_mentions_a_name(quote: str, name: str, expected: bool) -> None:
    assert mentions(quote, name) is expected
