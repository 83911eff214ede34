from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "backend.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from backend.accounts.throttle import clear_failed_logins, count_failed_login

        # The sign-in throttle's counts (backend.accounts.throttle).
        user_login_failed.connect(count_failed_login, dispatch_uid="ttxd_count_failed_login")
        user_logged_in.connect(clear_failed_logins, dispatch_uid="ttxd_clear_failed_logins")
