"""Keyed pseudonyms for Norwegian national identity numbers (fødselsnummer).

Any 11-digit number in any value whose two mod-11 check digits are valid
(fødselsnummer, D-numbers and H-numbers alike, whatever the date digits say) is
replaced by ``pid-`` and 16 hex digits of HMAC-SHA256 under a secret key before
anything else sees the log, in whichever form it is written (:data:`ID_FORMS`:
a separator after the date part, dots in the date, ten digits after a lost
leading zero, scientific notation), every form by the pseudonym of its 11
digits. Names shown to the user (files, rule texts, labels) are masked with
:func:`mask_national_ids`. The same key gives the same pseudonym, so extracts
pseudonymised separately with one agreed key can be joined; without the key a
pseudonym cannot be turned back into the number.

The key comes, in this order, from the ``PATHWAYS_PSEUDONYM_KEY`` environment
variable, from the file named by ``PATHWAYS_KEY_FILE``, or from the user's key
file ``~/.config/pathways/pseudonym.key``. Only that default file is created,
with a random key (mode 0600), the first time it is needed. A file named by
``PATHWAYS_KEY_FILE`` holds a key someone chose to share (extracts
pseudonymised with one agreed key can be joined), so when it does not exist,
is empty or cannot be read, that is an error naming the variable and the path:
a new random key there would give pseudonyms that silently fail to join. An
empty default key file is an error too (an empty key protects nothing).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from pathways.errors import OptionError

KEY_ENV = "PATHWAYS_PSEUDONYM_KEY"
KEY_FILE_ENV = "PATHWAYS_KEY_FILE"
DEFAULT_KEY_FILE = Path("~/.config/pathways/pseudonym.key")
#: The most bytes read from a key file: a key is a line of text, and a file far
#: longer than that is not a key file (``/dev/urandom``, a log named by mistake).
MAX_KEY_BYTES = 4096

#: What may stand between the six date digits and the five others: a space, a
#: no-break, figure or narrow no-break space, a hyphen (also Unicode's hyphens
#: and the en dash a word processor puts in), a dot or a slash.
SEPARATORS = " \u00a0\u2007\u202f\u2010\u2011\u2013./-"
#: The date part, ``DDMMYY`` or ``DD.MM.YY``.
_DATE = "(?:[0-9]{6}|[0-9]{2}[.][0-9]{2}[.][0-9]{2})"
#: Month digits that make a date plausible: 01-12, or 41-52 (H-numbers).
_MONTH = "(?:0[1-9]|1[0-2]|4[1-9]|5[0-2])"
#: The ways a national id is written, as one regular expression that Python's
#: ``re`` and DuckDB's RE2 read alike (no look-around, only non-capturing groups):
#:
#: - 11 digits, with one separator (or none) after the date part, whose dots may
#:   separate day, month and year: ``01019012480``, ``010190 12480``,
#:   ``010190-12480``, ``01.01.90 12480``, ``010190/12480``;
#: - 10 digits that lost their leading zero in a spreadsheet or an integer
#:   column (``1019012480``): only with a plausible date once the zero is put
#:   back (day 01-09, month 01-12 or 41-52), since far more numbers have ten
#:   digits than have eleven;
#: - either of those in scientific notation, as a spreadsheet writes a large
#:   number (``1.019012480E+09``, ``1,01901248E+09``, ``1.5076500565E+10``).
ID_FORMS = (
    f"{_DATE}[{SEPARATORS}]?[0-9]{{5}}"
    f"|[1-9]{_MONTH}[0-9]{{7}}"
    f"|[1-9][.,]{_MONTH}[0-9]{{0,7}}0*[eE][+]?0?9"
    "|[1-9][.,][0-9]{0,10}0*[eE][+]?10"
)
#: A national id in any of its forms, not part of a longer number.
CANDIDATE = re.compile(f"(?<![0-9])(?:{ID_FORMS})(?![0-9])")
#: The same test for DuckDB's RE2, which has no look-around: the characters
#: either side are matched instead, which for "does the value hold one" is the
#: same (a search tries every start). Used to pre-select values.
CANDIDATE_SQL = f"(^|[^0-9])(?:{ID_FORMS})([^0-9]|$)"
#: A value that is one id and nothing else (spaces around it aside).
WHOLE_ID_SQL = f"^ *(?:{ID_FORMS}) *$"
#: The shortest text any form can have (``1.E10``): shorter values are not searched.
MIN_ID_LENGTH = 5

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def is_national_id(number: str) -> bool:
    """True when ``number`` is 11 digits whose two mod-11 check digits are valid.

    Examples
    --------
    >>> is_national_id("01010112356")
    False
    >>> is_national_id("15076500565")
    True
    """
    if len(number) != 11 or not number.isdigit():
        return False
    digits = [int(c) for c in number]
    k1 = 11 - sum(w * d for w, d in zip(_W1, digits, strict=False)) % 11
    k1 = 0 if k1 == 11 else k1
    if k1 == 10 or k1 != digits[9]:
        return False
    k2 = 11 - sum(w * d for w, d in zip(_W2, digits, strict=False)) % 11
    k2 = 0 if k2 == 11 else k2
    return k2 != 10 and k2 == digits[10]


def load_key(key: bytes | str | None = None) -> bytes:
    """The pseudonym key: given, from the environment, or the user's key file.

    Raises
    ------
    OptionError
        When ``PATHWAYS_KEY_FILE`` names a file that does not exist, is empty
        or cannot be read, or that is not a regular file (a FIFO, a device such
        as ``/dev/urandom``, a folder) or is longer than :data:`MAX_KEY_BYTES`
        (nothing else is opened for reading, so nothing can hang), when the
        default key file is empty, unreadable or not a regular file,
        or when the default key file cannot be created.
    """
    if key is not None:
        return key.encode("utf-8") if isinstance(key, str) else key
    env = os.environ.get(KEY_ENV)
    if env:
        return env.encode("utf-8")
    named = os.environ.get(KEY_FILE_ENV)
    if named:
        return _read_key_file(Path(named).expanduser(), f"{KEY_FILE_ENV} names {named}")
    path = DEFAULT_KEY_FILE.expanduser()
    if path.exists():
        return _read_key_file(path, f"The pseudonym key file {path}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it just now
        return _read_key_file(path, f"The pseudonym key file {path}")
    except OSError as err:
        raise OptionError(
            f"Cannot create the pseudonym key file {path} ({err.strerror}). Set "
            f"{KEY_FILE_ENV} to the path of a key file, or {KEY_ENV} to the key."
        ) from None
    fresh = secrets.token_hex(32).encode("ascii")
    with os.fdopen(fd, "wb") as handle:
        handle.write(fresh)
    return fresh


def _read_key_file(path: Path, named: str) -> bytes:
    """The key in ``path``; an OptionError beginning with ``named`` when there is none."""
    advice = (f"Point {KEY_FILE_ENV} at the agreed key file, or unset it to use your own "
              f"key ({DEFAULT_KEY_FILE}, made when first needed): a new key would give "
              "pseudonyms that do not join with other extracts."
              if named.startswith(KEY_FILE_ENV) else
              "Put the key in it, or delete the file to have a new random key made "
              "(pseudonyms made with the old key will then not join).")
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise OptionError(f"{named}, which does not exist. {advice}") from None
    except OSError as err:  # no permission, ...
        raise OptionError(f"{named}, which cannot be read ({err.strerror}). {advice}"
                          ) from None
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode):
        os.close(fd)
        raise OptionError(f"{named}, which cannot be read (Is a directory). {advice}")
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = ("a named pipe (FIFO)"
                if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode)
                or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "not a regular file")
        raise OptionError(f"{named}, which is {kind}, not a regular file: a key "
                          f"is read only from a file. {advice}")
    with os.fdopen(fd, "rb") as handle:
        try:
            key = handle.read(MAX_KEY_BYTES + 1)
        except OSError as err:
            raise OptionError(f"{named}, which cannot be read ({err.strerror}). "
                              f"{advice}") from None
    if len(key) > MAX_KEY_BYTES:
        raise OptionError(f"{named}, which is longer than {MAX_KEY_BYTES} bytes: that "
                          f"is not a key file. {advice}")
    key = key.strip()
    if not key:
        raise OptionError(f"{named}, which is empty: it holds no key. {advice}")
    return key


def pseudonym(number: str, key: bytes) -> str:
    """The keyed pseudonym of a national identity number."""
    digest = hmac.new(key, number.encode("ascii"), hashlib.sha256).hexdigest()
    return "pid-" + digest[:16]


def pseudonymise_text(text: str, key: bytes) -> str:
    """Replace every valid national identity number inside ``text``.

    Examples
    --------
    >>> pseudonymise_text("pasient 15076500565 innlagt", b"k").startswith("pasient pid-")
    True
    >>> pseudonymise_text("tlf 12345678901", b"k")
    'tlf 12345678901'
    """
    return _replace_ids(text, lambda number: pseudonym(number, key))


class TextPseudonyms:
    """:func:`pseudonymise_text` under one key, as a function of the text alone.

    A class, not a closure, so that an engine can ship it to where it runs
    code (Spark's executors, see :meth:`pathways.spark.SparkEngine.map_values`).
    """

    def __init__(self, key: bytes) -> None:
        self.key = key

    def __call__(self, text: str) -> str:
        """``text`` with its national ids pseudonymised."""
        return pseudonymise_text(text, self.key)


def mask_national_ids(text: str, mask: str = "<fødselsnummer>") -> str:
    """Replace every valid national identity number in ``text`` by ``mask``.

    For error messages that quote a value from the log (they are written
    before the key is at hand, and a user needs no pseudonym to fix a row),
    and for every name shown: a file name, a rule file's texts, a label given
    on the command line.

    Examples
    --------
    >>> mask_national_ids("for example '15076500565'")
    "for example '<fødselsnummer>'"
    """
    return _replace_ids(text, lambda _: mask)


def id_digits(form: str) -> str:
    """The 11 digits of a national id written in one of the forms of :data:`ID_FORMS`.

    Separators go, a lost leading zero is put back, scientific notation is
    written out; so every form of one id gives the same digits, hence the same
    pseudonym.

    Examples
    --------
    >>> [id_digits(f) for f in ("01.01.90 12480", "1019012480", "1,01901248E+09")]
    ['01019012480', '01019012480', '01019012480']
    """
    mantissa, _, exponent = form.upper().partition("E")
    digits = re.sub("[^0-9]", "", mantissa)
    if exponent:  # the mantissa's digits, then zeros up to the exponent's place
        digits = digits.rstrip("0").ljust(int(exponent) + 1, "0")
    return digits.zfill(11)


def id_digits_sql(value: str) -> str:
    """SQL (DuckDB): :func:`id_digits` of a text expression that matched :data:`ID_FORMS`."""
    mantissa = f"rtrim(regexp_replace(split_part(upper({value}), 'E', 1), '[^0-9]', '', 'g'), '0')"
    # TRY_CAST: Spark may compute the exponent of every value, not only of those
    # in scientific notation (the CASE below), and its CAST fails on ''.
    exponent = f"TRY_CAST(ltrim(split_part(upper({value}), 'E', 2), '+') AS INTEGER)"
    return (f"lpad(CASE WHEN upper({value}) LIKE '%E%' "
            f"THEN rpad({mantissa}, {exponent} + 1, '0') "
            f"ELSE regexp_replace({value}, '[^0-9]', '', 'g') END, 11, '0')")


def _replace_ids(text: str, replacement: Callable[[str], str]) -> str:
    """``text`` with each valid national id (its 11 digits) replaced by ``replacement``."""

    def replace(match: re.Match[str]) -> str:
        number = id_digits(match.group(0))
        return replacement(number) if is_national_id(number) else match.group(0)

    return CANDIDATE.sub(replace, text)


def contains_national_id(text: str) -> bool:
    """True when ``text`` holds a national id, in any form, with valid check digits."""
    return any(is_national_id(id_digits(m.group(0))) for m in CANDIDATE.finditer(text))


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """The inner and outer HMAC-SHA256 pads of a key (RFC 2104)."""
    block = hashlib.sha256(key).digest() if len(key) > 64 else key
    block = block.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


def pseudonym_sql(number: str, key: bytes) -> str:
    """SQL (DuckDB) for :func:`pseudonym` of an 11-digit text expression.

    HMAC-SHA256 is built from DuckDB's ``sha256`` on blobs, so a log's national
    ids are pseudonymised in the engine, not one by one in Python; the result
    equals :func:`pseudonym` (a test checks this).
    """
    inner, outer = hmac_pads(key)
    return (
        f"'pid-' || left(sha256(unhex('{outer.hex()}') || "
        f"unhex(sha256(unhex('{inner.hex()}') || encode({number})))), 16)"
    )


def valid_id_sql(number: str) -> str:
    """SQL: true when an 11-digit text expression has valid mod-11 check digits.

    A check digit ``k = (11 - sum % 11) % 11`` equals the written digit ``d``
    exactly when ``(sum + d) % 11 = 0`` (a ``k`` of 10 matches no digit), so
    each check is one weighted sum of the written digits, as
    :func:`is_national_id` computes them; written with the check digits
    computed and compared, the expression repeated each sum several times and
    cost more than the rest of the pseudonymisation.
    """
    d = [f"CAST(substr({number}, {i}, 1) AS INTEGER)" for i in range(1, 12)]
    first = " + ".join(f"{w} * {x}" for w, x in zip(_W1, d, strict=False))
    second = " + ".join(f"{w} * {x}" for w, x in zip(_W2, d, strict=False))
    return f"(({first} + {d[9]}) % 11 = 0 AND ({second} + {d[10]}) % 11 = 0)"
