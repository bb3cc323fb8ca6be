"""Full-text search within one client's notes: PostgreSQL full-text search, SQLite FTS5.

Both read ``CaseNote.search_text`` (the note's sections). On PostgreSQL
``to_tsvector('english', ...)`` over the client's notes answers the match, and the client
index keeps it to one client's rows.

On SQLite an FTS5 index (``casenotes_note_fts``, kept by triggers) holds each word of a
note joined to its client's id: "rent" in a note of client 42 is the term ``42xrent``
(see ``client_terms``). A search reads only that client's terms, so its cost follows the
client's notes, not the database's: with words alone, a common word or a prefix such as
``"medication"*`` merged the lists of every client's notes first (decision 0110).

Words typed by the user are quoted terms, never query syntax, so no input can break the
query.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models.expressions import RawSQL

from casework.casenotes.models import NoteQuerySet

MAX_TERMS = 8
# The SQL function the index triggers call. The index must be written and deleted from with
# the same terms, so a change to ``client_terms`` needs a new name and a migration that
# rebuilds the index with it.
TERMS_FUNCTION = "casenotes_terms_v1"
# A word as FTS5's unicode61 tokenizer sees one: letters and digits ("_" separates words).
WORD = re.compile(r"[^\W_]+")


def search_terms(text: str) -> list[str]:
    return WORD.findall(text or "")[:MAX_TERMS]


def client_terms(client_id: Any, text: str | None) -> str:
    """The words of ``text``, each joined to ``client_id``: ``42xrent 42xis 42xdue``.

    The client id is digits and the joint a letter, so no term of one client is a prefix
    of another client's term ("4x2..." and "42x..." differ at the second character).
    """
    prefix = f"{int(client_id)}x"
    return " ".join(prefix + word for word in WORD.findall(text or ""))


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: the index triggers need ``client_terms``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(TERMS_FUNCTION, 2, client_terms, deterministic=True)


def search_notes(notes: NoteQuerySet, text: str, client_id: int) -> NoteQuerySet:
    """``notes`` (already client ``client_id``'s, already gated) with every word of ``text``.

    Words are matched by their English stem ("medications" finds "medication"); on SQLite
    each also matches as the start of a longer word ("med" finds "medication").
    """
    terms = search_terms(text)
    if not terms:
        return notes
    if connection.vendor == "postgresql":
        query = SearchQuery(" ".join(terms), config="english", search_type="plain")
        return notes.annotate(document=SearchVector("search_text", config="english")).filter(
            document=query
        )
    match = " AND ".join(f'"{term}"*' for term in client_terms(client_id, " ".join(terms)).split())
    ids = RawSQL("SELECT rowid FROM casenotes_note_fts WHERE casenotes_note_fts MATCH %s", [match])
    return notes.filter(pk__in=ids)
