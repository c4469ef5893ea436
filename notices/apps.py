from django.apps import AppConfig


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notices"
    verbose_name = "站内消息与文书"

    def ready(self):
        from notices import subscribers

        subscribers.subscribe_all()
