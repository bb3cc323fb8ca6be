"""Model instances from hand-written SQL, for the few lookups every API request makes.

Building a query through the ORM costs about ten times what PostgreSQL spends answering a
lookup by key, and ``Model.objects.raw()`` still inspects the cursor and the model on each
call. :class:`ModelRows` does that work once per process: it names a model's concrete
columns (so a column added to the model is selected without touching the SQL), and turns
the matching slice of a result row into an instance through the same database converters
the ORM applies, so values come back exactly as a queryset would give them (time zones on
SQLite included).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

M = TypeVar("M", bound=models.Model)

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


class ModelRows(Generic[M]):
    """Select the concrete columns of ``model`` under ``alias`` and load rows of them."""

    def __init__(self, model: type[M], alias: str) -> None:
        self.model = model
        self.alias = alias
        self._converters: dict[str, list[tuple[int, list[Converter], Any]]] = {}

    @cached_property
    def fields(self) -> Sequence[models.Field[Any, Any]]:
        return self.model._meta.concrete_fields

    @cached_property
    def attnames(self) -> list[str]:
        return [field.attname for field in self.fields]

    @cached_property
    def table(self) -> str:
        """``"table" alias`` for the FROM clause, from the model (never a hard-coded name)."""
        return f'"{self.model._meta.db_table}" {self.alias}'

    @cached_property
    def columns(self) -> str:
        """``alias."column", ...`` for the SELECT list, in the order :meth:`load` expects."""
        return ", ".join(f'{self.alias}."{field.column}"' for field in self.fields)

    def load(self, values: Sequence[Any], connection: BaseDatabaseWrapper) -> M:
        """The instance for ``values``: one value per column of :attr:`columns`, in order."""
        loaded = list(values)
        for position, converters, column in self._converters_for(connection):
            value = loaded[position]
            for convert in converters:
                value = convert(value, column, connection)
            loaded[position] = value
        return self.model.from_db(connection.alias, self.attnames, loaded)

    def _converters_for(
        self, connection: BaseDatabaseWrapper
    ) -> list[tuple[int, list[Converter], Any]]:
        """The backend's and the fields' converters per column (what a queryset applies)."""
        found = self._converters.get(connection.vendor)
        if found is None:
            found = []
            for position, field in enumerate(self.fields):
                column = field.get_col(self.model._meta.db_table)
                converters = connection.ops.get_db_converters(column)
                converters += column.get_db_converters(connection)
                if converters:
                    found.append((position, converters, column))
            self._converters[connection.vendor] = found
        return found
