#!/usr/bin/env python3
"""Regenerate CLAUDE.md (a projection, MR-12) from the governance docs.

Reads docs/meta-rules.md, docs/roadmap.md and the spec headings, writes the
projection to stdout. Run via `make -C backend claude-md`.
"""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
RULE = re.compile(r"^(?:[-*]\s+|#{1,6}\s+)(?:\*\*)?(MR-\d+)(?:\*\*)?\s*[-–—:]\s*(.+)$")
PHASE = re.compile(r"^#{1,6}\s+(Phase-\d+)\b(.*)$")


def main() -> None:
    rules = []
    for line in (ROOT / "docs/meta-rules.md").read_text(encoding="utf-8").splitlines():
        m = RULE.match(line.strip())
        if m:
            rules.append((m.group(1), m.group(2).strip()))

    phase, status, open_ms = None, None, []
    lines = (ROOT / "docs/roadmap.md").read_text(encoding="utf-8").splitlines()
    for line in lines:
        m = PHASE.match(line)
        if m:
            phase, status = m.group(1) + m.group(2), None
        elif line.startswith("Status:") and status is None:
            status = line.split(":", 1)[1].strip()
        elif line.startswith("- [ ] "):
            open_ms.append(line[6:].strip())

    specs = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs/spec").glob("*.md"))

    out = [
        "<!-- GENERATED FILE: do not edit. Regenerate with `make -C backend claude-md`. -->",
        "<!-- Sources: docs/meta-rules.md, docs/roadmap.md, docs/spec/ -->",
        "",
        "# CLAUDE.md — agent instructions for kahn",
        "",
        "This file is a generated projection of the governance docs under `docs/`. Do not",
        "edit it by hand: change the source document and regenerate. Direct edits are",
        "refused by petrova's read-only guard and overwritten on the next regeneration.",
        "",
        "## Meta-rules",
        "",
        "Cite these by id in every proposal.",
        "",
    ]
    out += [f"- {rid} — {text}" for rid, text in rules]
    out += ["", "## Where things stand", ""]
    out += [f"- Current phase: {phase} (status: {status})."]
    out += [f"- Open milestone: {ms}" for ms in open_ms]
    out += ["", "## Specs", ""]
    out += [f"- `{s}`" for s in specs]
    out += [
        "",
        "## Useful commands",
        "",
        "- `make -C backend integration` — throwaway Postgres, all migrations, audit-rls",
        "- `scripts/soak-refute.py --tenant service:kahn-internal --org <org id>` — soak gate",
        "",
    ]
    print("\n".join(out), end="")


if __name__ == "__main__":
    main()
