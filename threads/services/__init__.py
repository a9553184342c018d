"""Use cases of the threads app, one function each, called by every entry point.

- ``ingest.message_ingest`` / ``ingest.messages_ingest_mbox``: mail into the database;
- ``status.patches_status_refresh`` / ``status.patch_statuses_refresh_for_commit``;
- ``demo``-style callers go through the same functions.
"""
