"""Revoke CI tokens by their displayed prefix, or every token of an origin."""

from django.core.management.base import BaseCommand, CommandError

from ci_results.services.tokens import token_revoke


class Command(BaseCommand):
    help = "Revoke CI tokens: --prefix kbd_AbCdEfGh (as listed in the admin) or --origin NAME."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--prefix", default="", help="the token's first characters")
        parser.add_argument("--origin", default="", help="revoke all tokens of this origin")

    def handle(self, *args, prefix: str, origin: str, **options) -> None:
        if not prefix and not origin:
            raise CommandError("give --prefix or --origin")
        if prefix and len(prefix) < 8:
            raise CommandError("--prefix needs at least 8 characters")
        count = token_revoke(prefix=prefix, origin_name=origin)
        if count == 0:
            raise CommandError("no active token matches")
        self.stdout.write(f"revoked {count} token(s)")
