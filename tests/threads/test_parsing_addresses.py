"""threads/parsing/addresses.py: From: values to names and addresses."""

from threads.parsing.addresses import parse_address, parse_address_git


def test_it_parses_addresses_with_comments_and_quotes():
    assert parse_address_git("A (zzz) U Thor <a.u.thor@example.com> (Comment)") == (
        "A (zzz) U Thor (Comment)", "a.u.thor@example.com")
    assert parse_address_git('bob "unterminated string smith <bob@example.com>') == (
        "bob unterminated string smith", "bob@example.com")
    assert parse_address_git("bare@example.com") == ("bare@example.com", "bare@example.com")
    person = parse_address('"Raghav, Pankaj" <P.Raghav@Samsung.COM>')
    assert (person.name, person.address, person.obfuscated) == (
        "Raghav, Pankaj", "p.raghav@samsung.com", False)


def test_it_flags_obfuscated_addresses():
    person = parse_address("Pankaj Raghav <p.raghav@xxxxxxxxxxx>")
    assert person.address == "p.raghav@xxxxxxxxxxx"
    assert person.obfuscated is True


def test_it_gives_no_address_for_a_from_without_one():
    assert parse_address("testH=?UTF-8?B?w6E=?=user=?UTF-8?B?w6E=?=").address == ""
    assert parse_address("").address == ""
