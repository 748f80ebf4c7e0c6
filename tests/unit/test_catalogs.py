"""The message catalogs: every marked message translated in every language, with the same placeholders, and
the compiled catalogs the domain reads equal to their sources."""

import io
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from domain.i18n import LANGUAGES, LOCALES, translated
from tests.support import ROOT

TRANSLATED = [language for language in LANGUAGES if language != "en"]


def marked() -> set[str]:
    found = set()
    for folder in ("domain", "gateway", "projections", "workers"):
        for _, _, message, _, _ in extract_from_dir(ROOT / folder, keywords={"N_": None}, comment_tags=()):
            found.add(message)
    return found


def source(language: str):
    with open(LOCALES / language / "LC_MESSAGES" / "portal.po", "rb") as f:
        return read_po(f)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_message_is_translated(language):
    catalog = source(language)

    untranslated = sorted(m for m in marked() if not (catalog.get(m) and catalog.get(m).string))

    assert untranslated == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_translation_keeps_the_placeholders_of_its_message(language):
    changed = [m.id for m in source(language) if m.id and placeholders(m.id) != placeholders(m.string)]

    assert changed == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalog_is_its_source_compiled(language):
    compiled = io.BytesIO()
    write_mo(compiled, source(language))
    shipped = Path(LOCALES / language / "LC_MESSAGES" / "portal.mo").read_bytes()

    assert shipped == compiled.getvalue(), "run: pybabel compile -d domain/locales -D portal"
    assert {m.id: m.string for m in read_mo(io.BytesIO(shipped)) if m.id}


def test_a_language_the_portal_does_not_speak_reads_english():
    assert translated("it", "Not found") == "Not found"
    assert translated("de", "Not found") == "Nicht gefunden"
