"""ci_results use cases, one function each, called by the API, tasks and commands alike.

- ``runs.runs_record``: store runs (a batch), idempotent per (origin, run id), rollups kept.
- ``newlogs.newlogs_parse``: parse new logs after ingest, a chunk of runs at a time.
- ``reports.run_parse_log``: (re-)parse one stored log into crash reports and signatures.
- ``signatures.signature_set_status``: open / fixed / invalid / duplicate, with history.
- ``tokens.token_create`` / ``token_revoke`` / ``token_authenticate``.
- ``reclassify.runs_reclassify``: re-parse stored logs, move reports, record the moves.
"""
