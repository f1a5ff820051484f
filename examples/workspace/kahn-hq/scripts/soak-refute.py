#!/usr/bin/env python3
"""Soak refutation check for kahn read endpoints.

Drives an endpoint (B3 by default: GET /v1/runs) as one tenant for a while and
tries to *refute* the gate: any row from another org, any 5xx, or p95 over the
budget means the gate is missed. Prints `gate-met` or `gate-missed` as the last
line and exits 0 / 1 accordingly.

    scripts/soak-refute.py --tenant service:kahn-internal --org org_01HX... \
        --base-url https://staging.kahn.dev --duration 300
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.error
import urllib.request

ENDPOINTS = {"B3": "/v1/runs"}


def fetch(base: str, path: str, token: str, tenant: str, cursor: str | None) -> tuple[int, dict, float]:
    url = f"{base}{path}?limit=200" + (f"&cursor={cursor}" if cursor else "")
    req = urllib.request.Request(url, headers={
        "Authorization": f"Bearer {token}",
        "Kahn-Tenant": tenant,
        "Accept": "application/json",
    })
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = json.load(resp)
            status = resp.status
    except urllib.error.HTTPError as err:
        body, status = {}, err.code
    return status, body, (time.perf_counter() - start) * 1000.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tenant", required=True, help="e.g. service:kahn-internal")
    ap.add_argument("--org", required=True, help="org id the tenant acts for")
    ap.add_argument("--endpoint", default="B3", choices=sorted(ENDPOINTS))
    ap.add_argument("--base-url", default=os.environ.get("KAHN_BASE_URL", "http://127.0.0.1:8080"))
    ap.add_argument("--duration", type=int, default=120, help="seconds")
    ap.add_argument("--p95-budget-ms", type=float, default=60.0)
    args = ap.parse_args()

    token = os.environ.get("KAHN_SOAK_TOKEN")
    if not token:
        print("KAHN_SOAK_TOKEN is not set", file=sys.stderr)
        return 2

    path = ENDPOINTS[args.endpoint]
    latencies: list[float] = []
    refutations: list[str] = []
    cursor = None
    deadline = time.monotonic() + args.duration

    while time.monotonic() < deadline:
        status, body, ms = fetch(args.base_url, path, token, args.tenant, cursor)
        latencies.append(ms)
        if status >= 500:
            refutations.append(f"http {status}")
        for row in body.get("data", []):
            if row.get("org_id", args.org) != args.org:
                refutations.append(f"foreign row {row.get('id')} org={row.get('org_id')}")
        cursor = body.get("next_cursor")

    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 20 else max(latencies, default=0.0)
    if p95 > args.p95_budget_ms:
        refutations.append(f"p95 {p95:.1f} ms > {args.p95_budget_ms:.1f} ms")

    print(f"tenant={args.tenant} endpoint={args.endpoint} requests={len(latencies)} p95_ms={p95:.1f}")
    for r in refutations[:20]:
        print(f"refuted: {r}")
    print("gate-missed" if refutations else "gate-met")
    return 1 if refutations else 0


if __name__ == "__main__":
    sys.exit(main())
