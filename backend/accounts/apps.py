from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "backend.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.models.signals import post_delete, post_save, pre_save

        from backend.accounts import signals
        from backend.accounts.models import User, WardMembership
        from backend.accounts.throttle import clear_failed_logins, count_failed_login

        # The sign-in throttle's counts (backend.accounts.throttle).
        user_login_failed.connect(count_failed_login, dispatch_uid="ttxd_count_failed_login")
        user_logged_in.connect(clear_failed_logins, dispatch_uid="ttxd_clear_failed_logins")
        # Device tokens end with a password change, a deactivation, the last ward.
        pre_save.connect(
            signals.note_sign_out_change, sender=User, dispatch_uid="ttxd_note_sign_out"
        )
        post_save.connect(
            signals.revoke_after_sign_out_change, sender=User, dispatch_uid="ttxd_revoke_on_change"
        )
        post_delete.connect(
            signals.revoke_when_no_ward_left,
            sender=WardMembership,
            dispatch_uid="ttxd_no_ward_left",
        )
