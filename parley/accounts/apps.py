from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "parley.accounts"
    label = "accounts"

    def ready(self):
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from . import second_factor_signals, signals  # noqa: F401  (registers the receivers)
        from .user_cache import forget_saved_user

        user = self.get_model("User")
        post_save.connect(forget_saved_user, sender=user, dispatch_uid="parley-user-cache")
        post_delete.connect(forget_saved_user, sender=user, dispatch_uid="parley-user-cache")

        # Django's own last_login update is a second write per login; record_login does it.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
