"""fstests xunit reports (``check -R xunit``'s result.xml) -> frozen dataclasses. Pure.

One ``<testsuite>`` per config section (kdevops writes one result.xml per section), or several
under ``<testsuites>``. Each ``<testcase>`` becomes one ``XunitCase``; a name seen again in the
same suite (``check -I N`` iterations) gets iteration 2, 3, ...

Outcomes, in the run vocabulary (pass / crash / hang / error / skip):
- no child element: ``pass``;
- ``<skipped message=...>`` (notrun) and bare ``<skipped/>`` (expunged): ``skip``;
- ``<error>`` (the harness broke, the kernel's state is unknown): ``error``;
- ``<failure>``: a kernel result. ``hang`` when the kernel log holds a hung-task report and no
  crash, otherwise ``crash``. A failing fstests test says the kernel got it wrong (corruption,
  a wrong result, an oops), which is what a maintainer wants counted and compared before and
  after a fix; calling it ``error`` would drop it from every rate. ``kernel_crash`` tells an
  oops/BUG/WARNING in the kernel log apart from a plain output mismatch.

XML is parsed with expat directly: a DOCTYPE or ENTITY declaration is refused (no entity
expansion bombs, no external entities) and the input size is capped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

from ci_results.parsing.crash import kernel_failure
from ci_results.parsing.types import FieldErrors

MAX_XML_BYTES = 64 * 1024 * 1024



class XunitError(ValueError):
    """Not well-formed XML, too large, or a DOCTYPE/ENTITY declaration (HTTP 400)."""


class XunitSchemaError(FieldErrors):
    """Well-formed XML that is not an fstests xunit report (422)."""


@dataclass(frozen=True)
class XunitCase:
    name: str  # "generic/447"
    classname: str  # "xfstests.xfs_reflink_4k"
    status: str  # fstests' word: pass, fail, notrun, expunged, error
    outcome: str  # pass, crash, hang, error, skip
    time: float | None
    iteration: int = 1
    message: str = ""  # skip reason or failure message
    failure_type: str = ""
    kernel_crash: bool = False
    system_out: str = ""  # the .full file
    system_err: str = ""  # diff of .out against .out.bad
    kernel_log: str = ""  # dmesg captured for the test


@dataclass(frozen=True)
class XunitSuite:
    name: str
    section: str  # SECTION property, else from classname "xfstests.<section>"
    hostname: str
    started_at: datetime | None  # start_timestamp (fstests started)
    timestamp: datetime | None  # last testcase started
    reported_at: datetime | None
    time: float | None
    properties: dict[str, str] = field(default_factory=dict, hash=False)
    cases: tuple[XunitCase, ...] = ()


@dataclass(frozen=True)
class XunitReport:
    suites: tuple[XunitSuite, ...]


def parse_xunit(data: bytes | str, max_bytes: int = MAX_XML_BYTES) -> XunitReport:
    """Parse fstests' result.xml.

    >>> parse_xunit(b'<testsuite name="xfstests" tests="1" failures="0" time="5" '
    ...     b'hostname="vm" timestamp="2024-04-30T10:37:51+00:00"><properties>'
    ...     b'<property name="SECTION" value="xfs_reflink_4k"/></properties>'
    ...     b'<testcase classname="xfstests.xfs_reflink_4k" name="generic/001" time="5"/>'
    ...     b'</testsuite>').suites[0].cases[0].outcome
    'pass'
    """
    root = _safe_tree(data, max_bytes)
    errors: list[str] = []
    if root.tag == "testsuite":
        suites = [_suite(root, "testsuite", errors)]
    elif root.tag == "testsuites":
        suites = [_suite(el, f"testsuites.testsuite[{i}]", errors)
                  for i, el in enumerate(root.findall("testsuite"))]
    else:
        raise XunitSchemaError([f"root: expected <testsuite> or <testsuites>, got <{root.tag}>"])
    if errors:
        raise XunitSchemaError(errors)
    return XunitReport(tuple(suites))


def _safe_tree(data: bytes | str, max_bytes: int) -> Element:
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise XunitError(f"XML larger than {max_bytes} bytes")
    builder = TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def refuse(*_args: object) -> None:
        raise XunitError("DOCTYPE and ENTITY declarations are not accepted")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    # Namespaced names arrive as "uri}local": fstests since 2019 uses a namespace, older not.
    parser.StartElementHandler = lambda tag, attrs: builder.start(tag.rpartition("}")[2], attrs)
    parser.EndElementHandler = lambda tag: builder.end(tag.rpartition("}")[2])
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    try:
        parser.Parse(raw, True)
        return builder.close()
    except XunitError:
        raise
    except (expat.ExpatError, LookupError, ValueError) as exc:
        # LookupError: <?xml version="1.0" encoding="NaN"?> names no codec Python knows.
        raise XunitError(f"malformed XML: {exc}") from exc
    except AssertionError as exc:  # TreeBuilder on an empty document
        raise XunitError("malformed XML: no element found") from exc


def _suite(el: Element, where: str, errors: list[str]) -> XunitSuite:
    properties: dict[str, str] = {}
    for i, prop in enumerate(el.findall("properties/property")):
        if not prop.get("name"):
            errors.append(f"{where}.properties.property[{i}].name: required attribute missing")
            continue
        properties[prop.get("name", "")] = prop.get("value", "")
    cases: list[XunitCase] = []
    seen: dict[str, int] = {}
    for i, case_el in enumerate(el.findall("testcase")):
        case = _case(case_el, f"{where}.testcase[{i}]", errors)
        if case is not None:
            seen[case.name] = seen.get(case.name, 0) + 1
            cases.append(_with_iteration(case, seen[case.name]))
    classnames = [c.classname for c in cases if c.classname.startswith("xfstests.")]
    section = properties.get("SECTION") or (
        classnames[0].removeprefix("xfstests.") if classnames else "global"
    )
    return XunitSuite(
        name=el.get("name", "xfstests"),
        section=section,
        hostname=el.get("hostname", ""),
        started_at=_when(el, "start_timestamp", where, errors),
        timestamp=_when(el, "timestamp", where, errors),
        reported_at=_when(el, "report_timestamp", where, errors),
        time=_seconds(el.get("time"), f"{where}.time", errors),
        properties=properties,
        cases=tuple(cases),
    )


def _with_iteration(case: XunitCase, iteration: int) -> XunitCase:
    if iteration == 1:
        return case
    return replace(case, iteration=iteration)


def _case(el: Element, where: str, errors: list[str]) -> XunitCase | None:
    name = (el.get("name") or "").strip()
    if not name:
        errors.append(f"{where}.name: required attribute missing")
    time = _seconds(el.get("time"), f"{where}.time", errors)
    if not name:
        return None
    texts = {tag: clean_cdata(el.findtext(tag) or "")
             for tag in ("system-out", "system-err", "kernel-log")}
    kernel_log = texts["kernel-log"]
    failure_in_log = kernel_failure(kernel_log)
    status, outcome, message, failure_type = "pass", "pass", "", ""
    if (skipped := el.find("skipped")) is not None:
        message = skipped.get("message", "")
        status, outcome = ("notrun" if message else "expunged"), "skip"
    elif (error := el.find("error")) is not None:
        status, outcome = "error", "error"
        message, failure_type = error.get("message", ""), error.get("type", "")
    elif (failure := el.find("failure")) is not None:
        status, outcome = "fail", ("hang" if failure_in_log == "hang" else "crash")
        message, failure_type = failure.get("message", ""), failure.get("type", "")
    return XunitCase(
        name=name, classname=el.get("classname", ""), status=status, outcome=outcome,
        time=time, message=message, failure_type=failure_type,
        kernel_crash=failure_in_log == "crash",
        system_out=texts["system-out"], system_err=texts["system-err"], kernel_log=kernel_log,
    )


def clean_cdata(text: str) -> str:
    """Drop the blank lines and indentation fstests writes around a CDATA block."""
    return re.sub(r"\A\s*\n", "", text).rstrip()


def _seconds(value: str | None, where: str, errors: list[str]) -> float | None:
    if value is None or value.strip() == "":
        return None
    try:
        seconds = float(value)
    except ValueError:
        errors.append(f"{where}: {value!r} is not a number of seconds")
        return None
    if not (0 <= seconds < 1e9):
        errors.append(f"{where}: {value!r} is out of range")
        return None
    return seconds


def _when(el: Element, attr: str, where: str, errors: list[str]) -> datetime | None:
    """An ISO 8601 attribute in UTC; older fstests wrote no zone (taken as UTC)."""
    value = el.get(attr)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        errors.append(f"{where}.{attr}: {value!r} is not an ISO 8601 time")
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


# "-b size=4096" (mkfs.xfs), "-b 4096" (mkfs.ext4): the block size in MKFS_OPTIONS.
BLOCK_SIZE_RE = re.compile(r"-b\s+(?:size=)?(\d+)\b")
CONFIG_PROPERTIES = ("FSTYP", "MKFS_OPTIONS", "MOUNT_OPTIONS")


def find_runs(
    report: XunitReport, *, tree: str = "unknown", kernel: str = "", commit: str = ""
) -> list[dict]:
    """One run payload (the shape of ``POST /api/v1/runs``) per testcase, config = section.

    The kernel version is ``kernel`` if given, else the suite's KERNEL property (uname -r).
    The run id is host:section:start:test:iteration, so importing the same file twice is
    idempotent. A testcase starts at fstests' start time plus the time of the ones before it
    (the report has no per-test start). Failed tests carry their kernel log, the failure
    message and the .out diff as the console log; passed and skipped ones carry none.
    """
    runs: list[dict] = []
    errors: list[str] = []
    for i, suite in enumerate(report.suites):
        version = kernel or suite.properties.get("KERNEL", "")
        start = suite.started_at or suite.timestamp or suite.reported_at
        if not version:
            errors.append(f"testsuite[{i}].properties.KERNEL: missing (give the kernel version)")
        if start is None:
            errors.append(f"testsuite[{i}].start_timestamp: no timestamp in the suite")
        if not version or start is None:
            continue
        elapsed = 0.0
        for case in suite.cases:
            runs.append(_payload(suite, case, start.timestamp() + elapsed,
                                 {"tree": tree, "version": version, "commit": commit}))
            elapsed += case.time or 0.0
    if errors:
        raise XunitSchemaError(errors)
    return runs


def _payload(suite: XunitSuite, case: XunitCase, started: float, kernel: dict) -> dict:
    props = suite.properties
    block = BLOCK_SIZE_RE.search(props.get("MKFS_OPTIONS", ""))
    start_key = (suite.started_at or suite.timestamp or suite.reported_at).isoformat()
    return {
        "run_id": f"{suite.hostname}:{suite.section}:{start_key}:{case.name}:{case.iteration}",
        "kernel": kernel,
        "config": {
            "name": suite.section,
            "filesystem": props.get("FSTYP", ""),
            "block_size": int(block.group(1)) if block else None,
            "arch": props.get("ARCH", ""),
            "params": {k: props[k] for k in CONFIG_PROPERTIES if k in props},
        },
        "reproducer": {"name": case.name, "description": f"fstests {case.name}"},
        "outcome": case.outcome,
        "started_at": datetime.fromtimestamp(started, UTC).isoformat(),
        "duration_s": case.time,
        "host": suite.hostname,
        "console_log": _console_log(case),
    }


def _console_log(case: XunitCase) -> str | None:
    if case.status != "fail" and case.status != "error":
        return None
    parts = [case.kernel_log] if case.kernel_log else []
    parts.append(f"fstests {case.name}: {case.status}: {case.message}".rstrip(": "))
    if case.system_err:
        parts.append(case.system_err)
    return "\n".join(parts) + "\n"
