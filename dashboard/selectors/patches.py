"""The patches a kernel carries, as pages show them: a series version by its mail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from ci_results.models import Kernel
from threads.models import Message


@dataclass(frozen=True)
class PatchRef:
    kind: str  # "series" (a series version, by the Message-ID of its mail) or "commit"
    ref: str  # the Message-ID without <>, or the commit SHA
    subject: str = ""  # the mail's subject when it is archived here: "[PATCH v5 05/11] ..."
    url: str = ""  # its message page, when archived here


def patch_refs(kernels: Iterable[Kernel]) -> dict[int, list[PatchRef]]:
    """kernel pk -> its patches in the order applied; at most one query (the mails of the
    series versions named)."""
    kernels = list(kernels)
    wanted = {_bare(p.get("ref", "")) for k in kernels for p in k.patches
              if p.get("kind") == "series"}
    mails = {}
    if wanted:
        mails = {msgid: (subject, pk, thread_id) for msgid, subject, pk, thread_id in
                 Message.objects.filter(msgid__in=wanted)
                 .values_list("msgid", "subject", "pk", "thread_id")}
    out: dict[int, list[PatchRef]] = {}
    for kernel in kernels:
        refs = []
        for patch in kernel.patches:
            kind, ref = str(patch.get("kind", "")), _bare(str(patch.get("ref", "")))
            mail = mails.get(ref) if kind == "series" else None
            if mail is None:
                refs.append(PatchRef(kind, ref))
                continue
            subject, pk, thread_id = mail
            url = reverse("threads-message", kwargs={"thread_id": thread_id, "pk": pk})
            refs.append(PatchRef(kind, ref, subject, url))
        out[kernel.pk] = refs
    return out


def _bare(msgid: str) -> str:
    return msgid.strip().strip("<>")
