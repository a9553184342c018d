"""Admin for ci_results: tokens (hash never shown), runs, signatures with their history."""

from django.contrib import admin

from ci_results.models import (
    CIToken,
    Config,
    CrashReport,
    CrashSignature,
    Kernel,
    Origin,
    ReclassifyEvent,
    Reproducer,
    Rollup,
    Run,
    SignatureEvent,
)


@admin.register(Origin)
class OriginAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(CIToken)
class CITokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "origin", "note", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["origin"]
    exclude = ["token_hash"]
    readonly_fields = ["prefix", "origin", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False  # manage.py create_ci_token shows the secret once


@admin.register(Kernel)
class KernelAdmin(admin.ModelAdmin):
    list_display = ["display_name", "tree", "version", "tag", "commit", "base"]
    search_fields = ["tree", "version", "tag", "commit", "label"]


@admin.register(Config)
class ConfigAdmin(admin.ModelAdmin):
    list_display = ["name", "filesystem", "block_size", "min_folio_order", "arch"]
    search_fields = ["name"]


@admin.register(Reproducer)
class ReproducerAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ["run_id", "origin", "kernel", "config", "reproducer", "outcome",
                    "started_at", "parsed_at"]
    list_filter = ["outcome", "origin"]
    search_fields = ["run_id"]
    raw_id_fields = ["kernel", "config", "reproducer"]
    date_hierarchy = "started_at"


class SignatureEventInline(admin.TabularInline):
    model = SignatureEvent
    fk_name = "signature"
    extra = 0
    readonly_fields = ["at", "user", "kind", "old_status", "new_status", "duplicate_of",
                       "fixed_by", "note"]
    can_delete = False


@admin.register(CrashSignature)
class CrashSignatureAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "report_count", "first_seen", "last_seen"]
    list_filter = ["status", "crash_type"]
    search_fields = ["title"]
    # Status changes go through signature_set_status (the dashboard's form), which keeps
    # the history; the admin only shows them.
    readonly_fields = ["status", "duplicate_of", "fixed_by", "report_count", "first_seen",
                       "last_seen", "representative"]
    inlines = [SignatureEventInline]


@admin.register(CrashReport)
class CrashReportAdmin(admin.ModelAdmin):
    list_display = ["title", "crash_type", "corrupted", "run", "seen_at"]
    list_filter = ["crash_type", "corrupted"]
    search_fields = ["title"]
    raw_id_fields = ["run", "signature"]


@admin.register(ReclassifyEvent)
class ReclassifyEventAdmin(admin.ModelAdmin):
    list_display = ["at", "old_title", "new_title", "run", "note"]


@admin.register(Rollup)
class RollupAdmin(admin.ModelAdmin):
    list_display = ["day", "kernel", "config", "reproducer", "runs", "crashes", "hangs"]
    list_filter = ["day"]
