"""Name search keys and the database functions behind them (issue 11 item 4).

Names are compared in a folded form that Swedes expect: case is ignored, accents on letters
that are not Swedish letters are dropped (é → e, ü → u, ñ → n), å, ä and ö stay letters of their
own, and the Danish/Norwegian æ and ø count as ä and ö (as in Swedish dictionaries). Only the
characters in the table below are changed, and the same table is applied by Python (to the query)
and by the database (to the stored columns), so both sides agree character for character on
PostgreSQL and SQLite alike (``lower()`` is not used: on SQLite it folds ASCII only).

Two stored, generated columns per name:

* ``*_key`` (surname, first name): the folded name with å, ä, ö written as ``{ | }``, the three
  characters after ``z`` in code point order, so that a plain binary comparison sorts names as a
  Swedish list does (… y, z, å, ä, ö). On PostgreSQL the columns use the ``C`` collation, on
  SQLite the default BINARY one: both compare code points, so a prefix is the key range
  ``[prefix, prefix with its last character incremented)`` and one btree index serves both the
  range and the order.
* ``name_text``: the readable folded "first last" for trigram similarity (``pg_trgm`` GIN index
  on PostgreSQL; on SQLite a Python function, see ``word_similarity``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Func, Lookup, Value
from django.db.models.sql.compiler import SQLCompiler

_SOURCE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_TARGET = "abcdefghijklmnopqrstuvwxyz"
# Swedish letters, and their Nordic relatives, stay letters.
_SOURCE += "ÅÄÖÆæØø"
_TARGET += "åäöääöö"
# Other accented Latin letters lose the accent.
for _plain, _accented in {
    "a": "ÀÁÂÃàáâãĀāĄą",
    "c": "ÇçĆćČč",
    "d": "ĎďĐđ",
    "e": "ÈÉÊËèéêëĒēĘęĚě",
    "i": "ÌÍÎÏìíîïĪī",
    "l": "ŁłĽľ",
    "n": "ÑñŃńŇň",
    "o": "ÒÓÔÕòóôõŌōŐő",
    "r": "Řř",
    "s": "ŚśŠšŞş",
    "t": "Ťť",
    "u": "ÙÚÛÜùúûüŪūŮůŰű",
    "y": "ÝýÿŸ",
    "z": "ŹźŻżŽž",
}.items():
    _SOURCE += _accented
    _TARGET += _plain * len(_accented)
assert len(_SOURCE) == len(_TARGET)

FOLD_FROM, FOLD_TO = _SOURCE, _TARGET
# In keys, å ä ö take the places after z so that binary order is Swedish order.
KEY_FROM, KEY_TO = "åäö", "{|}"

_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)
_KEY = str.maketrans(KEY_FROM, KEY_TO)
_SEPARATORS = re.compile(r"[\s,\x00-\x1f\x7f]+")


def fold(text: str) -> str:
    """The readable folded form (what ``name_text`` stores)."""
    return text.translate(_FOLD)


def key(text: str) -> str:
    """The sortable key (what ``last_key`` and ``first_key`` store)."""
    return fold(text).translate(_KEY)


def words(query: str) -> list[str]:
    """The words of a query: split at white space, commas and control characters."""
    return [word for word in _SEPARATORS.split(query) if word]


def prefix_upper_bound(prefix: str) -> str | None:
    """The least string greater than every string starting with ``prefix`` (code point order)."""
    for position in range(len(prefix) - 1, -1, -1):
        if ord(prefix[position]) < 0x10FFFF:
            return prefix[:position] + chr(ord(prefix[position]) + 1)
    return None


class Translate(Func):
    """Character-for-character mapping, as in ``str.translate``: PostgreSQL's ``translate``;
    on SQLite (which has none, and whose parser refuses a hundred nested ``replace`` calls) the
    Python function ``samordna_translate`` that every Django connection registers
    (``register_sqlite_functions``). Writing people_person on SQLite therefore needs a Django
    connection; reading it does not."""

    function = "translate"
    arity = 1

    def __init__(self, expression: Any, source: str, target: str, **extra: Any) -> None:
        self.source, self.target = source, target
        super().__init__(expression, **extra)

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        path = "samordna.people.search.Translate"
        return path, (*self.source_expressions, self.source, self.target), {}

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Translate)
            and self.source == other.source
            and self.target == other.target
            and self.source_expressions == other.source_expressions
        )

    def __hash__(self) -> int:
        return hash((self.source, self.target, *self.source_expressions))

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        function = "translate" if connection.vendor == "postgresql" else "samordna_translate"
        return f"{function}({sql}, %s, %s)", [*params, self.source, self.target]


class NameText(Func):
    """``first || ' ' || last`` with the operator that is immutable on PostgreSQL."""

    arg_joiner = " || ' ' || "
    template = "(%(expressions)s)"
    output_field = models.TextField()


def fold_expression(expression: Any) -> Translate:
    return Translate(expression, FOLD_FROM, FOLD_TO)


def key_expression(field: str) -> Translate:
    return Translate(fold_expression(models.F(field)), KEY_FROM, KEY_TO)


def name_text_expression() -> Translate:
    return fold_expression(NameText(models.F("first_name"), models.F("last_name")))


class SearchKeyField(models.CharField):
    """A key compared in code point order: the ``C`` collation on PostgreSQL (SQLite's default
    BINARY collation already is)."""

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class SearchTextField(models.TextField):
    """Folded name text for trigram similarity (``__similar`` lookup)."""


# The trigram word similarity a typo search accepts (pg_trgm's default is 0.6, which misses
# one wrong letter in a nine-letter surname: "Lindkvist" ~ "Lindqvist" is 0.54).
SIMILARITY_THRESHOLD = 0.5


@SearchTextField.register_lookup
class Similar(Lookup):
    """``name_text__similar=query``: the query is word-similar to the text.

    PostgreSQL: ``query <% name_text``, answered by the GIN trigram index with the threshold
    set by ``set_similarity_threshold``. SQLite: the Python ``word_similarity`` function.
    """

    lookup_name = "similar"

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{rhs} <%% {lhs}", [*rhs_params, *lhs_params]
        sql = f"samordna_word_similarity({rhs}, {lhs}) >= {SIMILARITY_THRESHOLD}"
        return sql, [*rhs_params, *lhs_params]


class WordSimilarity(Func):
    """pg_trgm's ``word_similarity(query, text)``; the same measure in Python on SQLite."""

    output_field = models.FloatField()

    def __init__(self, query: str, expression: Any) -> None:
        super().__init__(Value(query), expression)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> Any:
        return self.as_sql(compiler, connection, function="word_similarity", **extra)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> Any:
        return self.as_sql(compiler, connection, function="samordna_word_similarity", **extra)


def set_similarity_threshold(connection: BaseDatabaseWrapper) -> None:
    """For the current transaction only (call inside ``transaction.atomic``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                [str(SIMILARITY_THRESHOLD)],
            )


_WORD = re.compile(r"\w+")


def _trigrams(text: str) -> list[str]:
    """pg_trgm's trigrams in order: each word padded with two spaces before and one after."""
    found: list[str] = []
    for word in _WORD.findall(text.lower().replace("_", " ")):
        padded = f"  {word} "
        found += [padded[i : i + 3] for i in range(len(padded) - 2)]
    return found


@lru_cache(maxsize=4096)
def word_similarity(query: str | None, text: str | None) -> float:
    """pg_trgm's word similarity: the best Jaccard similarity between the query's trigrams and
    a contiguous run of the text's trigrams (pg_trgm finds the same maximum greedily)."""
    if not query or not text:
        return 0.0
    wanted = set(_trigrams(query))
    target = _trigrams(text)
    if not wanted or not target:
        return 0.0
    best = 0.0
    for start in range(len(target)):
        if target[start] not in wanted:
            continue
        seen: set[str] = set()
        for end in range(start, len(target)):
            seen.add(target[end])
            if target[end] in wanted:
                common = len(seen & wanted)
                best = max(best, common / len(seen | wanted))
    return best


@lru_cache(maxsize=16)
def _table(source: str, target: str) -> dict[int, int]:
    return str.maketrans(source, target)


def sqlite_translate(text: str | None, source: str, target: str) -> str | None:
    return None if text is None else text.translate(_table(source, target))


def register_sqlite_functions(connection: BaseDatabaseWrapper, **_kwargs: Any) -> None:
    """``connection_created`` receiver: the functions the search columns use on SQLite."""
    if connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function("samordna_translate", 3, sqlite_translate, deterministic=True)
        raw.create_function("samordna_word_similarity", 2, word_similarity, deterministic=True)
