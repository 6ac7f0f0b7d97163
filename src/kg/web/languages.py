"""Names of the languages values are tagged with, for the language marker of the pages.

Pages are in English; a value in another language carries ``lang`` (so that screen readers
pronounce it right) and a small marker saying which language it is (see ``_macros.html``). The
graph's labels come from EU sources, so the names cover the EU's official languages and a few
neighbours; any other tag is shown as it is written.
"""

from __future__ import annotations

#: English names of primary language subtags (ISO 639-1).
LANGUAGE_NAMES = {
    "bg": "Bulgarian",
    "bs": "Bosnian",
    "ca": "Catalan",
    "cs": "Czech",
    "cy": "Welsh",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "eu": "Basque",
    "fi": "Finnish",
    "fr": "French",
    "ga": "Irish",
    "gl": "Galician",
    "hr": "Croatian",
    "hu": "Hungarian",
    "is": "Icelandic",
    "it": "Italian",
    "lb": "Luxembourgish",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mk": "Macedonian",
    "mt": "Maltese",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sq": "Albanian",
    "sr": "Serbian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
}
#: English names of script subtags (ISO 15924) found on transliterated labels.
SCRIPT_NAMES = {"latn": "Latin", "cyrl": "Cyrillic", "grek": "Greek"}


def language_name(tag: str) -> str:
    """The English name of a language tag, with its script when the tag gives one.

    >>> language_name("it"), language_name("el-Latn"), language_name("pt-BR")
    ('Italian', 'Greek (Latin script)', 'Portuguese')
    >>> language_name("x-klingon")  # not in the table: the tag itself
    'x-klingon'
    """
    primary, *subtags = tag.lower().split("-")
    name = LANGUAGE_NAMES.get(primary)
    if name is None:
        return tag
    scripts = [SCRIPT_NAMES[s] for s in subtags if s in SCRIPT_NAMES]
    return f"{name} ({scripts[0]} script)" if scripts else name


def is_english(tag: str | None) -> bool:
    """Whether a tag is English (``en``, ``en-GB``): the pages' own language, so unmarked.

    >>> is_english("en-GB"), is_english("el"), is_english(None)
    (True, False, False)
    """
    return bool(tag) and str(tag).lower().split("-")[0] == "en"
