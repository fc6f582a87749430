"""Encryption at rest for provider API keys: Fernet with a key derived from SECRET_KEY."""

from parley import encryption

PURPOSE = "parley.chat.provider-keys"


def encrypt(plaintext: str) -> str:
    return encryption.encrypt(plaintext, purpose=PURPOSE)


def decrypt(ciphertext: str) -> str | None:
    """The plaintext, or None when it was encrypted under another SECRET_KEY."""
    return encryption.decrypt(ciphertext, purpose=PURPOSE)


def hint(plaintext: str) -> str:
    """Enough of a key for an admin to recognise it, never enough to use it."""
    if not plaintext:
        return ""
    if len(plaintext) < 12:
        return "…" + plaintext[-2:]
    return f"{plaintext[:3]}…{plaintext[-4:]}"
