from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "parley.ops"
    label = "ops"

    def ready(self):
        from django.db import transaction
        from django.db.models.signals import post_save

        from parley.audit.models import AuthEvent

        def count_login(sender, instance, created, **kwargs):
            # Imported here, not at startup: a `parley` command never needs prometheus_client.
            from . import metrics

            if created:  # counted once the login's transaction commits, as the audit log is
                method, outcome = instance.method, instance.outcome
                transaction.on_commit(lambda: metrics.count_login(method, outcome))

        post_save.connect(count_login, sender=AuthEvent, weak=False, dispatch_uid="ops-logins")
