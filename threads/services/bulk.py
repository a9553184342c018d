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


# Field classes whose database value is the Python value itself when it has this exact type
# (what their get_db_prep_save returns then); anything else goes through get_db_prep_save.
_PLAIN: dict[type[models.Field], type] = {
    models.CharField: str, models.TextField: str, models.BooleanField: bool,
    models.IntegerField: int, models.PositiveIntegerField: int,
    models.BigIntegerField: int,
}
_AUTO = (models.AutoField, models.BigAutoField)
_INSERTS: dict[tuple[str, type[models.Model]], tuple[str, list[tuple[models.Field, type | None]]]]
_INSERTS = {}


def _plain_type(field: models.Field) -> type | None:
    if type(field) in (models.ForeignKey, models.OneToOneField):
        return int if type(field.target_field) in _AUTO else None
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return None
    return _PLAIN.get(type(field))


def row_insert(obj: models.Model) -> models.Model:
    """``INSERT ... RETURNING id`` of one new object: what ``Model.objects.create`` does
    (defaults, ``auto_now_add``, related-object checks, database errors wrapped as Django's)
    without compiling the statement anew for each row. No signals: none are connected to the
    models it serves (Message, Patch, SeriesVersion in an import), and a model that overrides
    ``save`` must not come here."""
    model = type(obj)
    key = (connection.vendor, model)
    if key not in _INSERTS:
        meta, quote = model._meta, connection.ops.quote_name
        fields = [f for f in meta.local_concrete_fields if not f.primary_key]
        _INSERTS[key] = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
            f" VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(meta.pk.column)}",
            [(f, _plain_type(f)) for f in fields],
        )
    sql, fields = _INSERTS[key]
    obj._prepare_related_fields_for_save(operation_name="save")
    params = []
    for f, plain in fields:
        if plain is not None:
            value = getattr(obj, f.attname)
            if value is None or type(value) is plain:
                params.append(value)
                continue
        params.append(f.get_db_prep_save(f.pre_save(obj, True), connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return obj
