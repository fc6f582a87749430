"""Encryption at rest for secrets Parley must use again (provider API keys, SSO client
secrets): Fernet, keyed per purpose from SECRET_KEY through HKDF."""

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@functools.cache
def _fernet(secret_key: str, purpose: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(plaintext: str, *, purpose: str) -> str:
    """The ciphertext of `plaintext` ("" stays ""). Each purpose has its own key, so a
    secret encrypted for one use cannot be decrypted as another."""
    if not plaintext:
        return ""
    return _fernet(settings.SECRET_KEY, purpose).encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str, *, purpose: str) -> str | None:
    """The plaintext, or None when it was encrypted under another SECRET_KEY or purpose."""
    if not ciphertext:
        return ""
    try:
        return _fernet(settings.SECRET_KEY, purpose).decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        return None
