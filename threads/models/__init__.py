"""The threads models, re-exported: ``from threads.models import Message``."""

from threads.models.mail import CrashText, Message, Person, Thread
from threads.models.review import InlineDiff, Link, Trailer
from threads.models.series import Patch, Series, SeriesVersion
from threads.models.sources import Commit, FetchLog, GistFile, Source

__all__ = [
    "Commit", "CrashText", "FetchLog", "GistFile", "InlineDiff", "Link", "Message", "Patch",
    "Person", "Series", "SeriesVersion", "Source", "Thread", "Trailer",
]
