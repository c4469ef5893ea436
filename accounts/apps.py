from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与权限"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from simple_history.signals import post_create_historical_record

        from accounts import audit

        user_logged_in.connect(audit.record_login, dispatch_uid="audit_login")
        user_logged_out.connect(audit.record_logout, dispatch_uid="audit_logout")
        user_login_failed.connect(audit.record_login_failed, dispatch_uid="audit_login_failed")
        user_locked_out.connect(audit.record_locked_out, dispatch_uid="audit_locked_out")
        post_create_historical_record.connect(audit.record_history, dispatch_uid="audit_history")
        post_migrate.connect(roles_setup_after_last_app, dispatch_uid="roles_setup")


def roles_setup_after_last_app(sender, **kwargs):
    """Keep the five role groups in every database: run once `migrate` (or a test flush) has finished."""
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender is last:
        from accounts.roles import roles_setup

        roles_setup()

