from django.apps import AppConfig


class CiResultsConfig(AppConfig):
    name = "ci_results"
    verbose_name = "CI results"
    default_auto_field = "django.db.models.BigAutoField"
