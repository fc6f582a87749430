"""verification_config reads the JWT settings, secrets and keys with three raw statements
(1.63x a login's CPU through the ORM: bench/README.md, "Shortcuts re-measured"). These
tests hold the shortcut to what the ORM gives, so a Django upgrade that changes how rows
become model values fails here, not in a login."""

import time
from datetime import timedelta

from django.utils import timezone

from parley.external_auth import services
from parley.external_auth.config import verification_config
from parley.external_auth.models import JwtSettings

from .factories import ec_private_key, public_pem


def test_the_raw_settings_read_gives_every_field_as_the_orm_does(db):
    services.enable_jwt()
    services.update_policy(
        leeway_seconds=5,
        require_exp=True,
        max_lifetime_seconds=600,
        issuer="https://crm.example.com",
        audience="parley",
        one_time_jti=True,
        link_by_email=True,
        failure_limit=7,
    )
    shortcut = verification_config(now=time.time())[0]
    orm = JwtSettings.objects.get(pk=1)
    for field in JwtSettings._meta.concrete_fields:
        assert getattr(shortcut, field.attname) == getattr(orm, field.attname), field.name
        assert type(getattr(shortcut, field.attname)) is type(getattr(orm, field.attname))


def test_the_raw_secret_and_key_reads_find_what_the_orm_finds(db):
    first = services.enable_jwt()
    second = services.rotate_secret(grace=timedelta(hours=1))
    services.add_public_key(pem=public_pem(ec_private_key("secp256r1", 3)), kid="k1")
    now = time.time()
    keys = verification_config(now=now)[1]
    assert keys.current_secret == second.encode()
    assert [p.secret for p in keys.previous_secrets] == [first.encode()]
    grace_end = services.secrets_in_grace()[0].valid_until
    assert abs(keys.previous_secrets[0].grace_ends_at - grace_end.timestamp()) < 1e-3
    assert [key.kid for key in keys.public_keys] == ["k1"]
    assert services.secrets_in_grace(now=timezone.now() + timedelta(hours=2)) == []
    later = verification_config(now=now + 2 * 3600)[1]
    assert later.previous_secrets == ()
