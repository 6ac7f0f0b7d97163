"""Form fields for saved-query parameters: the right input for each type, with select lists.

Technologies and regions are chosen from lists read from the graph once per store state (the
list of NUTS regions is long: 2024 regions of levels 0 to 2, grouped by country), so a policy
officer never has to know a code.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from kg.namespaces import PREFIXES
from kg.queries import Parameter, ParameterType, SavedQuery
from kg.store import Store

_KET_CHOICES = """
SELECT ?concept ?label ?scheme WHERE {
  ?concept a ckg:KeyEnablingTechnology ; skos:inScheme ?scheme .
  OPTIONAL { ?concept skos:prefLabel ?label FILTER(LANG(?label) IN ("en", "")) }
}
ORDER BY ?scheme ?label
"""
_REGION_CHOICES = """
SELECT ?region ?code ?label ?level ?country_label WHERE {
  ?region a ckg:Region ; skos:inScheme <http://data.europa.eu/nuts/scheme/2024> ;
          skos:notation ?code ; ckg:nutsLevel ?level ; ckg:country ?country .
  FILTER(?level <= 2)
  OPTIONAL { ?region skos:prefLabel ?label FILTER(LANG(?label) IN ("en", "")) }
  OPTIONAL { ?country skos:prefLabel ?country_label FILTER(LANG(?country_label) IN ("en", "")) }
}
ORDER BY ?code
"""


@dataclass(frozen=True)
class Option:
    """One choice of a select list."""

    value: str
    label: str


@dataclass
class OptionGroup:
    """Choices under one heading (a country, a technology scheme)."""

    label: str
    options: list[Option] = field(default_factory=list)


@dataclass
class FormField:
    """What the template needs to draw one parameter's input."""

    parameter: Parameter
    input_type: str  # "select", "text", "number", "date", "url"
    value: str
    groups: list[OptionGroup] = field(default_factory=list)
    step: str | None = None

    @property
    def id(self) -> str:
        """The input's id, tied to its label."""
        return f"param-{self.parameter.name}"


class Choices:
    """Select-list choices read from the graph, kept until the store changes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._state: str | None = None
        self._kets: list[OptionGroup] = []
        self._regions: list[OptionGroup] = []

    def refresh_for(self, state: str) -> None:
        """Read the lists again if the store's state changed since they were read."""
        with self._lock:
            if self._state == state:
                return
            self._kets = self._read_kets()
            self._regions = self._read_regions()
            self._state = state

    def kets(self) -> list[OptionGroup]:
        """KETs, then Advanced Technologies for Industry, by label; values are prefixed names."""
        return self._kets

    def regions(self) -> list[OptionGroup]:
        """NUTS 2024 regions of levels 0 to 2 grouped by country; values are NUTS codes."""
        return self._regions

    def _read_kets(self) -> list[OptionGroup]:
        groups: dict[str, OptionGroup] = {}
        names = {
            PREFIXES["ket"]: ("ket", "Key Enabling Technologies"),
            PREFIXES["ati"]: ("ati", "Advanced Technologies for Industry"),
        }
        for row in self.store.query(_KET_CHOICES).rows:
            iri = str(row["concept"])
            for namespace, (prefix, heading) in names.items():
                if iri.startswith(namespace):
                    group = groups.setdefault(prefix, OptionGroup(heading))
                    value = f"{prefix}:{iri[len(namespace) :]}"
                    label = str(row.get("label") or value)
                    if all(option.value != value for option in group.options):
                        group.options.append(Option(value, label))
        return [groups[key] for key in ("ket", "ati") if key in groups]

    def _read_regions(self) -> list[OptionGroup]:
        groups: dict[str, OptionGroup] = {}
        for row in self.store.query(_REGION_CHOICES).rows:
            code = str(row["code"])
            country = str(row.get("country_label") or code[:2])
            group = groups.setdefault(code[:2], OptionGroup(f"{country} ({code[:2]})"))
            label = str(row.get("label") or code)
            indent = "\u2003" * int(str(row["level"]))  # em spaces show the NUTS hierarchy
            group.options.append(Option(code, f"{indent}{code} — {label}"))
        return [groups[key] for key in sorted(groups)]


_INPUT_TYPES = {
    ParameterType.INTEGER: ("number", "1"),
    ParameterType.DECIMAL: ("number", "any"),
    ParameterType.DATE: ("date", None),
    ParameterType.IRI: ("url", None),
}


def form_fields(query: SavedQuery, values: Mapping[str, str], choices: Choices) -> list[FormField]:
    """One field per parameter, holding the value given (or the default)."""
    fields = []
    for parameter in query.parameters:
        value = values.get(parameter.name) or parameter.default or ""
        if parameter.required:
            empty = [] if value else [Option("", "— choose —")]
        else:
            empty = [] if parameter.default else [Option("", "— any —")]
        if parameter.type is ParameterType.KET:
            groups = _with_value(choices.kets(), value, empty)
            fields.append(FormField(parameter, "select", value, groups))
        elif parameter.type is ParameterType.NUTS_CODE:
            groups = _with_value(choices.regions(), value.upper(), empty)
            fields.append(FormField(parameter, "select", value.upper(), groups))
        elif parameter.type in (ParameterType.ENUM, ParameterType.BOOLEAN):
            allowed = parameter.values or ("true", "false")
            labels = parameter.value_labels
            group = OptionGroup("", empty + [Option(v, labels.get(v, v)) for v in allowed])
            fields.append(FormField(parameter, "select", value, [group]))
        else:
            input_type, step = _INPUT_TYPES.get(parameter.type, ("text", None))
            fields.append(FormField(parameter, input_type, value, step=step))
    return fields


def _with_value(groups: list[OptionGroup], value: str, empty: list[Option]) -> list[OptionGroup]:
    """The groups, with the current value added if the lists do not hold it (a NUTS-3 code)."""
    known = any(option.value == value for group in groups for option in group.options)
    extra = [Option(value, value)] if value and not known else []
    head = empty + extra
    return ([OptionGroup("", head)] if head else []) + groups
