"""Demo part: the seed's two gists and its linux-kdevops commit, without network.

The seed links two gists by mcgrof (the crash "in the writeback path", and "the full decoded
crash on v6.9-rc6") and the linux-kdevops commit that makes ``split_folio_to_list`` use the
mapping's minimum folio order. Their real content is not in the project, so this part
RECONSTRUCTS it from what the seed message quotes (read at load time) and stores it in the
shapes of the GitHub gists and commits APIs through the same services a fetch uses
(``gist_store``, ``commit_store``). Every piece says so: "reconstructed from the message for
the demo (not fetched)". The crash texts are then classified, so the demo thread links to the
seed's crash signature.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ci_results.models import CrashReport, CrashSignature, ReclassifyEvent, SignatureEvent
from ci_results.services.crashtexts import crash_texts_classify, signatures_recount_stale
from dashboard.demo.threads import SEED
from threads.models import Commit, CrashText, GistFile, Source, Thread
from threads.services.artifacts import commit_store, gist_store, link_sources_ensure

LABEL = "reconstructed from the message for the demo (not fetched)"
SHORT_GIST = "d12f586ec6ebe32b2472b5d634c397df"  # "NULL ptr dereference ... writeback path [1]"
DECODED_GIST = "c44aaed21b99ae4ecf3d7fc6a1bb00bc"  # "The full decoded crash on v6.9-rc6"
COMMIT_KEY = "linux-kdevops/linux@e77a2a4fd6d9aa7e2641d5ea456ad0522c1e8a04"
COMMIT_SHA = COMMIT_KEY.split("@")[1]


def seed_crash(seed: str) -> tuple[str, str]:
    """(short, decoded): the report alone, from ``BUG:`` to ``</TASK>`` as journal lines
    (without the decoder's disassembly of ``Code:``); and everything the seed quotes of the
    decoded crash, from the XFS mount to ``</TASK>``."""
    lines = seed.splitlines()
    first = next(i for i, line in enumerate(lines) if " kernel: " in line)
    last = next(i for i, line in enumerate(lines) if line.endswith("kernel: </TASK>"))
    decoded = lines[first:last + 1]
    bug = next(i for i, line in enumerate(decoded) if "kernel: BUG: " in line)
    short = [line for line in decoded[bug:] if " kernel: " in line]
    return "\n".join(short) + "\n", "\n".join(decoded) + "\n"


def _gist(gist_id: str, filename: str, description: str, text: str) -> dict:
    content = f"# {LABEL}\n{text}"
    return {
        "id": gist_id, "description": f"{description} ({LABEL})",
        "html_url": f"https://gist.github.com/mcgrof/{gist_id}", "owner": {"login": "mcgrof"},
        "files": {filename: {"filename": filename, "type": "text/plain", "language": "Text",
                             "size": len(content.encode()), "truncated": False,
                             "raw_url": "", "content": content}},
    }


HUGE_MM_H = """\
@@ -308,9 +308,5 @@ static inline int split_huge_page(struct page *page)
 {
 \treturn split_huge_page_to_list_to_order(page, NULL, 0);
 }
-static inline int split_folio_to_list(struct folio *folio,
-\t\tstruct list_head *list)
-{
-\treturn split_huge_page_to_list_to_order(&folio->page, list, 0);
-}
+int split_folio_to_list(struct folio *folio, struct list_head *list);
 void deferred_split_folio(struct folio *folio);
"""
HUGE_MEMORY_C = """\
@@ -3195,5 +3195,15 @@ int split_huge_page_to_list_to_order(struct page *page,
 \treturn ret;
 }
\x20
+int split_folio_to_list(struct folio *folio, struct list_head *list)
+{
+\tunsigned int min_order = 0;
+
+\tif (!folio_test_anon(folio))
+\t\tmin_order = mapping_min_folio_order(folio->mapping);
+
+\treturn split_huge_page_to_list_to_order(&folio->page, list, min_order);
+}
+
 void __folio_undo_large_rmappable(struct folio *folio)
 {
"""
SUBJECT = "mm: split a folio in minimum folio order chunks"
BODY = (f"[{LABEL}: the seed shows only split_folio_to_list(); the real commit's message, "
        "author and dates are unknown here, so the linking message's are used]\n\n"
        "If no order is specified, split a page cache folio to the minimum folio order of "
        "its mapping (mapping_min_folio_order()), so compaction's try_split_folio() -->\n"
        "split_folio_to_list() splits with the min order implicitly.")


def commit_payload() -> tuple[dict, str]:
    """(commits API document, .patch text) in GitHub's shapes."""
    person = {"name": "Luis Chamberlain", "email": "mcgrof@kernel.org",
              "date": "2024-04-30T19:27:25Z"}
    files = [("include/linux/huge_mm.h", HUGE_MM_H, 1, 5),
             ("mm/huge_memory.c", HUGE_MEMORY_C, 10, 0)]
    api = {
        "sha": COMMIT_SHA, "html_url": f"https://github.com/linux-kdevops/linux/commit/{COMMIT_SHA}",
        "commit": {"author": person, "committer": person, "message": f"{SUBJECT}\n\n{BODY}"},
        "files": [{"filename": name, "status": "modified", "additions": add,
                   "deletions": dele, "changes": add + dele, "patch": hunk.rstrip("\n")}
                  for name, hunk, add, dele in files],
    }
    diff = "".join(f"diff --git a/{name} b/{name}\n--- a/{name}\n+++ b/{name}\n{hunk}"
                   for name, hunk, _, _ in files)
    patch = (f"From {COMMIT_SHA} Mon Sep 17 00:00:00 2001\n"
             f"From: {person['name']} <{person['email']}>\n"
             "Date: Tue, 30 Apr 2024 12:27:25 -0700\n"
             f"Subject: [PATCH] {SUBJECT}\n\n{BODY}\n---\n"
             " include/linux/huge_mm.h |  6 +-----\n mm/huge_memory.c        | 10 ++++++++++\n"
             " 2 files changed, 11 insertions(+), 5 deletions(-)\n\n"
             f"{diff}-- \n2.43.0\n")
    return api, patch


def links_probe() -> Q:
    return Q(messages__links__key__in=[SHORT_GIST, DECODED_GIST, COMMIT_KEY])


def load() -> list[str]:
    thread = Thread.objects.filter(is_demo=True).filter(links_probe()).distinct().first()
    if thread is None:
        return ["artifacts: no demo seed thread (load dashboard.demo.threads first)"]
    short, decoded = seed_crash(SEED.read_text())
    payloads = {
        SHORT_GIST: _gist(SHORT_GIST, "xfs-writeback-null-ptr-deref.txt",
                          "NULL pointer dereference in the writeback path", short),
        DECODED_GIST: _gist(DECODED_GIST, "decoded-crash-v6.9-rc6.txt",
                            "The full decoded crash on v6.9-rc6", decoded),
    }
    stored: list[str] = []
    with transaction.atomic():
        sources = {s.key: s for s in link_sources_ensure(thread=thread)}
        for key, payload in payloads.items():
            if key in sources and not _really_fetched(sources[key]):
                stored += [f"gist {key[:12]}: {c}" for c in gist_store(source=sources[key],
                                                                       payload=payload)]
        source = sources.get(COMMIT_KEY)
        if source is not None and not Commit.objects.filter(sha=COMMIT_SHA).exists():
            api, patch = commit_payload()
            commit = commit_store(source=source, api=api, patch=patch)
            stored.append(f"commit {commit.sha[:12]} stored (patch-id {commit.patch_id[:12]})")
        # Stored as a fetch would have: checked and succeeded now, said to be reconstructed,
        # never due again (a real fetch of the same key would replace the content).
        now = timezone.now()
        Source.objects.filter(pk__in=[s.pk for s in sources.values()], last_success_at=None
                              ).update(last_change_summary=LABEL, last_checked_at=now,
                                       last_success_at=now, next_check_at=None)
    # Usually done already: the seam classified them when the stores committed.
    texts = CrashText.objects.filter(Q(message__thread=thread)
                                     | Q(gist_file__source__in=list(sources.values())))
    crash_texts_classify(ids=texts.values_list("pk", flat=True))
    titles = sorted(set(texts.exclude(title="").values_list("title", flat=True)))
    verb = "stored" if stored else "already loaded"
    return [f"artifacts: 2 gists and the kdevops commit {verb} ({LABEL}); "
            f"{texts.exclude(title='').count()} crash text(s) linked to: {'; '.join(titles)}"]


def _really_fetched(source: Source) -> bool:
    # A real fetch of the same gist (a tracked non-demo thread) is never overwritten.
    return source.last_success_at is not None and GistFile.objects.filter(source=source).exists()


def remove() -> list[str]:
    """The demo commit, then whatever the demo's crash texts left in signatures (the threads
    part, removed first, takes the gists and crash reports with the thread)."""
    with transaction.atomic():
        commits, _ = Commit.objects.filter(sha=COMMIT_SHA, message__contains=LABEL).delete()
        GistFile.objects.filter(content__startswith=f"# {LABEL}\n").delete()
        signatures_recount_stale()
        orphans = _orphan_signatures()
        gone, _ = CrashSignature.objects.filter(pk__in=orphans).delete()
    return [f"artifacts: removed {commits} demo commit(s) and {len(orphans)} crash "
            f"signature(s) only the demo showed ({gone} rows)"]


def _orphan_signatures() -> list[int]:
    """Signatures without reports whose only history is their creation (what the demo made);
    one that lost its reports to a reclassify or was triaged keeps its record."""
    moved = ReclassifyEvent.objects.filter(old_signature__isnull=False).values("old_signature")
    triaged = SignatureEvent.objects.exclude(kind=SignatureEvent.Kind.CREATED).values("signature")
    return list(CrashSignature.objects.filter(report_count=0, status=CrashSignature.Status.OPEN)
                .exclude(pk__in=CrashReport.objects.values("signature"))
                .exclude(pk__in=moved).exclude(pk__in=triaged)
                .exclude(pk__in=CrashSignature.objects.filter(duplicate_of__isnull=False)
                         .values("duplicate_of"))
                .values_list("pk", flat=True))
