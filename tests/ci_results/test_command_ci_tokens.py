"""manage.py create_ci_token / revoke_ci_token."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ci_results.models import CIToken
from ci_results.services.tokens import TokenRevoked, hash_token, token_authenticate

pytestmark = pytest.mark.django_db


def create(origin: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("create_ci_token", "--origin", origin, stdout=out, stderr=err)
    assert "shown only now" in err.getvalue()
    return out.getvalue().strip()


def test_it_prints_the_token_once_and_stores_only_its_hash():
    secret = create("kdevops")
    token = CIToken.objects.get()
    assert token.origin.name == "kdevops"
    assert token.token_hash == hash_token(secret) != secret
    assert secret.startswith(token.prefix)
    assert not CIToken.objects.filter(token_hash=secret).exists()
    assert token_authenticate(secret=secret).origin.name == "kdevops"


def test_it_revokes_by_prefix_or_origin():
    first, second = create("kdevops"), create("kdevops")
    other = create("lkft")
    out = StringIO()
    call_command("revoke_ci_token", "--prefix", first[:12], stdout=out)
    assert "revoked 1" in out.getvalue()
    with pytest.raises(TokenRevoked):
        token_authenticate(secret=first)
    assert token_authenticate(secret=second)
    call_command("revoke_ci_token", "--origin", "kdevops", stdout=StringIO())
    with pytest.raises(TokenRevoked):
        token_authenticate(secret=second)
    assert token_authenticate(secret=other).origin.name == "lkft"


def test_it_refuses_vague_or_unknown_revocations():
    create("kdevops")
    with pytest.raises(CommandError):
        call_command("revoke_ci_token")
    with pytest.raises(CommandError):
        call_command("revoke_ci_token", "--prefix", "kbd_")
    with pytest.raises(CommandError):
        call_command("revoke_ci_token", "--origin", "nobody")
    assert CIToken.objects.filter(revoked_at__isnull=True).count() == 1
