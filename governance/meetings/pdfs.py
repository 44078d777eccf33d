"""What a meeting document may not carry: scripts, launch actions, embedded files, or HTML hiding in the PDF."""

import re
from typing import Optional

from flask_babel import gettext as _
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Keys and action types by which a PDF runs something when it is opened, or carries other files.
_ACTIVE_KEYS = {"/JavaScript", "/JS", "/Launch", "/EmbeddedFiles", "/EmbeddedFile", "/AA", "/XFA"}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/GoToE", "/RichMediaExecute"}
# A file that a browser would also read as HTML (a polyglot).
_HTML = re.compile(rb"<\s*(html|script|body|iframe|!doctype\s+html|svg|object|embed)\b", re.I)
# Walking a hostile file's object graph stops here; no meeting document comes near it.
_MAX_NODES = 200_000


def active_content(data: bytes, reader) -> Optional[str]:
    """A sentence saying what the PDF carries that it may not, or None when it carries nothing of the sort."""
    if _HTML.search(data):
        return _("This PDF also contains HTML (it would open as a web page); upload a plain PDF.")

    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        visited += 1
        if visited > _MAX_NODES:
            return _("This PDF is too complex to check; upload a simpler PDF.")
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                node = node.get_object()
            except Exception:  # noqa: BLE001 - a dangling reference holds nothing that can run
                continue
        if isinstance(node, DictionaryObject):
            keys = set(node.keys())
            found = keys & _ACTIVE_KEYS
            if not found and isinstance(node.get("/S"), NameObject) and node["/S"] in _ACTIVE_ACTIONS:
                found = {str(node["/S"])}
            if found:
                return _describe(sorted(found)[0])
            stack.extend(value for name, value in node.items() if name != "/Parent")
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None


def _describe(key: str) -> str:
    if key in ("/JavaScript", "/JS", "/XFA"):
        return _("This PDF contains JavaScript, which meeting documents may not; save it again without scripts.")
    if key in ("/Launch", "/GoToE", "/ImportData", "/RichMediaExecute"):
        return _("This PDF starts other programs or files when opened, which meeting documents may not.")
    if key in ("/EmbeddedFiles", "/EmbeddedFile"):
        return _("This PDF carries embedded files, which meeting documents may not; upload the document alone.")
    return _("This PDF runs actions when it is opened or read, which meeting documents may not.")
