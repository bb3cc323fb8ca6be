"""Full-text search within one client's notes: PostgreSQL full-text search, SQLite FTS5.

Both read ``CaseNote.search_text`` (the note's sections). On SQLite an FTS5 index
(``casenotes_note_fts``, kept by triggers; ``migrations/0002``) answers the match; on
PostgreSQL ``to_tsvector('english', ...)`` over the client's notes does, which the
client index keeps to one client's rows. Words typed by the user are quoted terms, never
query syntax, so no input can break the query.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models.expressions import RawSQL

from casework.casenotes.models import NoteQuerySet

MAX_TERMS = 8


def search_terms(text: str) -> list[str]:
    return re.findall(r"\w+", text or "")[:MAX_TERMS]


def search_notes(notes: NoteQuerySet, text: str, client_id: int | None = None) -> NoteQuerySet:
    """``notes`` (already one client's, already gated) that contain every word of ``text``.

    With ``client_id`` (their client), SQLite's index is asked for that client's notes only
    (its ``client_id`` column, ``migrations/0004``) instead of every note with the words."""
    terms = search_terms(text)
    if not terms:
        return notes
    if connection.vendor == "postgresql":
        query = SearchQuery(" ".join(terms), config="english", search_type="plain")
        return notes.annotate(document=SearchVector("search_text", config="english")).filter(
            document=query
        )
    words = " AND ".join('"{}"*'.format(t.replace('"', "")) for t in terms)
    match = f"search_text : ({words})"
    if client_id is not None:
        match = f'client_id : "{int(client_id)}" AND {match}'
    ids = RawSQL("SELECT rowid FROM casenotes_note_fts WHERE casenotes_note_fts MATCH %s", [match])
    return notes.filter(pk__in=ids)
