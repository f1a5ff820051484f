// The hostile-input corpus of tests/corpus/ through the wasm build, for every
// case whose input the Action can receive. tests/tests/e2e/hostile_corpus.rs is the
// reference: the sidecar format, the directives and the generators are ported
// from it, and each folder is checked the way it checks the native build.
//
// | folder | the Action receives it as | checked through |
// |---|---|---|
// | plans/ | the plan file (`input`) | `prepare` over fsCheckout and the diagnosis cache, as main.mjs calls it; a sample also through `node action/src/main.mjs` |
// | registries/ | the registry file (`registry`) | `diagnose` and `prepare`: the error's code, exit code and `registry.yaml:LINE` |
// | petrova-yml/, docs/ | files of the checkout | `diagnose`: the warnings; `propose=` directives through `prepare` |
// | bodies/ | an existing pull request's body (apply reads it back) | `parseMetadata` and `renderHtml` |
//
// Every case must end in petrova's answer or in a petrova error (an Error with
// `code` and `exitCode`); anything else (a wasm trap, `unreachable`) fails the
// case by name. The process's resident memory is sampled after every case and
// must stay under MEMORY_LIMIT_BYTES, the bound the Rust runner sets with
// `prlimit --as`; so must the peak RSS of every main.mjs run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fsCheckout } from '../src/checkout.mjs';
import { parseOutputs, runProcess } from '../test-support.mjs';
import { initSync, diagnose, diagnosisCachePaths, diagnosisCacheText, parseMetadata, prepare, registrySource as registrySourceOf, renderHtml } from '../dist/petrova.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const wasm = initSync({ module: readFileSync(path.join(root, 'action/dist/petrova_bg.wasm')) });
const mainScript = process.env.PETROVA_ACTION_MAIN || path.join(root, 'action/src/main.mjs');
const corpusDir = path.join(root, 'tests/corpus');
const example = path.join(root, 'examples/workspace');

/** The memory bound of every case, the Rust runner's MEMORY_LIMIT_BYTES (1 GiB). Measured as resident set size. */
const MEMORY_LIMIT_BYTES = 2 ** 30;
const WAIT_MS = 30_000; // a main.mjs run (the 16 MiB plan included) is killed after this
/** The window and clock of every diagnosis and proposal (the Rust runner's SINCE and NOW). */
const SINCE = '2026-04-22';
const NOW = '2026-04-29T14:30:00Z';
const SLUG = 'kahn-hq';
const TRIGGER = { actor: 'fleet:kahn-implementer', kind: 'audit_fail', ref: 'ci-run-12345' };
/** main.mjs's limit settings when the step sets no PETROVA_MAX_* variable: core's defaults. */
const LIMITS = {}; // the operator's environment: no size limits set

const scratch = mkdtempSync(path.join(tmpdir(), 'petrova-hostile-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/**
 * Cases where the Action's outcome differs from the sidecar (the native CLI's),
 * by name, with why. Each such case still runs: it is reported as a TODO while
 * it disagrees exactly as described, and fails once it agrees (remove it here
 * then). Empty when the builds agree on the whole corpus.
 */
const KNOWN_DISAGREEMENTS = {
  // None: plans/005 (not UTF-8) and registries/017 (not UTF-8) agree since the
  // Action hands core the bytes of the plan and of the registry.
};

// ---------------------------------------------------------------- the corpus on disk

/** `key=value` with a lower-case key (as hostile_corpus.rs `directive`). */
function directive(line) {
  const eq = line.indexOf('=');
  if (eq < 0) return null;
  const key = line.slice(0, eq);
  return /^[a-z_]*$/.test(key) ? [key, line.slice(eq + 1)] : null;
}

/** `\n`, `\r`, `\t`, `\\` and `\u{HEX}` in directive values. */
function unescape(s) {
  let out = '';
  for (let i = 0; i < s.length; i += 1) {
    if (s[i] !== '\\') {
      out += s[i];
      continue;
    }
    i += 1;
    if (i >= s.length) {
      out += '\\';
    } else if (s[i] === 'n') out += '\n';
    else if (s[i] === 'r') out += '\r';
    else if (s[i] === 't') out += '\t';
    else if (s[i] === 'u') {
      while (s[i + 1] === '{') i += 1;
      const end = s.indexOf('}', i + 1);
      const hex = s.slice(i + 1, end < 0 ? s.length : end);
      out += String.fromCodePoint(parseInt(hex, 16));
      i = end < 0 ? s.length : end;
    } else out += s[i];
  }
  return out;
}

/** Inputs too big to commit, built from `KIND N` (as hostile_corpus.rs `generate`). */
function generate(spec) {
  const [kind, count] = spec.split(' ');
  const n = Number(count.trim());
  assert.ok(Number.isInteger(n) && n > 0, `generate=${spec}`);
  const lines = (f) => {
    const parts = [];
    for (let i = 1; i <= n; i += 1) parts.push(f(i));
    return Buffer.from(parts.join(''));
  };
  switch (kind) {
    case 'single-line':
      return Buffer.alloc(n, 'a');
    case 'quotes':
      return Buffer.from(`${'>'.repeat(n)} x\n`);
    case 'dashes':
      return Buffer.from(`${'- '.repeat(n)}x\n`);
    case 'indented-list':
      return lines((i) => `${'  '.repeat(i - 1)}- level ${i}\n`);
    case 'brackets':
      return Buffer.from('['.repeat(n));
    case 'stars':
      return Buffer.from('*a'.repeat(n));
    case 'backticks':
      return Buffer.from('`a'.repeat(n));
    case 'headings':
      return lines(() => '# a\n');
    case 'meta-rules':
      return lines((i) => `- MR-${i}: r\n`);
    case 'milestones':
      return Buffer.concat([Buffer.from('## Phase-1\n\nStatus: open\n\n'), lines((i) => `- [ ] M${i}.1\n`)]);
    case 'deep-arrays':
      return Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`);
    case 'plan-rationale': {
      const plan = JSON.parse(readFileSync(path.join(example, 'fix.json'), 'utf8'));
      plan.diagnosis_id = '@DIAGNOSIS_ID@';
      plan.rationale = 'x'.repeat(n);
      return Buffer.from(JSON.stringify(plan));
    }
    case 'filler':
      return lines((i) => `line ${i} of filler text\n`);
    default:
      throw new Error(`unknown generator ${kind}`);
  }
}

/** Every case of one folder, sorted by name: `{ name, stem, data, directives, records }`. */
function cases(kind) {
  const dir = path.join(corpusDir, kind);
  const names = readdirSync(dir).sort();
  const out = [];
  for (const expect of names.filter((n) => n.endsWith('.expect'))) {
    const stem = expect.slice(0, -'.expect'.length);
    const data = names.filter((n) => path.extname(n) !== '' && !n.endsWith('.expect') && path.parse(n).name === stem);
    assert.ok(data.length <= 1, `${kind}/${stem}: several data files ${data}`);
    const directives = [];
    const records = [];
    for (const raw of readFileSync(path.join(dir, expect), 'utf8').split('\n')) {
      const line = raw.replace(/\r$/, '').trimEnd();
      if (line.trim() === '' || line.startsWith('#')) continue;
      const d = directive(line);
      if (d) directives.push([d[0], unescape(d[1])]);
      else records.push(line.trim());
    }
    const c = {
      name: `${kind}/${stem}`,
      stem,
      data: data.length ? path.join(dir, data[0]) : null,
      directives,
      records,
      get: (key) => directives.find(([k]) => k === key)?.[1],
      all: (key) => directives.filter(([k]) => k === key).map(([, v]) => v),
    };
    assert.ok(c.data || c.get('generate'), `${c.name}: neither a data file nor generate=`);
    out.push(c);
  }
  return out;
}

function caseExit(c) {
  const exit = c.get('exit');
  assert.ok(exit !== undefined, `${c.name}: no exit= directive`);
  return Number(exit);
}

/** The data file's bytes, then the generated input. */
function caseBytes(c) {
  const parts = [];
  if (c.data) parts.push(readFileSync(c.data));
  if (c.get('generate')) parts.push(generate(c.get('generate')));
  return Buffer.concat(parts);
}

function replaceAll(bytes, needle, value) {
  const n = Buffer.from(needle);
  const parts = [];
  let from = 0;
  for (let at = bytes.indexOf(n); at >= 0; at = bytes.indexOf(n, from)) {
    parts.push(bytes.subarray(from, at), Buffer.from(value));
    from = at + n.length;
  }
  parts.push(bytes.subarray(from));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------- sandboxes

/**
 * A copy of examples/workspace as the Rust runner's Sandbox lays it out:
 * ROOT/ws/registry.yaml, ROOT/ws/kahn-hq (the checkout: the Action's
 * workspace, holding the Action's petrova-registry.yaml and .plans/), and ROOT/runner-temp (RUNNER_TEMP; main.mjs caches
 * diagnoses under RUNNER_TEMP/petrova/diagnoses).
 */
function sandbox(name) {
  const dir = path.join(scratch, name);
  const sb = {
    root: dir,
    ws: path.join(dir, 'ws'),
    checkout: path.join(dir, 'ws', SLUG),
    // The Action reads its registry and plans inside the workspace (the checkout).
    registry: path.join(dir, 'ws', SLUG, 'petrova-registry.yaml'),
    plans: path.join(dir, 'ws', SLUG, '.plans'),
    runnerTemp: path.join(dir, 'runner-temp'),
  };
  cpSync(example, sb.ws, { recursive: true, verbatimSymlinks: true });
  cpSync(path.join(sb.ws, 'registry.yaml'), sb.registry);
  mkdirSync(sb.plans, { recursive: true });
  mkdirSync(sb.runnerTemp, { recursive: true });
  sb.store = path.join(sb.runnerTemp, 'petrova', 'diagnoses');
  sb.file = (rel) => path.join(sb.checkout, rel);
  return sb;
}

/** The registry as main.mjs reads it (its bytes, decoded by core), named as the CLI names it. */
const registrySource = (sb) => JSON.parse(registrySourceOf(readFileSync(sb.registry), 'registry.yaml'));

/** `diagnose SLUG --since SINCE` through wasm, cached as main.mjs caches it; returns the output. */
function diagnoseInto(sb, slug = SLUG) {
  const request = { registry: registrySource(sb), target: { slug, repository: null }, since: SINCE, until: null, scanned_at: NOW, head: null, env: LIMITS, frontend: 'action' };
  const json = diagnose(JSON.stringify(request), fsCheckout(path.join(sb.ws, slug)));
  const output = JSON.parse(json);
  for (const rel of JSON.parse(diagnosisCachePaths(output.target_repo, output.result.diagnosis_id))) {
    const file = path.join(sb.store, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, diagnosisCacheText(json));
  }
  return output;
}

/** `propose_fix` (dry run) through wasm, as main.mjs runs it: the plan file's bytes go to core. */
function proposeWasm(sb, planPath, trigger, annotationFile) {
  const request = {
    registry: registrySource(sb),
    target: { slug: SLUG, repository: null },
    actor: trigger.actor,
    triggered_by_kind: trigger.kind,
    triggered_by_ref: trigger.ref,
    allow_stale: false,
    now: NOW,
    env: LIMITS, frontend: 'action',
  };
  const load = (rel) => {
    try {
      return new Uint8Array(readFileSync(path.join(sb.store, rel)));
    } catch {
      return null;
    }
  };
  const prepared = prepare(JSON.stringify(request), readFileSync(planPath), fsCheckout(sb.checkout), load);
  try {
    return { ok: prepared.ok, output: JSON.parse(prepared.dryRunJson()), annotations: JSON.parse(prepared.annotations(annotationFile)) };
  } finally {
    prepared.free();
  }
}

/** Writes `bytes` at `rel` of the checkout; returns what puts the checkout back. */
function place(sb, rel, bytes) {
  const full = sb.file(rel);
  let created = null;
  for (let dir = path.dirname(full); !existsSync(dir); dir = path.dirname(dir)) created = dir;
  const original = lstatOrNull(full)?.isFile() ? readFileSync(full) : null;
  assert.ok(original !== null || lstatOrNull(full) === null, `${rel} is not a file of the checkout`);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, bytes);
  return () => {
    if (created) rmSync(created, { recursive: true, force: true });
    else if (original === null) rmSync(full, { force: true });
    else writeFileSync(full, original);
  };
}

function placeSymlink(sb, rel, target) {
  const full = sb.file(rel);
  let created = null;
  for (let dir = path.dirname(full); !existsSync(dir); dir = path.dirname(dir)) created = dir;
  mkdirSync(path.dirname(full), { recursive: true });
  symlinkSync(target.replaceAll('@ROOT@', sb.root), full);
  return () => rmSync(created ?? full, { recursive: true, force: true });
}

function lstatOrNull(p) {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

/** Every entry under `dir`: path → 'dir' | 'link:TARGET' | the file's bytes. */
function treeState(dir, prefix = '', out = new Map()) {
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    const full = path.join(dir, rel);
    if (entry.isSymbolicLink()) out.set(rel, `link:${readlinkSync(full)}`);
    else if (entry.isDirectory()) {
      out.set(rel, 'dir');
      treeState(dir, rel, out);
    } else out.set(rel, readFileSync(full));
  }
  return out;
}

function treeDiff(before, after) {
  const diff = [];
  const same = (a, b) => (Buffer.isBuffer(a) && Buffer.isBuffer(b) ? a.equals(b) : a === b);
  for (const rel of after.keys()) if (!before.has(rel)) diff.push(`+ ${rel}`);
  for (const [rel, v] of before) {
    if (!after.has(rel)) diff.push(`- ${rel}`);
    else if (!same(v, after.get(rel))) diff.push(`~ ${rel}`);
  }
  return diff;
}

// ---------------------------------------------------------------- running a case

const isPetrovaError = (e) => e instanceof Error && typeof e.code === 'string' && typeof e.exitCode === 'number';

/** Memory figures: the peak RSS sampled after a case, and which case it was. */
const memory = { peakRss: 0, peakCase: null, byFolder: {} };
function sampleMemory(folder, name) {
  const { rss } = process.memoryUsage();
  const f = (memory.byFolder[folder] ??= { peakRss: 0, peakCase: null, wasmMemory: 0 });
  if (rss > f.peakRss) Object.assign(f, { peakRss: rss, peakCase: name });
  f.wasmMemory = Math.max(f.wasmMemory, wasm.memory.buffer.byteLength);
  if (rss > memory.peakRss) Object.assign(memory, { peakRss: rss, peakCase: name });
  return rss;
}
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * Runs the cases of one folder as subtests. `check(case)` returns the list of
 * mismatches with the sidecar (empty: agreed) and throws only on a harness
 * error; an exception that is not a petrova error (a wasm trap) fails the case.
 */
async function runFolder(t, folder, min, check) {
  const all = cases(folder);
  assert.ok(all.length >= min, `${folder}: ${all.length} cases, expected at least ${min}`);
  const started = Date.now();
  const slow = [];
  for (const [index, c] of all.entries()) {
    await t.test(c.stem, async (st) => {
      const caseStarted = Date.now();
      let problems;
      try {
        problems = await check(c, index, st);
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        const trap = e instanceof WebAssembly.RuntimeError ? ' (a wasm trap)' : '';
        throw new Error(`${c.name}: a non-petrova exception${trap}: ${e?.stack ?? e}`);
      }
      const ms = Date.now() - caseStarted;
      if (ms > 500) slow.push(`${c.stem} ${ms} ms`);
      const rss = sampleMemory(folder, c.name);
      assert.ok(rss < MEMORY_LIMIT_BYTES, `${c.name}: resident memory ${mib(rss)} over the ${mib(MEMORY_LIMIT_BYTES)} bound`);
      if (problems === 'skipped') return;
      const known = KNOWN_DISAGREEMENTS[c.name];
      if (known) {
        assert.ok(problems.length > 0, `${c.name} now agrees with its sidecar: remove it from KNOWN_DISAGREEMENTS`);
        st.todo(`${known} — got: ${problems.join('; ')}`);
        return;
      }
      assert.deepEqual(problems, [], `${c.name}:\n    ${problems.join('\n    ')}`);
    });
  }
  const f = memory.byFolder[folder];
  t.diagnostic(`${folder}: ${all.length} cases in ${Date.now() - started} ms; peak RSS ${mib(f.peakRss)} after ${f.peakCase}; wasm memory ${mib(f.wasmMemory)}`);
  if (slow.length) t.diagnostic(`${folder}: slow cases: ${slow.join(', ')}`);
}

const sorted = (pairs) => pairs.map((p) => JSON.stringify(p)).sort();
const multisetProblems = (got, want, what) => {
  const g = sorted(got);
  const w = sorted(want);
  return JSON.stringify(g) === JSON.stringify(w) ? [] : [`${what}\n      got  ${g.join(' ')}\n      want ${w.join(' ')}`];
};

// ---------------------------------------------------------------- plans

/** A sample of plan cases also runs through `node action/src/main.mjs`: every 10th, every generated one and every known disagreement. */
const endToEnd = (c, index) => index % 10 === 0 || c.get('generate') !== undefined || c.name in KNOWN_DISAGREEMENTS;

// A preload for main.mjs runs: any fetch is refused and counted, and the peak
// RSS and the request count are written at exit.
const probe = path.join(scratch, 'probe.mjs');
writeFileSync(
  probe,
  `import { writeFileSync } from 'node:fs';
let requests = 0;
globalThis.fetch = async () => { requests += 1; throw new Error('the hostile corpus sends no request'); };
process.on('exit', () => writeFileSync(process.env.PETROVA_TEST_PROBE, JSON.stringify({ requests, maxRssBytes: process.resourceUsage().maxRSS * 1024 })));
`,
);
const children = { runs: 0, peakRss: 0, peakCase: null };

/** Runs `node action/src/main.mjs` as a runner step, dry run, no token, no reachable API. */
async function runAction(sb, name, inputs) {
  const stepDir = mkdtempSync(path.join(scratch, 'step-'));
  const outputFile = path.join(stepDir, 'github-output');
  const summaryFile = path.join(stepDir, 'step-summary');
  const probeFile = path.join(stepDir, 'probe.json');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env = {
    PATH: process.env.PATH,
    HOME: stepDir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'kahn-hq/kahn',
    GITHUB_WORKSPACE: sb.checkout,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_API_URL: 'http://127.0.0.1:9',
    RUNNER_TEMP: sb.runnerTemp,
    PETROVA_NOW: NOW,
    PETROVA_TEST_PROBE: probeFile,
  };
  const all = { target: SLUG, registry: path.relative(sb.checkout, sb.registry), since: '', until: '', input: '', actor: '', 'triggered-by-kind': '', 'triggered-by-ref': '', 'allow-stale': 'false', filter: '', apply: 'false', token: '', workspace: sb.checkout, ...inputs };
  for (const [k, v] of Object.entries(all)) env[`INPUT_${k.toUpperCase().replace(/[- ]/g, '_')}`] = v;
  const { code, stdout, stderr } = await runProcess(process.execPath, ['--import', pathToFileURL(probe).href, mainScript], {
    cwd: sb.checkout,
    env,
    timeoutMs: WAIT_MS,
    what: `${name}: main.mjs`,
  });
  const outputs = parseOutputs(readFileSync(outputFile, 'utf8'));
  const measured = existsSync(probeFile) ? JSON.parse(readFileSync(probeFile, 'utf8')) : { requests: null, maxRssBytes: null };
  children.runs += 1;
  if (measured.maxRssBytes > children.peakRss) Object.assign(children, { peakRss: measured.maxRssBytes, peakCase: name });
  rmSync(stepDir, { recursive: true, force: true });
  return { code, stdout, stderr, outputs, ...measured };
}

/** The setup directives (applied before the diagnosis), as hostile_corpus.rs `setup`. */
function setup(c, sb, folder) {
  if (c.get('registry')) cpSync(path.join(corpusDir, folder, c.get('registry')), sb.registry);
  for (const spec of c.all('file')) {
    const at = spec.indexOf(' ');
    place(sb, spec.slice(0, at), spec.slice(at + 1));
  }
  for (const spec of c.all('symlink')) {
    const at = spec.indexOf(' ');
    placeSymlink(sb, spec.slice(0, at), spec.slice(at + 1));
  }
  if (c.get('other_repo')) {
    writeFileSync(
      sb.registry,
      `${readFileSync(sb.registry, 'utf8')}- slug: other-repo\n  url: https://github.com/kahn-hq/other\n  default_branch: main\n  role: sandbox\n  profile: standard\n  fleets_allowed: [kahn-implementer]\n  added: "2026-04-29"\n`,
    );
    const other = path.join(sb.ws, 'other-repo', 'docs');
    mkdirSync(other, { recursive: true });
    writeFileSync(path.join(other, 'meta-rules.md'), '- MR-1 — one rule\n');
    writeFileSync(path.join(other, 'roadmap.md'), '## Phase-1\n\nStatus: open\n');
  }
}

// The directives each runner understands; any other directive skips its case visibly.
const PLAN_DIRECTIVES = new Set(['exit', 'actor', 'kind', 'ref', 'registry', 'file', 'symlink', 'other_repo', 'append_after_diagnose', 'corrupt_cache', 'generate']);
const SETUP_DIRECTIVES = ['registry', 'file', 'symlink', 'other_repo', 'append_after_diagnose', 'corrupt_cache'];

function skipUnknownDirectives(c, known, st) {
  const unknown = c.directives.map(([k]) => k).filter((k) => !known.has(k));
  if (unknown.length === 0) return false;
  st.skip(`${c.name}: directive ${[...new Set(unknown)].join(', ')} has no Action equivalent in this runner`);
  return true;
}

test('plans: every corpus plan is refused through wasm with exactly its problems; a sample through main.mjs', async (t) => {
  const shared = sandbox('plans-shared');
  const sharedId = diagnoseInto(shared).result.diagnosis_id;
  // main.mjs's own diagnose step gives the same diagnosis and cache, byte for byte.
  const before = treeState(shared.root);
  const step = await runAction(shared, 'diagnose', { command: 'diagnose', since: SINCE });
  assert.equal(step.code, 0, step.stdout + step.stderr);
  assert.equal(step.outputs['diagnosis-id'], sharedId);
  assert.deepEqual(treeDiff(before, treeState(shared.root)), [], 'main.mjs diagnose rewrote the cache differently');

  await runFolder(t, 'plans', 50, async (c, index, st) => {
    if (skipUnknownDirectives(c, PLAN_DIRECTIVES, st)) return 'skipped';
    const own = SETUP_DIRECTIVES.some((k) => c.get(k) !== undefined);
    const sb = own ? sandbox(`plan-${c.stem}`) : shared;
    let id = sharedId;
    let otherId = '';
    if (own) {
      setup(c, sb, 'plans');
      id = diagnoseInto(sb).result.diagnosis_id;
      if (c.get('other_repo')) otherId = diagnoseInto(sb, 'other-repo').result.diagnosis_id;
      for (const spec of c.all('append_after_diagnose')) {
        const at = spec.indexOf(' ');
        const file = sb.file(spec.slice(0, at));
        writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from(spec.slice(at + 1))]));
      }
      if (c.get('corrupt_cache')) {
        const corrupt = (dir) => {
          for (const e of readdirSync(dir, { withFileTypes: true })) {
            if (e.isDirectory()) corrupt(path.join(dir, e.name));
            else writeFileSync(path.join(dir, e.name), '{"verb": "diagnose", "target_repo": ');
          }
        };
        corrupt(sb.store);
      }
    }
    const planPath = path.join(sb.plans, `${c.stem}.json`);
    writeFileSync(planPath, replaceAll(replaceAll(caseBytes(c), '@DIAGNOSIS_ID@', id), '@OTHER_DIAGNOSIS_ID@', otherId));
    const trigger = { actor: c.get('actor') ?? TRIGGER.actor, kind: c.get('kind') ?? TRIGGER.kind, ref: c.get('ref') ?? TRIGGER.ref };
    const want = c.records.map((r) => {
      const at = r.indexOf(' ');
      return at < 0 ? [r, ''] : [r.slice(0, at), r.slice(at + 1).trim()];
    });
    const relPlan = path.relative(sb.checkout, planPath); // what main.mjs names in its annotations
    const errors = [];

    let answer;
    try {
      answer = proposeWasm(sb, planPath, trigger, relPlan);
    } catch (e) {
      if (!isPetrovaError(e)) throw e;
      return [`exit ${e.exitCode} [${e.code}] ${e.message} (expected exit ${caseExit(c)}, refused)`];
    }
    const { ok, output, annotations } = answer;
    const exit = ok ? 0 : 1; // main.mjs: a refused plan exits 1, a dry run 0
    if (exit !== caseExit(c)) errors.push(`exit ${exit} (outcome ${output.outcome}), expected ${caseExit(c)}`);
    if (!ok && (output.outcome !== 'refused' || output.idempotency_key != null || output.body != null)) {
      errors.push(`outcome ${output.outcome} key ${output.idempotency_key} body ${output.body == null ? null : 'set'}`);
    }
    const problems = output.problems ?? [];
    errors.push(...multisetProblems(problems.map((p) => [p.code, p.pointer ?? '<none>']), want, 'problems'));
    if (problems.some((p) => typeof p.message !== 'string' || p.message === '')) errors.push('a problem without a message');
    if (annotations.length !== problems.length) errors.push(`${annotations.length} annotations for ${problems.length} problems`);

    if (endToEnd(c, index)) {
      const snapshot = treeState(sb.root);
      const run = await runAction(sb, c.name, { command: 'propose_fix', input: relPlan, actor: trigger.actor, 'triggered-by-kind': trigger.kind, 'triggered-by-ref': trigger.ref });
      if (run.code !== caseExit(c)) errors.push(`main.mjs: exit ${run.code}, expected ${caseExit(c)}\n      stdout ${run.stdout.slice(0, 2000)}\n      stderr ${run.stderr.slice(0, 2000)}`);
      if (run.outputs.outcome !== 'refused') errors.push(`main.mjs: outcome ${run.outputs.outcome}`);
      const errorLines = run.stdout.split('\n').filter((l) => l.startsWith('::error'));
      if (errorLines.length !== want.length) errors.push(`main.mjs: ${errorLines.length} ::error annotations for ${want.length} problems`);
      if (JSON.stringify(errorLines) !== JSON.stringify(annotations)) errors.push('main.mjs: its annotations differ from the wasm call’s');
      if (/panicked|RuntimeError|unreachable/.test(run.stderr)) errors.push(`main.mjs: stderr ${run.stderr}`);
      if (run.requests !== 0) errors.push(`main.mjs: ${run.requests} requests attempted`);
      if (!(run.maxRssBytes < MEMORY_LIMIT_BYTES)) errors.push(`main.mjs: peak RSS ${run.maxRssBytes} over the bound`);
      // Nothing but the step's declared result file (the refusal as JSON, under RUNNER_TEMP).
      const diff = treeDiff(snapshot, treeState(sb.root)).filter((d) => !/^\+ runner-temp\/petrova\/results(\/propose_fix-\d+-\d+\.json)?$/.test(d));
      if (diff.length) errors.push(`main.mjs wrote: ${diff.join(', ')}`);
      if (!run.outputs['result-file'] || JSON.parse(readFileSync(run.outputs['result-file'], 'utf8')).outcome !== 'refused') errors.push('main.mjs: no result file with the refusal');
    }
    if (own) rmSync(sb.root, { recursive: true, force: true });
    else rmSync(planPath);
    return errors;
  });
  t.diagnostic(`main.mjs: ${children.runs} runs; peak RSS ${mib(children.peakRss)} (${children.peakCase})`);
  assertMemoryBound(t);
});

// ---------------------------------------------------------------- registries

test('registries: every corpus registry is refused through wasm with its code, exit code and line', async (t) => {
  const sb = sandbox('registries');
  const planText = readFileSync(path.join(example, 'fix.json'), 'utf8');
  await runFolder(t, 'registries', 12, async (c, _index, st) => {
    // stderr= is what the CLI prints when core is not reached; the Action's equivalent is its exit code.
    if (skipUnknownDirectives(c, new Set(['exit', 'stderr']), st)) return 'skipped';
    writeFileSync(sb.registry, caseBytes(c));
    const want = c.records[0]?.split(' ');
    const errors = [];
    const calls = {
      diagnose: () => diagnose(JSON.stringify({ registry: registrySource(sb), target: { slug: SLUG, repository: null }, since: SINCE, until: null, scanned_at: NOW, head: null, env: LIMITS, frontend: 'action' }), fsCheckout(sb.checkout)),
      prepare: () => {
        const request = { registry: registrySource(sb), target: { slug: SLUG, repository: null }, ...{ actor: TRIGGER.actor, triggered_by_kind: TRIGGER.kind, triggered_by_ref: TRIGGER.ref }, allow_stale: false, now: NOW, env: LIMITS, frontend: 'action' };
        const prepared = prepare(JSON.stringify(request), new TextEncoder().encode(planText), fsCheckout(sb.checkout), () => null);
        const ok = prepared.ok;
        prepared.free();
        return ok;
      },
    };
    for (const [what, call] of Object.entries(calls)) {
      let error = null;
      let result;
      try {
        result = call();
      } catch (e) {
        if (!isPetrovaError(e)) throw e;
        error = e;
      }
      if (!error) {
        errors.push(`${what}: exit ${what === 'prepare' && !result ? 1 : 0}, expected ${caseExit(c)} (the registry was accepted)`);
        continue;
      }
      if (error.exitCode !== caseExit(c)) errors.push(`${what}: exit ${error.exitCode}, expected ${caseExit(c)}: ${error.message}`);
      if (want) {
        const [code, line = '-'] = want;
        const at = line === '-' ? 'registry.yaml: ' : `registry.yaml:${line}: `;
        if (error.code !== code || !error.message.includes(at) || !error.message.includes(`[${code}]`)) {
          errors.push(`${what}: [${error.code}] ${error.message}; want \`${at}\` … \`[${code}]\``);
        }
      }
    }
    return errors;
  });
  assertMemoryBound(t);
});

// ---------------------------------------------------------------- .petrova.yml and governance documents

/** `code path:line` or `code path` (as hostile_corpus.rs `parse_warning`). */
function parseWarning(record) {
  const at = record.indexOf(' ');
  const code = at < 0 ? record : record.slice(0, at);
  const location = at < 0 ? '' : record.slice(at + 1).trim();
  const colon = location.lastIndexOf(':');
  if (colon >= 0 && /^\d+$/.test(location.slice(colon + 1))) return [code, location.slice(0, colon), Number(location.slice(colon + 1))];
  return [code, location, null];
}

// (No diagnosis case uses registry= or other_repo=; one that did would be skipped, visibly.)
const DIAGNOSIS_DIRECTIVES = new Set(['exit', 'at', 'generate', 'symlink', 'file', 'propose_exit', 'propose']);

/**
 * Places the case at `at` in the folder's one checkout copy, diagnoses it
 * through wasm, compares the warnings, runs the example plan when the case has
 * `propose_exit=`, and puts the checkout back.
 */
function diagnosisCase(sb, baseline, at) {
  return async (c, _index, st) => {
    if (skipUnknownDirectives(c, DIAGNOSIS_DIRECTIVES, st)) return 'skipped';
    const undo = [];
    const errors = [];
    try {
      for (const spec of c.all('file')) {
        const sp = spec.indexOf(' ');
        undo.push(place(sb, spec.slice(0, sp), spec.slice(sp + 1)));
      }
      for (const spec of c.all('symlink')) {
        const sp = spec.indexOf(' ');
        undo.push(placeSymlink(sb, spec.slice(0, sp), spec.slice(sp + 1)));
      }
      undo.push(place(sb, at(c), caseBytes(c)));
      let output;
      try {
        output = diagnoseInto(sb);
      } catch (e) {
        if (!isPetrovaError(e)) throw e;
        return [`diagnose: exit ${e.exitCode} [${e.code}] ${e.message}, expected ${caseExit(c)}`];
      }
      if (caseExit(c) !== 0) errors.push(`diagnose: exit 0, expected ${caseExit(c)}`);
      const got = output.result.warnings.map((w) => [w.code, w.path ?? '', w.line ?? null]);
      errors.push(...multisetProblems(got, c.records.map(parseWarning), 'warnings'));

      if (c.get('propose_exit') !== undefined) {
        const plan = JSON.parse(readFileSync(path.join(example, 'fix.json'), 'utf8'));
        plan.diagnosis_id = output.result.diagnosis_id;
        const planPath = path.join(sb.plans, 'plan.json');
        writeFileSync(planPath, JSON.stringify(plan));
        undo.push(() => rmSync(planPath, { force: true }));
        let answer;
        try {
          answer = proposeWasm(sb, planPath, TRIGGER, 'plan.json');
        } catch (e) {
          if (!isPetrovaError(e)) throw e;
          return [...errors, `propose_fix: exit ${e.exitCode} [${e.code}] ${e.message}`];
        }
        const exit = answer.ok ? 0 : 1;
        if (exit !== Number(c.get('propose_exit'))) errors.push(`propose_fix: exit ${exit}, expected ${c.get('propose_exit')}`);
        const want = c.all('propose').map((r) => {
          const sp = r.indexOf(' ');
          return sp < 0 ? [r, ''] : [r.slice(0, sp), r.slice(sp + 1).trim()];
        });
        errors.push(...multisetProblems((answer.output.problems ?? []).map((p) => [p.code, p.pointer ?? '<none>']), want, 'propose_fix problems'));
        if (answer.ok) {
          // An accepted plan's body carries metadata that reads back with its key.
          const meta = JSON.parse(parseMetadata(answer.output.body));
          if (meta.idempotency_key !== answer.output.idempotency_key) errors.push(`the body's metadata key ${meta.idempotency_key} is not ${answer.output.idempotency_key}`);
        }
      }
    } finally {
      for (const u of undo.reverse()) u();
    }
    const diff = treeDiff(baseline, treeState(sb.checkout));
    assert.deepEqual(diff, [], `${c.name}: the checkout was not put back`);
    return errors;
  };
}

test('.petrova.yml: every corpus config gives its located warnings through wasm', async (t) => {
  const sb = sandbox('petrova-yml');
  await runFolder(t, 'petrova-yml', 8, diagnosisCase(sb, treeState(sb.checkout), () => '.petrova.yml'));
  assertMemoryBound(t);
});

test('documents: every corpus document gives its located warnings through wasm, the generated giants included', async (t) => {
  const sb = sandbox('docs');
  const at = (c) => {
    assert.ok(c.get('at'), `${c.name}: no at=`);
    return c.get('at');
  };
  await runFolder(t, 'docs', 15, diagnosisCase(sb, treeState(sb.checkout), at));
  assertMemoryBound(t);
});

// ---------------------------------------------------------------- bodies

test('bodies: every corpus body gives its metadata or its error through wasm', async (t) => {
  const decoder = new TextDecoder(); // invalid bytes become U+FFFD, as String::from_utf8_lossy
  await runFolder(t, 'bodies', 12, async (c, _index, st) => {
    if (skipUnknownDirectives(c, new Set(['error', 'line', 'metadata', 'prefix', 'generate']), st)) return 'skipped';
    const text = decoder.decode(Buffer.concat([c.get('prefix') ? generate(c.get('prefix')) : Buffer.alloc(0), caseBytes(c)]));
    let metadata = null;
    let error = null;
    try {
      metadata = JSON.parse(parseMetadata(text));
    } catch (e) {
      if (!isPetrovaError(e)) throw e;
      error = e;
    }
    renderHtml(text); // must not trap either
    const errors = [];
    const [wantError, wantMetadata] = [c.get('error'), c.get('metadata')];
    if (wantError !== undefined && wantMetadata === undefined && error) {
      if (error.code !== wantError) errors.push(`got ${error.code} (${error.message}), want ${wantError}`);
      const line = c.get('line');
      if (line !== undefined && error.code === 'metadata_invalid' && error.line !== Number(line)) errors.push(`line ${error.line}, want ${line} (${error.message})`);
    } else if (wantError === undefined && wantMetadata !== undefined && metadata) {
      const want = JSON.parse(wantMetadata);
      // As serde reads the sidecar into body::Metadata: the fields it has, nothing else.
      const fields = (m) => ({
        verb: m.verb,
        target_repo: m.target_repo,
        idempotency_key: m.idempotency_key,
        schema_version: m.schema_version,
        schema_fingerprint: m.schema_fingerprint,
        actor: m.actor,
        triggered_by: { kind: m.triggered_by?.kind, ref: m.triggered_by?.ref },
        applied_at: m.applied_at,
      });
      if (JSON.stringify(fields(metadata)) !== JSON.stringify(fields(want))) errors.push(`metadata\n      got  ${JSON.stringify(metadata)}\n      want ${JSON.stringify(want)}`);
    } else {
      errors.push(`got ${error ? `error ${error.code}` : `metadata ${JSON.stringify(metadata)}`}, want error ${wantError} / metadata ${wantMetadata}`);
    }
    return errors;
  });
  assertMemoryBound(t);
});

/** Every case so far stayed under the memory bound (checked after each folder, so no test depends on another). */
function assertMemoryBound(t) {
  const maxRss = process.resourceUsage().maxRSS * 1024;
  t.diagnostic(`peak RSS sampled after a case ${mib(memory.peakRss)} (${memory.peakCase}); this process's maxRSS ${mib(maxRss)}; main.mjs runs ${mib(children.peakRss)}; bound ${mib(MEMORY_LIMIT_BYTES)}`);
  assert.ok(memory.peakRss > 0, 'no case ran');
  assert.ok(maxRss < MEMORY_LIMIT_BYTES, `maxRSS ${mib(maxRss)}`);
  assert.ok(memory.peakRss < MEMORY_LIMIT_BYTES, `peak RSS ${mib(memory.peakRss)} (${memory.peakCase})`);
  assert.ok(children.peakRss < MEMORY_LIMIT_BYTES, `main.mjs peak RSS ${mib(children.peakRss)} (${children.peakCase})`);
}
