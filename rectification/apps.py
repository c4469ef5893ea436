from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = "整改"

    def ready(self):
        from rectification import signals

        signals.connect(self)
