#!/usr/bin/env python3
"""Helpers for conformance/run-schemathesis.sh (run with the conformance venv's python).

Subcommands:

  ops --spec SPEC --seeds DIR
      Prints one operationId per line: the operations of SPEC that the seed documents in DIR
      name (the 27 seed operations are the ones the fakes implement), matched on HTTP method
      and path (path parameter names ignored). Fails when a spec operation has no seed line.

  report --allowlist FILE --run PROVIDER=NDJSON=SPEC [--run ...]
      Reads schemathesis' NDJSON event streams (`--report ndjson`), collects every failed check
      and every non-fatal error (for example a request body schemathesis cannot satisfy), groups
      them into findings, matches each finding against the allowlist, prints the findings and
      the line `schemathesis: N findings, M allowlisted`, and exits 1 when any finding is not
      allowlisted (or a run is missing / did not finish), else 0.

Allowlist format (conformance/schemathesis-allowlist.txt), one finding per line:

  PROVIDER OPERATION_ID CHECK KEY | reason | source

  PROVIDER      okta, authress or kinde
  OPERATION_ID  the spec's operationId, or * for every operation of the provider
  CHECK         the schemathesis check name (response_schema_conformance, ...) or
                `schema_error` for a non-fatal error schemathesis reports for the operation
  KEY           a Python regular expression (no spaces; use \\s) searched in the finding's text,
                four parts each ending in a newline: the failure message, `mutation: ...`
                (how a negative case broke the schema, schemathesis' mutation descriptions
                joined by ` ; `), `request: METHOD URI BODY` and `response: STATUS BODY`
  reason        why the finding is accepted: what in the VENDOR SPEC is wrong
  source        where that is documented (../shared/notes/..., the spec's own examples, ...)

Blank lines and lines starting with # are ignored. A malformed line is an error (exit 2).
Each occurrence of a failure is matched on its own, so a finding is allowlisted only when
the KEY matches that occurrence; one group can be split into an allowlisted and a failing part.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

PROVIDERS = ("okta", "authress", "kinde")
TRUNCATE = 400


def load_yaml(path: Path):
    import yaml  # schemathesis depends on PyYAML, so the venv has it

    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def spec_operations(spec) -> dict[str, str]:
    """`METHOD /path` -> operationId, for every operation of the spec."""
    ops = {}
    for path, item in (spec.get("paths") or {}).items():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                ops[f"{method.upper()} {path}"] = op["operationId"]
    return ops


# A seed document names each operation on one line: the Python SDK method, the HTTP method and
# the path (Markdown table or plain text), e.g.
# `[**get_connection**](ConnectionsApi.md#get_connection) | **GET** /v1/connections/{connectionId} | ...`.
SEED_LINE = re.compile(r"\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b[^A-Za-z/]*\b(GET|POST|PUT|PATCH|DELETE)\b\W*(/[^\s|*]+)")
PATH_PARAM = re.compile(r"\{[^}]*\}")


def route(method: str, path: str) -> str:
    """`METHOD /path` with path parameter names dropped (`{connection_id}` == `{connectionId}`)."""
    return f"{method.upper()} {PATH_PARAM.sub('{}', path.rstrip('/'))}"


def seed_routes(seeds: Path) -> dict[str, str]:
    """route -> the seed's SDK method name, for every operation line of every seed document."""
    routes = {}
    for doc in sorted(seeds.glob("*.txt")):
        for line in doc.read_text(encoding="utf-8").splitlines():
            m = SEED_LINE.search(line)
            if m:
                routes.setdefault(route(m.group(2), m.group(3)), m.group(1))
    return routes


def cmd_ops(args) -> int:
    spec = load_yaml(Path(args.spec))
    seeds = seed_routes(Path(args.seeds))
    selected, unknown = [], []
    for op, op_id in spec_operations(spec).items():
        method, path = op.split(" ", 1)
        (selected if route(method, path) in seeds else unknown).append(op_id)
    if unknown:
        print(f"operations of {args.spec} named by no seed document: {', '.join(unknown)}", file=sys.stderr)
        return 2
    if not selected:
        print(f"no operation of {args.spec} is named by a seed document", file=sys.stderr)
        return 2
    print("\n".join(selected))
    return 0


@dataclass
class Entry:
    line_no: int
    provider: str
    operation_id: str
    check: str
    key: re.Pattern
    reason: str
    source: str
    hits: int = 0


def load_allowlist(path: Path) -> list[Entry]:
    entries = []
    for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ")]
        head = parts[0].split()
        if len(parts) != 3 or len(head) != 4 or not parts[1] or not parts[2]:
            raise ValueError(f"{path}:{no}: expected `PROVIDER OPERATION_ID CHECK KEY | reason | source`")
        provider, op_id, check, key = head
        if provider not in PROVIDERS:
            raise ValueError(f"{path}:{no}: unknown provider {provider!r}")
        try:
            pattern = re.compile(key)
        except re.error as e:
            raise ValueError(f"{path}:{no}: bad KEY regex {key!r}: {e}") from None
        entries.append(Entry(no, provider, op_id, check, pattern, parts[1], parts[2]))
    return entries


def decode(payload) -> str:
    if not payload:
        return ""
    if isinstance(payload, dict) and "$base64" in payload:
        try:
            return base64.b64decode(payload["$base64"]).decode("utf-8", "replace")
        except ValueError:
            return "<undecodable>"
    return str(payload)


def short(text: str) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= TRUNCATE else text[:TRUNCATE] + "…"


# Parts of a message that differ between occurrences of the same problem: backquoted values,
# hex/base64-ish ids, numbers.
VOLATILE = [
    (re.compile(r"`[^`]*`"), "`…`"),
    (re.compile(r"\b[0-9a-f]{16,}\b"), "<id>"),
]


def group_key(occ: "Occurrence") -> str:
    """What makes two occurrences one finding: the check's code, the response status, the
    message's first line and the schema location it names (backquoted values and long hex ids
    dropped), so random payloads of the same problem count once."""
    lines = [line.strip() for line in occ.message.splitlines() if line.strip()]
    keep = lines[:1] + [line for line in lines if line.startswith("Schema at ")]
    text = " / ".join(keep)
    for pattern, repl in VOLATILE:
        text = pattern.sub(repl, text)
    return f"{occ.code} {occ.response.split(' ', 1)[0]} {text}"


@dataclass
class Occurrence:
    provider: str
    operation: str
    operation_id: str
    check: str
    code: str
    title: str
    message: str
    request: str
    response: str
    phase: str
    mutation: str = ""

    def text(self) -> str:
        """What allowlist keys are searched in (untruncated)."""
        return (
            f"{self.message}\nmutation: {self.mutation}\nrequest: {self.request}\nresponse: {self.response}\n"
        )


@dataclass
class Finding:
    first: Occurrence
    entry: Entry | None
    count: int = 0
    phases: set[str] = field(default_factory=set)


def read_run(provider: str, ndjson: Path, ops: dict[str, str]) -> tuple[list[Occurrence], list[str]]:
    occurrences, problems = [], []
    finished = False
    for raw in ndjson.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        event = json.loads(raw)
        if "EngineFinished" in event:
            finished = True
        elif "FatalError" in event:
            problems.append(f"{provider}: fatal error: {short(json.dumps(event['FatalError']))}")
        elif "NonFatalError" in event:
            err = event["NonFatalError"]
            label = err.get("label", "")
            value = err.get("value") or {}
            occurrences.append(
                Occurrence(
                    provider,
                    label,
                    ops.get(label, label),
                    "schema_error",
                    value.get("type", "Error"),
                    value.get("type", "Error"),
                    value.get("message", ""),
                    "",
                    "",
                    err.get("phase") or "",
                )
            )
        elif "ScenarioFinished" in event:
            scenario = event["ScenarioFinished"]
            recorder = scenario.get("recorder") or {}
            interactions = recorder.get("interactions") or {}
            for case_id, checks in (recorder.get("checks") or {}).items():
                for check in checks:
                    if check.get("status") == "success":
                        continue
                    failure = (check.get("failure_info") or {}).get("failure") or {}
                    operation = failure.get("operation") or recorder.get("label", "")
                    inter = interactions.get(case_id) or {}
                    req = inter.get("request") or {}
                    resp = inter.get("response") or {}
                    case = ((recorder.get("cases") or {}).get(case_id) or {}).get("value") or {}
                    phase_data = ((case.get("meta") or {}).get("phase") or {}).get("data") or {}
                    # How a negative case broke the schema, one mutation per line in schemathesis'
                    # description; joined into one line so a key can require all of them.
                    mutation = " ; ".join(
                        line.strip().lstrip("- ")
                        for line in str(phase_data.get("description") or "").splitlines()
                        if line.strip()
                    )
                    occurrences.append(
                        Occurrence(
                            provider,
                            operation,
                            ops.get(operation, operation),
                            check.get("name", "?"),
                            failure.get("code", ""),
                            failure.get("title", check.get("status", "")),
                            failure.get("message", ""),
                            f"{req.get('method', '')} {req.get('uri', '')} {decode(req.get('body'))}".strip(),
                            f"{resp.get('status_code', '')} {decode(resp.get('content'))}".strip(),
                            scenario.get("phase", ""),
                            mutation,
                        )
                    )
    if not finished:
        problems.append(f"{provider}: the schemathesis run did not finish ({ndjson})")
    return occurrences, problems


def match(entries: list[Entry], occ: Occurrence) -> Entry | None:
    text = occ.text()
    for entry in entries:
        if (
            entry.provider == occ.provider
            and entry.operation_id in ("*", occ.operation_id)
            and entry.check == occ.check
            and entry.key.search(text)
        ):
            return entry
    return None


def cmd_report(args) -> int:
    try:
        entries = load_allowlist(Path(args.allowlist))
    except (OSError, ValueError) as e:
        print(f"schemathesis allowlist: {e}", file=sys.stderr)
        return 2
    findings: dict[tuple, Finding] = {}
    problems: list[str] = []
    for run in args.run:
        provider, ndjson, spec = run.split("=", 2)
        path = Path(ndjson)
        if not path.exists():
            problems.append(f"{provider}: no NDJSON report at {path}")
            continue
        ops = spec_operations(load_yaml(Path(spec)))
        occurrences, run_problems = read_run(provider, path, ops)
        problems += run_problems
        for occ in occurrences:
            entry = match(entries, occ)
            key = (occ.provider, occ.operation_id, occ.check, group_key(occ), entry.line_no if entry else None)
            finding = findings.setdefault(key, Finding(occ, entry))
            finding.count += 1
            finding.phases.add(occ.phase)
            if entry:
                entry.hits += 1

    allowed = [f for f in findings.values() if f.entry]
    failing = [f for f in findings.values() if not f.entry]
    for title, group in (("allowlisted", allowed), ("NOT allowlisted", failing)):
        if not group:
            continue
        print(f"\n== schemathesis findings, {title}: {len(group)}")
        for f in sorted(group, key=lambda f: (f.first.provider, f.first.operation_id, f.first.check)):
            o = f.first
            print(f"- {o.provider} {o.operation_id} ({o.operation}) {o.check} [{o.code}] x{f.count} in {','.join(sorted(f.phases))}")
            lines = [line for line in o.message.splitlines() if line.strip()]
            shown = lines[:3] + [line for line in lines[3:] if line.startswith("Schema at ")]
            for line in shown:
                print(f"    {line.rstrip()}")
            if o.mutation and o.check == "negative_data_rejection":
                print(f"    mutation: {short(o.mutation)}")
            if o.request:
                print(f"    request:  {short(o.request)}")
            if o.response:
                print(f"    response: {short(o.response)}")
            if f.entry:
                print(f"    allowlisted by line {f.entry.line_no}: {f.entry.reason} ({f.entry.source})")
    ran = {run.split("=", 1)[0] for run in args.run}
    unused = [e for e in entries if e.hits == 0 and e.provider in ran]
    if unused:
        print(f"\n== allowlist lines that matched nothing this run (bounded random runs need not hit every one): {len(unused)}")
        for e in unused:
            print(f"- line {e.line_no}: {e.provider} {e.operation_id} {e.check} {e.key.pattern}")
    for problem in problems:
        print(f"!!! {problem}")
    print(f"\nschemathesis: {len(findings)} findings, {len(allowed)} allowlisted")
    return 1 if failing or problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    ops = sub.add_parser("ops")
    ops.add_argument("--spec", required=True)
    ops.add_argument("--seeds", required=True)
    report = sub.add_parser("report")
    report.add_argument("--allowlist", required=True)
    report.add_argument("--run", action="append", default=[], help="PROVIDER=NDJSON=SPEC")
    args = parser.parse_args()
    return cmd_ops(args) if args.cmd == "ops" else cmd_report(args)


if __name__ == "__main__":
    sys.exit(main())
