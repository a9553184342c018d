"""Trailers (Reviewed-by:, Fixes:, Link: ...) in mail bodies: the public entry points.

Pure. ``find_trailers`` reads the unquoted trailers of one body; ``collect_followup_trailers``
attaches those given in replies to the patches of a series, the way b4 does.
"""

from threads.parsing.followups import (
    FollowupTrailer,
    PatchTrailers,
    TrailerMail,
    address_matches,
    collect_followup_trailers,
    trailer_key,
)
from threads.parsing.trailerparse import canonical_kind, find_trailers, parse_person

__all__ = [
    "FollowupTrailer",
    "PatchTrailers",
    "TrailerMail",
    "address_matches",
    "canonical_kind",
    "collect_followup_trailers",
    "find_trailers",
    "parse_person",
    "trailer_key",
]
