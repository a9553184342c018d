"""ci_results use cases, one function each, called by the API, tasks and commands alike.

- ``runs.runs_record``: store runs (a batch), idempotent per (origin, run id), rollups kept.
- ``reports.run_parse_log``: parse a stored log into crash reports and signatures.
- ``signatures.signature_set_status``: open / fixed / invalid / duplicate, with history.
- ``tokens.token_create`` / ``token_revoke`` / ``token_authenticate``.
- ``reclassify.runs_reclassify``: re-parse stored logs, move reports, record the moves.
"""
