"""First start: make sure someone can get into the admin panel."""

from .login_links import create_login_link
from .models import CreatedVia, Role, Status, User
from .services import create_user


def ensure_admin_login_link() -> str | None:
    """Return a one-time admin login link while no admin has ever logged in, else None.

    A fresh instance gets an admin account without an email (it can add one in the panel);
    its link is printed by `parley serve` until an admin has logged in once.
    """
    admins = User.objects.filter(role=Role.ADMIN, status=Status.ACTIVE)
    if admins.filter(last_login_at__isnull=False).exists():
        return None
    admin = admins.order_by("created_at").first()
    if admin is None:
        admin = create_user(
            email=None,
            created_via=CreatedVia.CLI,
            role=Role.ADMIN,
            metadata={"name": "Administrator"},
        )
    return create_login_link(user=admin, created_by="serve")
