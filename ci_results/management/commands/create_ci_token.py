"""Create a CI token for an origin; the token is printed once and only its hash is kept."""

from django.core.management.base import BaseCommand, CommandError

from ci_results.services.tokens import token_create


class Command(BaseCommand):
    help = "Create a bearer token for a CI origin (created if new). Printed once; stored hashed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--origin", required=True, help="the CI system's name, e.g. kdevops")
        parser.add_argument("--note", default="", help="what the token is for")

    def handle(self, *args, origin: str, note: str, **options) -> None:
        origin = origin.strip()
        if not origin or "\x00" in origin or len(origin) > 100:
            raise CommandError("--origin must be a name of 1 to 100 characters")
        new = token_create(origin_name=origin, note=note)
        self.stderr.write(f"Token {new.token.prefix}... for origin {origin!r} "
                          "(shown only now; store it as a CI secret):")
        self.stdout.write(new.secret)
