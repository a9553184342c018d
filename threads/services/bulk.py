"""One prepared UPDATE run for many rows (Django's bulk_update builds a CASE per row instead,
which costs more than the import it serves)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


def rows_update(model: type[models.Model], objs: Sequence[models.Model], fields: list[str]
                ) -> int:
    """``UPDATE <table> SET f1 = %s, ... WHERE id = %s`` once per object, with executemany."""
    if not objs:
        return 0
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    sql = (
        f"UPDATE {quote(meta.db_table)} SET "
        + ", ".join(f"{quote(f.column)} = %s" for f in columns)
        + f" WHERE {quote(meta.pk.column)} = %s"
    )
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)
