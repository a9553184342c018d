"""The plain-text status report of a thread, to paste as a reply on the list.

It reads like a mailing-list reply: the newest message quoted with its attribution line,
then the series status, the crash signatures seen in the thread (its messages and gists),
crash rates per kernel and config with 95% intervals, the fix verdicts, and links.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q, Sum

from ci_results.models import CrashReport, CrashSignature, Kernel, Rollup
from ci_results.stats import crash_rate, fix_verdict
from dashboard.digests.render import site_url, wrap
from threads.models import CrashText, Link, Message, Patch, Thread

QUOTE_LINES = 8


def _quoted_context(message: Message | None) -> list[str]:
    if message is None:
        return []
    author = message.author.name if message.author and message.author.name else "someone"
    date = f"{message.date:%a, %b %d, %Y at %H:%M:%S} UTC" if message.date else "an earlier day"
    lines = [f"On {date}, {author} wrote:"]
    text = [line for line in (message.new_text or message.body).strip().splitlines()]
    for line in text[:QUOTE_LINES]:
        lines.append(f"> {line}".rstrip())
    if len(text) > QUOTE_LINES:
        lines.append("> [...]")
    return lines + [""]


def _series(thread: Thread) -> list[str]:
    patches = (
        Patch.objects.filter(Q(message__thread=thread) | Q(replies__thread=thread))
        .select_related("series_version__series").distinct()
        .order_by("series_version__series_id", "series_version__version", "number")
    )
    lines: list[str] = []
    current = None
    for patch in patches:
        version = patch.series_version
        if version.series_id != current:
            current = version.series_id
            lines += ["", *wrap(f"Series: {version.series.name}")]
            lines.append(f"  {site_url(f'/series/{version.series_id}/')}")
        total = f"/{version.total}" if version.total else ""
        lines += wrap(f"v{version.version} [{patch.number}{total}] {patch.name}: "
                      f"{patch.get_status_display()}", first="  ", indent="      ")
        if patch.status_reason:
            lines += wrap(patch.status_reason, indent="      ")
    return lines


def _signatures(thread: Thread) -> list[CrashSignature]:
    """Signatures of the crash text pasted in the thread's mails and linked gists (classified
    by ci_results.services.crashtexts when the text was stored)."""
    texts = CrashText.objects.filter(
        Q(message__thread=thread) | Q(gist_file__source__links__message__thread=thread)
    )
    return list(
        CrashSignature.objects.filter(reports__crash_text__in=texts).distinct().order_by("title")
    )


Key = tuple[int, int, int]


def _rates(signatures: list[CrashSignature]) -> tuple[list[str], list[str]]:
    """Rates for every kernel on the configs and reproducers where the crashes were seen."""
    pairs = set(
        CrashReport.objects.filter(signature__in=signatures, run__isnull=False)
        .values_list("run__config_id", "run__reproducer_id").distinct()
    )
    if not pairs:
        return [], []
    condition = Q()
    for config, reproducer in pairs:
        condition |= Q(config_id=config, reproducer_id=reproducer)
    rows = (
        Rollup.objects.filter(condition)
        .values("kernel_id", "config_id", "reproducer_id", "config__name", "reproducer__name")
        .annotate(p=Sum("passes"), c=Sum("crashes"), h=Sum("hangs"))
        .order_by("config__name", "reproducer__name", "kernel_id")
    )
    counts: dict[Key, tuple[int, int]] = {}
    names: dict[Key, tuple[str, str]] = {}
    for r in rows:
        key = (r["kernel_id"], r["config_id"], r["reproducer_id"])
        counts[key] = (r["c"] + r["h"], r["p"] + r["c"] + r["h"])  # failures: crash + hang
        names[key] = (r["config__name"], r["reproducer__name"])
    kernels = {k.pk: k for k in Kernel.objects.filter(pk__in={k for k, _, _ in counts})}
    rate_lines = ["", "Failure rates (crashes and hangs / kernel results, 95% Wilson interval):"]
    by_dims: dict[tuple[str, str], list[str]] = defaultdict(list)
    verdict_lines: list[str] = []
    for key, (crashes, runs) in counts.items():
        config, reproducer = names[key]
        label = str(kernels.get(key[0], "?"))
        by_dims[(config, reproducer)] += wrap(
            f"{label}: {crash_rate(crashes, runs).describe()}", first="    ", indent="      ")
        kernel = kernels.get(key[0])
        base_key = (kernel.base_id, key[1], key[2]) if kernel and kernel.base_id else None
        if base_key in counts:
            base = counts[base_key]
            verdict = fix_verdict(base[0], base[1], crashes, runs)
            base_label = str(kernels.get(base_key[0], "?"))
            verdict_lines += ["", *wrap(f"Is it fixed? {label} vs {base_label} on {config} / "
                                        f"{reproducer}: {verdict.verdict}")]
            verdict_lines += wrap(verdict.explanation, indent="  ")
    for (config, reproducer), lines in by_dims.items():
        rate_lines += [f"  {config} / {reproducer}:", *lines]
    return rate_lines, verdict_lines


def _links(thread: Thread) -> list[str]:
    urls = list(
        Link.objects.filter(message__thread=thread)
        .exclude(kind=Link.Kind.OTHER).values_list("url", flat=True).distinct()
    )
    lines = ["", "Links:", f"  {site_url(f'/threads/{thread.pk}/')}"]
    return lines + [f"  {url}" for url in sorted(set(urls))]


def thread_status_report(*, thread: Thread) -> str:
    newest = (
        thread.messages.filter(is_placeholder=False).select_related("author")
        .order_by("-date", "-id").first()
    )
    lines = _quoted_context(newest)
    lines += wrap(f"Status of this thread on the kernel bug dashboard: "
                  f"{thread.messages.filter(is_placeholder=False).count()} messages known.")
    lines += _series(thread)
    signatures = _signatures(thread)
    for signature in signatures:
        lines += ["", *wrap(f"Crash: {signature.title}")]
        seen = (f"first seen {signature.first_seen:%Y-%m-%d}, last seen "
                f"{signature.last_seen:%Y-%m-%d}, " if signature.first_seen and
                signature.last_seen else "")
        lines += wrap(f"status {signature.status}, {seen}{signature.report_count} reports",
                      indent="  ")
        lines.append(f"  {site_url(f'/crashes/{signature.pk}/')}")
    if signatures:
        rate_lines, verdict_lines = _rates(signatures)
        lines += rate_lines + verdict_lines
    lines += _links(thread)
    return "\n".join(line.rstrip() for line in lines) + "\n"
