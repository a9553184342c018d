"""Admin views of the threads models (read mostly; ingest goes through the services)."""

from django.contrib import admin

from threads.models import (
    Commit,
    CrashText,
    FetchLog,
    GistFile,
    InlineDiff,
    Link,
    Message,
    Patch,
    Person,
    Series,
    SeriesVersion,
    Source,
    Thread,
    Trailer,
)


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("subject", "root_msgid", "tracked", "is_demo", "last_refreshed_at")
    list_filter = ("tracked", "is_demo")
    search_fields = ("subject", "root_msgid")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("msgid", "author", "date", "source", "is_placeholder", "has_crash_text")
    list_filter = ("source", "is_placeholder", "has_crash_text")
    search_fields = ("msgid", "subject")
    raw_id_fields = ("thread", "parent", "author", "placeholder_source", "about_patch",
                     "about_version")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "address", "obfuscated")
    search_fields = ("name", "address")


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ("name", "author", "change_id")
    search_fields = ("name", "family_key", "change_id")
    raw_id_fields = ("author",)


@admin.register(SeriesVersion)
class SeriesVersionAdmin(admin.ModelAdmin):
    list_display = ("series", "version", "total", "superseded_by")
    raw_id_fields = ("series", "cover", "superseded_by")


@admin.register(Patch)
class PatchAdmin(admin.ModelAdmin):
    list_display = ("name", "number", "series_version", "status")
    list_filter = ("status",)
    search_fields = ("name", "patch_id")
    raw_id_fields = ("series_version", "message")


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("kind", "key", "last_status", "last_checked_at", "consecutive_failures")
    list_filter = ("kind",)
    search_fields = ("key", "url")
    raw_id_fields = ("thread",)


for model in (Trailer, InlineDiff, Link, CrashText, FetchLog, GistFile, Commit):
    admin.site.register(model, raw_id_fields=[
        f.name for f in model._meta.get_fields() if f.many_to_one and f.concrete
    ])
