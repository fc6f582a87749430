"""Encryption at rest for provider API keys: Fernet with a key derived from SECRET_KEY."""

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@functools.cache
def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"parley.chat.provider-keys"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    return _fernet(settings.SECRET_KEY).encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str | None:
    """The plaintext, or None when it was encrypted under another SECRET_KEY."""
    if not ciphertext:
        return ""
    try:
        return _fernet(settings.SECRET_KEY).decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        return None


def hint(plaintext: str) -> str:
    """Enough of a key for an admin to recognise it, never enough to use it."""
    if not plaintext:
        return ""
    if len(plaintext) < 12:
        return "…" + plaintext[-2:]
    return f"{plaintext[:3]}…{plaintext[-4:]}"
