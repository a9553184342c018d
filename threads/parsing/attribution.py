"""Attribution lines ("On Mon, Apr 29, 2024 at 10:43:16PM -0400, Zi Yan wrote:") taken apart.

Pure: a line in, an ``Attribution`` (name, address, date in UTC when a zone is given) out.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from threads.parsing.types import Attribution

# The verb ending an attribution: "Zi Yan wrote:" (seed), Gnus's "writes:", German and French
# clients' "schrieb:" / "a écrit :" seen on LKML.
_SAID = r"(?:wrote|writes|said|schrieb|a\s+écrit|escribió|ha\s+scritto)"

# mutt/Gmail/Apple Mail/Thunderbird/Evolution all start with "On <date>, <who> wrote:", e.g.
# "On Mon, Apr 29, 2024 at 10:43:16PM -0400, Zi Yan wrote:" (seed) and
# "On 29 Apr 2024, at 20:31, Luis Chamberlain wrote:" (seed, Apple Mail).
_ON_WROTE = re.compile(rf"^(?:On|Am|Le|El|Il)\s+(?P<rest>.+?)\s*,?\s+{_SAID}\s*:\s*$", re.I)

# Gnus: "Zi Yan <ziy@nvidia.com> writes:"; also "Matthew Wilcox wrote:" with no date.
_WHO_WRITES = re.compile(
    rf"^(?P<name>[^,:<>]{{1,80}}?)\s*(?:<(?P<addr>[^<>\s]+@[^<>\s]+)>)?\s+{_SAID}\s*:\s*$"
)

# mutt with Liam Howlett's format: "* Liam R. Howlett <Liam.Howlett@oracle.com> [240429 10:43]:"
_STAR_BRACKET = re.compile(
    r"^\*\s+(?P<name>.+?)\s*<(?P<addr>[^<>\s]+@[^<>\s]+)>\s+\[(?P<date>\d{6}\s+\d{2}:\d{2})\]:\s*$"
)

# Thunderbird in German puts the verb first: "Am 29.04.24 um 22:43 schrieb Zi Yan:"
_AM_SCHRIEB = re.compile(r"^Am\s+(?P<date>.+?)\s+schrieb\s+(?P<who>.+?)\s*:\s*$")

# Stephen Boyd's client: "Quoting Zi Yan (2024-04-29 10:00:00)"
_QUOTING = re.compile(
    r"^Quoting\s+(?P<name>.+?)\s+\((?P<date>\d{4}-\d{2}-\d{2}\s+\d{1,2}:\d{2}(?::\d{2})?)\)\s*:?\s*$"
)

# The time inside an "On ..." attribution ends the date: "at 10:43:16PM -0400", "at 3:27 PM",
# "22:43:16 -0400", "20:31" (seed), "10:43 (UTC)", "22:43:16 +0000 (UTC)".
_TIME = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*[+-]\d{4})?"
    r"(?:\s*\(?(?:UTC|GMT|[ECMP][SD]T|CES?T|BST|IST|JST)\)?)?"
)

# "Zi Yan <ziy@nvidia.com>" at the end of the name part (Gmail: "... 3:27 PM Luis <mcgrof@...>")
_NAME_ADDR = re.compile(r"^(?P<name>.*?)\s*<(?P<addr>[^<>\s]+@[^<>\s]+)>\s*$")

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_ZONES = {"UTC": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
          "MDT": -6, "PST": -8, "PDT": -7, "CET": 1, "CEST": 2, "BST": 1, "IST": 5.5, "JST": 9}

# Dates as attribution lines write them:
# "Apr 29, 2024" (mutt), "29 Apr 2024" (Apple Mail), "2024-04-29" (Evolution, Quoting),
# "4/29/24" (Thunderbird US), "29.04.24" / "29-04-24" (Michal Hocko's "On Mon 29-04-24").
_D_MONTH_FIRST = re.compile(r"\b([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b")
_D_DAY_FIRST = re.compile(r"\b(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})\b")
# "Mon, 2024-04-29 at 22:43 -0400" (Evolution), "Quoting X (2024-04-29 10:00:00)"
_D_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# "4/29/24 10:43 PM" (Thunderbird US), "29.04.24 um 22:43", "Mon 29-04-24 22:43:16"
_D_NUMERIC = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})\b")
# "[240429 10:43]" (Liam Howlett's mutt)
_D_YYMMDD = re.compile(r"^(\d{2})(\d{2})(\d{2})\b")
# The parts of the time: "10:43:16PM -0400" (seed), "3:27 PM", "22:43:16 -0400", "10:43 (UTC)".
_T_PARTS = re.compile(
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([AaPp])\.?[Mm]\.?)?"
    r"(?:\s*(?:([+-])(\d{2})(\d{2})|\(?([A-Z]{3,4})\)?))?"
)


def _ymd(text: str) -> tuple[int, int, int] | None:
    if m := _D_MONTH_FIRST.search(text):
        if (mon := _MONTHS.get(m.group(1).lower())) is not None:
            return int(m.group(3)), mon, int(m.group(2))
    if m := _D_DAY_FIRST.search(text):
        if (mon := _MONTHS.get(m.group(2).lower())) is not None:
            return int(m.group(3)), mon, int(m.group(1))
    if m := _D_ISO.search(text):
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    if m := _D_YYMMDD.search(text):
        return 2000 + int(m.group(1)), int(m.group(2)), int(m.group(3))
    if m := _D_NUMERIC.search(text):
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        year = year + 2000 if year < 100 else year
        # "/" is the US month/day order (Thunderbird); "." and "-" are day.month.
        month, day = (a, b) if "/" in m.group(0) and a <= 12 else (b, a)
        return year, month, day
    return None


def parse_attribution_date(text: str) -> datetime | None:
    """``"Mon, Apr 29, 2024 at 10:43:16PM -0400"`` -> 2024-04-30 02:43:16 UTC.

    Returns None when the text has no date, no time or no zone (a local time is not an instant).
    """
    ymd = _ymd(text)
    time_match = _T_PARTS.search(text)
    if ymd is None or time_match is None:
        return None
    hour, minute = int(time_match.group(1)), int(time_match.group(2))
    second = int(time_match.group(3) or 0)
    if ampm := time_match.group(4):
        hour = hour % 12 + (12 if ampm.lower() == "p" else 0)
    if time_match.group(5):
        sign = -1 if time_match.group(5) == "-" else 1
        offset = sign * timedelta(hours=int(time_match.group(6)), minutes=int(time_match.group(7)))
    elif (zone := time_match.group(8)) in _ZONES:
        offset = timedelta(hours=_ZONES[zone])
    else:
        return None
    try:
        local = datetime(*ymd, hour, minute, second, tzinfo=timezone(offset))
    except ValueError:
        return None
    return local.astimezone(UTC)


def _split_name(who: str) -> tuple[str, str]:
    who = who.strip().strip(",").strip()
    address = ""
    if m := _NAME_ADDR.match(who):
        who, address = m.group("name"), m.group("addr").lower()
    name = who.strip().strip('"').strip("'").strip()
    return name, address


def _split_on_rest(rest: str) -> tuple[str, str] | None:
    """``"Mon, Apr 29, 2024 at 10:43:16PM -0400, Zi Yan"`` -> (date text, who)."""
    times = list(_TIME.finditer(rest))
    if times:
        end = times[-1].end()
        return rest[:end].strip().rstrip(","), rest[end:]
    if ", " in rest:
        date_text, who = rest.rsplit(", ", 1)
        if any(ch.isdigit() for ch in date_text):
            return date_text, who
    return None


def parse_attribution(line: str, depth: int = 0) -> Attribution | None:
    """``"On 29 Apr 2024, at 20:31, Luis Chamberlain wrote:"`` -> Attribution(name="Luis ...").

    ``line`` is one logical line without quote markers (join wrapped attributions first).
    """
    text = " ".join(line.split())
    if not text or len(text) > 300:
        return None
    date_text, who = "", ""
    if m := _ON_WROTE.match(text):
        split = _split_on_rest(m.group("rest"))
        if split is None:
            return None
        date_text, who = split
    elif m := _AM_SCHRIEB.match(text):
        date_text, who = m.group("date"), m.group("who")
    elif m := _STAR_BRACKET.match(text):
        date_text, who = m.group("date"), f"{m.group('name')} <{m.group('addr')}>"
    elif m := _QUOTING.match(text):
        date_text, who = m.group("date"), m.group("name")
    elif m := _WHO_WRITES.match(text):
        who = m.group("name") + (f" <{m.group('addr')}>" if m.group("addr") else "")
        if len(who.split()) > 8 or who.split()[0].lower() in {"on", "i", "you", "he", "she"}:
            return None
    else:
        return None
    name, address = _split_name(who)
    if not name and not address:
        return None
    return Attribution(
        line=line.strip(),
        name=name or address,
        depth=depth,
        date=parse_attribution_date(date_text) if date_text else None,
        address=address,
        date_text=date_text,
    )
