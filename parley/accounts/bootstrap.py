"""First start: make sure someone can get into the admin panel."""

from .login_links import create_login_link
from .models import CreatedVia, Role, Status, User
from .services import create_user


def ensure_admin_login_link() -> str | None:
    """Return a one-time owner login link while no owner has ever logged in, else None.

    A fresh instance gets an owner account without an email (it can add one in the panel);
    its link is printed by `parley serve` until an owner has logged in once.
    """
    admins = User.objects.filter(role=Role.OWNER, status=Status.ACTIVE)
    if admins.filter(last_login_at__isnull=False).exists():
        return None
    admin = admins.order_by("created_at").first()
    if admin is None:
        admin = create_user(
            email=None,
            created_via=CreatedVia.CLI,
            role=Role.OWNER,
            metadata={"name": "Administrator"},
        )
    return create_login_link(user=admin, created_by="serve")
