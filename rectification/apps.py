from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = "整改"

    def ready(self):
        from rectification import signals  # connects the receivers

        post_migrate.connect(signals.rates_recompute_after_new_figures, sender=self, dispatch_uid="rates_new_figures")
