"""``{% load tracking_tags %}``: the sources of a thread and where a message was read.

``{% thread_sources thread %}`` renders threads/_sources.html (each source, last check, what
changed, the error of a failing one); ``{% message_seen_in m %}`` renders the places a message
was read from (lore and/or lkml.iu.edu).
"""

from django import template

from threads.selectors_tracking import message_seen_in as seen_in
from threads.selectors_tracking import thread_sources as sources_of

register = template.Library()


@register.inclusion_tag("threads/_sources.html")
def thread_sources(thread) -> dict:
    return {"sources": sources_of(thread=thread)}


@register.inclusion_tag("threads/_seen_in.html")
def message_seen_in(message) -> dict:
    return {"places": seen_in(message=message)}
