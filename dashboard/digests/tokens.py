"""Signed tokens in confirmation and unsubscribe links (no state kept for them)."""

from django.core import signing

CONFIRM_SALT = "kbd.digests.confirm"
UNSUBSCRIBE_SALT = "kbd.digests.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # a confirmation link works for a week


def make_token(subscription_id: int, email: str, *, salt: str) -> str:
    return signing.dumps({"id": subscription_id, "email": email}, salt=salt, compress=True)


def read_token(token: str, *, salt: str, max_age: int | None = None) -> tuple[int, str] | None:
    """The (subscription id, address) a token was made for, or None when forged or expired."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a subclass
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    return data["id"], str(data.get("email", ""))
