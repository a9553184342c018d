"""Mailing-list threads: messages, reply trees, patch series, trailers, inline diffs, links."""
