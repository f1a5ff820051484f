// Measures the wasm build in Node on the same work as cli/benches/diagnose.rs:
// instantiation, diagnose over the synthetic repository (1-week window and full
// history, read from disk), and validate + render of the example plan in memory.
// Prints `BENCH key=value` lines; scripts/bench turns them into ratios.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fsCheckout } from '../src/checkout.mjs';

/** The named files and every file of the named folders, as `{path → bytes}`. */
function readFiles(base, files, dirs) {
  const bytes = new Map();
  for (const file of files) bytes.set(file, new Uint8Array(readFileSync(path.join(base, file))));
  for (const dir of dirs) {
    for (const n of readdirSync(path.join(base, dir))) bytes.set(`${dir}/${n}`, new Uint8Array(readFileSync(path.join(base, dir, n))));
  }
  return bytes;
}

/** A checkout served from `{path → bytes}` in memory, with folder listings derived from the paths. */
function heldCheckout(bytes) {
  const dirs = new Map();
  for (const p of bytes.keys()) {
    const parts = p.split('/');
    for (let i = 0; i < parts.length; i += 1) {
      const dir = parts.slice(0, i).join('/');
      const entry = `${i + 1 < parts.length ? 'd' : 'f'}${parts[i]}\0`;
      if (!dirs.has(dir)) dirs.set(dir, new Set());
      dirs.get(dir).add(entry);
    }
  }
  // Core's listing wire format: kind byte, name bytes, NUL.
  const listings = new Map([...dirs].map(([d, set]) => [d, new TextEncoder().encode([...set].join(''))]));
  return {
    list: (dir) => listings.get(dir.replace(/\/$/, '')) ?? null,
    read: (p) => bytes.get(p) ?? null,
    kind: (p) => (bytes.has(p) ? 'file' : listings.has(p) ? 'dir' : null),
  };
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// PETROVA_WASM_DIST measures another build of the bindings (default: action/dist).
const dist = path.resolve(process.env.PETROVA_WASM_DIST ?? path.join(root, 'action/dist'));
const { initSync, diagnose, diagnoseFiles, prepare, prepareFiles } = await import(path.join(dist, 'petrova.js'));
const t0 = performance.now();
initSync({ module: readFileSync(path.join(dist, 'petrova_bg.wasm')) });
console.log(`BENCH wasm_instantiate_ms=${(performance.now() - t0).toFixed(3)}`);

const median = (runs, f) => {
  const times = [];
  for (let i = 0; i < runs; i += 1) {
    const s = performance.now();
    f();
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
};

const synthetic = process.argv[2];
if (synthetic) {
  const registry = {
    source: '- slug: synthetic\n  url: https://github.com/o/synthetic\n  default_branch: main\n  role: sandbox\n  profile: standard\n  fleets_allowed: []\n  added: "2026-01-01"\n',
    path: 'registry.yaml',
  };
  const checkout = fsCheckout(synthetic);
  const req = (since, until) =>
    JSON.stringify({ registry, target: { slug: 'synthetic' }, since, until, scanned_at: '2026-04-29T00:00:00Z', head: null });
  const week = req('2026-04-22', '2026-04-28');
  const full = req('1900-01-01', null);
  console.log(`BENCH wasm_diagnose_week_ms=${median(21, () => diagnose(week, checkout)).toFixed(3)}`);
  console.log(`BENCH wasm_diagnose_full_ms=${median(5, () => diagnose(full, checkout)).toFixed(3)}`);
  // The same repository held in memory (as the native in-memory figures are):
  // what the wasm core costs without Node's filesystem calls.
  const memory = heldCheckout(readFiles(synthetic, ['.petrova.yml', 'docs/meta-rules.md', 'docs/roadmap.md'], ['docs/decisions', 'docs/findings']));
  console.log(`BENCH wasm_diagnose_week_memory_ms=${median(21, () => diagnose(week, memory)).toFixed(3)}`);
  console.log(`BENCH wasm_diagnose_full_memory_ms=${median(7, () => diagnose(full, memory)).toFixed(3)}`);
}

const ws = path.join(root, 'examples/workspace');
const files = {};
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else files[path.relative(path.join(ws, 'kahn-hq'), full)] = readFileSync(full, 'utf8');
  }
};
walk(path.join(ws, 'kahn-hq'));
const registry = { source: readFileSync(path.join(ws, 'registry.yaml'), 'utf8'), path: 'registry.yaml' };
const target = { slug: 'kahn-hq' };
const diag = diagnoseFiles(
  JSON.stringify({ registry, target, since: '2026-04-22', until: null, scanned_at: '2026-04-29T14:30:00Z', head: null }),
  files,
);
const id = JSON.parse(diag).result.diagnosis_id;
const request = JSON.stringify({
  registry,
  target,
  actor: 'fleet:kahn-implementer',
  triggered_by_kind: 'audit_fail',
  triggered_by_ref: 'ci-run-12345',
  allow_stale: false,
  now: '2026-04-29T14:32:18Z',
});
// As main.mjs calls it: the plan file's bytes beside the request.
const planBytes = readFileSync(path.join(ws, 'fix.json'));
const diagnoses = JSON.stringify({ [id]: diag });
const runs = 2000;
const start = performance.now();
for (let i = 0; i < runs; i += 1) {
  const p = prepareFiles(request, planBytes, files, diagnoses);
  p.dryRunJson();
  p.free();
}
console.log(`BENCH wasm_prepare_files_us=${(((performance.now() - start) * 1000) / runs).toFixed(1)}`);

// The same with the checkout and the diagnosis held in memory and served by
// callbacks, as the native figure is measured (no JSON of the whole tree per call).
const encoder = new TextEncoder();
const checkoutFiles = Object.keys(files);
const held = heldCheckout(new Map(Object.entries(files).map(([p, t]) => [p, encoder.encode(t)])));
const diagBytes = encoder.encode(diag);
const load = (rel) => (rel.endsWith(`${id}.json`) ? diagBytes : null);
const start2 = performance.now();
for (let i = 0; i < runs; i += 1) {
  const p = prepare(request, planBytes, held, load);
  p.dryRunJson();
  p.free();
}
console.log(`BENCH wasm_prepare_us=${(((performance.now() - start2) * 1000) / runs).toFixed(1)} (${checkoutFiles.length} files)`);
