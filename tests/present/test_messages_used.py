"""Every key of the report's catalogue is used somewhere (issue 14 item 9).

A key is used when the package names it in quotes (the catalogue itself is the
locale files, pathways/locale/*.yaml), or
builds it: from an f-string prefix (``t(f"kind_{kind}")``) of three or more
characters, or as the ``_one`` form of a used key. A key nobody names is a
word that never reaches a page (as the conformance method note once was).
"""

from __future__ import annotations

import re
from pathlib import Path

from pathways.present.messages import CATALOGUE

PACKAGE = Path(__file__).resolve().parents[2] / "pathways"


def _package_text() -> str:
    texts = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in (".py", ".html") or not path.is_file():
            continue
        texts.append(path.read_text("utf-8"))  # the words themselves are in locale/*.yaml
    return "\n".join(texts)


def test_every_catalogue_key_is_used():
    text = _package_text()
    prefixes = {p for p in re.findall(r"""f["']([a-z0-9_]+)\{""", text) if len(p) >= 3}

    def used(key: str) -> bool:
        return (re.search(rf"""["']{re.escape(key)}["']""", text) is not None
                or any(key.startswith(p) for p in prefixes)
                or (key.endswith("_one") and used(key.removesuffix("_one"))))

    assert sorted(key for key in CATALOGUE if not used(key)) == []


def test_no_words_outside_the_catalogue():
    """No table of words by language in the code that writes pages and command output.

    A ``{"nb": ..., "en": ...}`` literal or a ``lang == "en"`` choice between two
    words is a word the catalogue does not hold. The number formatter
    (``numbers.py``: decimal marks and separators) and the catalogue's own
    language pick (``messages.py``) are the two places that may test the language.
    """
    allowed = {"numbers.py", "messages.py"}
    words = re.compile(r"""["']nb["']\s*:"""  # a {"nb": ...} literal
                       r"""|lang\s*==\s*["'](nb|en)["'].*else\s+["'](?!(nb|en)["'])""")
    found = []
    for folder in ("present", "commands", "cli"):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            if path.name in allowed:
                continue
            for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                if words.search(line):
                    found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert found == []
