"""Person lookups with a per-run cache (an mbox names the same few people thousands of times)."""

from __future__ import annotations

from dataclasses import dataclass, field

from threads.models import Person
from threads.services.common import clean

_CACHE_LIMIT = 20_000  # bounded: memory must not grow with the size of an import


@dataclass
class PersonCache:
    by_key: dict[str, Person] = field(default_factory=dict)

    def remember(self, key: str, person: Person) -> Person:
        if len(self.by_key) >= _CACHE_LIMIT:
            self.by_key.clear()
        self.by_key[key] = person
        return person


def person_get_or_create(
    *, cache: PersonCache, name: str, address: str, obfuscated: bool = False
) -> Person | None:
    """The Person for ``Name <address>``; by address when known, else by exact name."""
    name, address = clean(name).strip()[:255], clean(address).strip().lower()[:320]
    if not name and not address:
        return None
    key = f"a:{address}" if address else f"n:{name.lower()}"
    person = cache.by_key.get(key)
    if person is not None:
        return person
    if address:
        person, created = Person.objects.get_or_create(
            address=address, defaults={"name": name, "obfuscated": obfuscated}
        )
        if not created and name and not person.name:
            person.name = name
            person.save(update_fields=["name"])
    else:
        person = Person.objects.filter(address="", name=name).order_by("pk").first()
        if person is None:
            person = Person.objects.create(name=name, address="")
    return cache.remember(key, person)
