"""The Dutch catalog is complete, matches the code, keeps every placeholder, and its .mo is compiled.

Dutch is the default language, so a string in the code without a Dutch translation shows English to
every user. When one of these tests fails:

  1. extract and merge the new strings:
       .venv/bin/pybabel extract -F governance/babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 \\
           -o governance/translations/messages.pot .
       .venv/bin/pybabel update -i governance/translations/messages.pot -d governance/translations
  2. translate them in governance/translations/nl/LC_MESSAGES/messages.po (and remove any "fuzzy" flag);
  3. run `make translations` to compile messages.mo, and commit messages.pot, messages.po and messages.mo.
"""

import io
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
MAPPING = ROOT / "governance" / "babel.cfg"
TRANSLATIONS = ROOT / "governance" / "translations"
PO = TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.mo"
# The same keywords as the extract command above: gettext's defaults plus Flask-Babel's lazy ones.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_pgettext": DEFAULT_KEYWORDS["pgettext"]}

FIX = (
    "Run the extract and update commands at the top of tests/test_translations.py, translate in "
    "governance/translations/nl/LC_MESSAGES/messages.po, then run `make translations`."
)

# printf-style placeholders as Python's % operator reads them: %(name)s, %d, %.1f, %%.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])"
)


def label(message) -> str:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return f"{msgid!r}" + (f" (context {message.context!r})" if message.context else "")


def forms(value) -> tuple:
    return (value,) if isinstance(value, str) else tuple(value)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f, locale="nl")


@pytest.fixture(scope="module")
def mapping() -> tuple[list, dict]:
    with MAPPING.open(encoding="utf-8") as f:
        return parse_mapping_cfg(f, filename=str(MAPPING))


def source_dirs(method_map) -> set[str]:
    """The top-level folders that babel.cfg's patterns point into ("governance/**.py" -> "governance")."""
    return {Path(pattern).parts[0] for pattern, _method in method_map}


@pytest.fixture(scope="module")
def extracted(mapping) -> Catalog:
    """What `pybabel extract` finds in the code now, done in-process and only in the mapped folders."""
    method_map, options_map = mapping
    roots = source_dirs(method_map)

    def directory_filter(dirpath: str) -> bool:
        # pybabel's own rule (skip folders named .* or _*), and skip folders no pattern points into.
        parts = Path(os.path.relpath(dirpath, ROOT)).parts
        return parts[0] in roots and not any(part.startswith((".", "_")) for part in parts)

    # A template with a syntax error must fail here, not silently yield no strings.
    methods = dict(method_map)
    options_map = {
        pattern: {**options, "silent": "false"} if methods.get(pattern) == "jinja2" else options
        for pattern, options in options_map.items()
    }
    found = Catalog(locale="nl")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=directory_filter,
    ):
        found.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return found


def test_every_dutch_entry_is_translated_and_none_is_fuzzy(catalog):
    assert not catalog.fuzzy, f"The header of messages.po is marked fuzzy. {FIX}"
    untranslated = [label(m) for m in catalog if m.id and not all(forms(m.string))]
    fuzzy = [label(m) for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated in messages.po: {untranslated[:20]}. {FIX}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in messages.po (check, then remove the flag): {fuzzy[:20]}. {FIX}"


def test_the_extraction_sees_the_code(mapping, extracted):
    # Guards against a babel.cfg or folder change that silently extracts nothing.
    folders = {Path(file).parts[0] for message in extracted for file, _line in message.locations}
    assert len(extracted) > 100 and folders == source_dirs(mapping[0]), (len(extracted), folders)


def test_every_string_in_the_code_is_in_the_dutch_catalog(catalog, extracted):
    missing, plural_mismatch = [], []
    for message in extracted:
        if not message.id:
            continue
        entry = catalog.get(message.id, message.context)
        if entry is None:
            where = ", ".join(f"{file}:{line}" for file, line in message.locations[:3])
            missing.append(f"{label(message)} at {where}")
        elif message.pluralizable != entry.pluralizable or (
            message.pluralizable and tuple(message.id) != tuple(entry.id)
        ):
            plural_mismatch.append(label(message))
    assert not missing, f"{len(missing)} new strings have no Dutch translation:\n  " + "\n  ".join(missing) + f"\n{FIX}"
    assert not plural_mismatch, f"Singular/plural differs between code and messages.po: {plural_mismatch}. {FIX}"


def placeholders(text: str) -> tuple[Counter, str]:
    """The placeholders of a text, and what is left once they are removed (which must hold no '%')."""
    found = Counter((m["name"], m["type"]) for m in PLACEHOLDER.finditer(text))
    return found, PLACEHOLDER.sub("", text)


def test_every_translation_keeps_the_placeholders(catalog):
    wrong = []
    for message in catalog:
        if not message.id or not all(forms(message.string)):
            continue
        ids = forms(message.id)
        for index, text in enumerate(forms(message.string)):
            source = ids[min(index, len(ids) - 1)]
            expected, _ = placeholders(source)
            actual, rest = placeholders(text)
            # A plural form may leave a placeholder out ("one item"), never add or change one.
            ok = not actual - expected if message.pluralizable else actual == expected
            if not ok or "%" in rest:
                wrong.append(
                    f"{label(message)} -> {text!r}: expected {sorted(expected.elements(), key=str)}, "
                    f"found {sorted(actual.elements(), key=str)}"
                )
    assert not wrong, "Placeholders differ between msgid and msgstr:\n  " + "\n  ".join(wrong)


def test_the_compiled_catalog_matches_the_po_file(catalog):
    assert MO.exists(), f"{MO.relative_to(ROOT)} is missing: run `make translations` and commit it."
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # as `pybabel compile` does: fuzzy entries left out
    buffer.seek(0)
    fresh = read_mo(buffer)
    with MO.open("rb") as f:
        committed = read_mo(f)

    def table(cat: Catalog) -> dict:
        return {(m.context, forms(m.id)): forms(m.string) for m in cat if m.id}

    expected, actual = table(fresh), table(committed)
    stale = sorted(str(key[1][0]) for key in expected.keys() ^ actual.keys()) + sorted(
        str(key[1][0]) for key in expected.keys() & actual.keys() if expected[key] != actual[key]
    )
    assert not stale, (
        f"messages.mo is older than messages.po ({len(stale)} entries differ, e.g. {stale[:5]}): "
        "run `make translations` and commit messages.mo."
    )
    assert fresh.plural_forms == committed.plural_forms, "Plural-Forms differ: run `make translations`."
