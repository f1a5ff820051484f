// Contract test: keeps fake-github honest. The real CLI's GitHub traffic goes
// through Prism's validating proxy (`prism proxy <spec> <fake> --errors`) in
// front of fake-github, with GitHub's own OpenAPI description (npm
// @octokit/openapi, cut to petrova's operations by prepare-spec.mjs). Any
// request petrova sends, or any answer the fake gives, that the description
// rejects fails the test: Prism turns it into a problem+json answer (or marks it
// in an `sl-violations` header) and logs it, and both are checked.
//
// A small recording tap sits between the CLI and Prism (it forwards every byte
// unchanged) so that a failure names the request, the answer's status and
// Prism's exact violation messages, which Prism's own log leaves out.
//
// Steps, in order, one fake for all: diagnose → apply (applied) → apply again
// (skipped_idempotent) → doctor → PR closed, apply (skipped_rejected) → branch
// left by a half-done run, apply (POST git/refs 422, resume, applied) → a
// foreign branch (conflict) → two racing applies (POST pulls 422) → doctor on
// a missing branch and a missing repository (404s) → fleet hygiene (an older
// petrova PR read through its files, a conflict, --supersede commenting and
// closing it, rejection memory reading a closed PR's comments, status, sweep).
//
//   npm ci --prefix contract --ignore-scripts && node --test contract/   (or contract/run)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareSpec } from './prepare-spec.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(root, process.env.CARGO_TARGET_DIR) : path.join(root, 'target');
const petrovaBin = process.env.PETROVA_BIN || path.join(targetDir, 'debug/petrova');
const fakeBin = process.env.PETROVA_FAKE_GITHUB || path.join(targetDir, 'debug/fake-github');
const prismBin = path.join(here, 'node_modules/@stoplight/prism-cli/dist/index.js');
const mainScript = path.join(root, 'action/src/main.mjs');
const outDir = path.join(here, 'out');
const example = path.join(root, 'examples/workspace');

// Long and distinctive like a real one: executors redact the token from every
// response, so a one-letter token would rewrite timestamps (`2026-04-29T…`).
const TOKEN = 'ghp_contractTestToken0123456789abcdef';
const REPO = '/repos/kahn-hq/kahn';
const PRISM_READY_MS = 60_000; // Prism loads the cut spec in ~2 s, the whole one in ~10 s
const CLI_MS = 60_000; // one CLI run
const WAIT_MS = 15_000; // any other wait
const RACE_DELAY_MS = 2_500; // the fake holds the first POST pulls this long

// ---------------------------------------------------------------- helpers

const scratch = mkdtempSync(path.join(tmpdir(), 'petrova-contract-'));
const workspace = path.join(scratch, 'workspace');
const stateDir = path.join(scratch, 'state');
let fake = null; // { proc, url, output }
let prism = null; // { proc, url, log, startMs }
let tap = null; // { server, url, records, step }

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a truthy value, for at most `ms`. */
async function waitFor(what, probe, ms = WAIT_MS, every = 100) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(every);
  }
  throw new Error(`${what}: not within ${ms} ms${last ? ` (last error: ${last.message})` : ''}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The environment of every child: none of the caller's petrova or GitHub settings. */
function childEnv(extra = {}) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('PETROVA_') && k !== 'GITHUB_TOKEN' && k !== 'GITHUB_API_URL'),
  );
  return { ...env, PETROVA_STATE_DIR: stateDir, ...extra };
}

function stopProcess(proc) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      resolve();
    }, 3_000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

/** Runs petrova; resolves { code, stdout, stderr, json }. Killed after CLI_MS. */
function petrova(args, env = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(petrovaBin, ['--workspace', workspace, ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`petrova ${args.join(' ')}: still running after ${CLI_MS} ms\n${stderr}`));
    }, CLI_MS);
    proc.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    proc.on('close', (code) => {
      clearTimeout(timer);
      let json = null;
      try {
        json = JSON.parse(stdout);
      } catch {
        // not every command prints JSON
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

const githubEnv = () => ({
  PETROVA_GITHUB_TOKEN: TOKEN,
  PETROVA_GITHUB_API_URL: tap.url,
  // A violation comes back as a 5xx: fail fast instead of backing off for long.
  PETROVA_RETRY_ATTEMPTS: '2',
  PETROVA_RETRY_BASE_MS: '50',
  PETROVA_RETRY_MAX_MS: '200',
});

function proposeFix(extra = []) {
  return petrova(
    [
      'propose_fix', 'kahn-hq',
      '--input', path.join(workspace, 'fix.json'),
      '--actor', 'fleet:kahn-implementer',
      '--triggered-by-kind', 'audit_fail',
      '--triggered-by-ref', 'ci-run-12345',
      '--apply', '--json', ...extra,
    ],
    githubEnv(),
  );
}

/** The fake's control API (on the fake's own port, not through Prism). */
async function control(method, p, body) {
  const res = await fetch(fake.url + p, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(WAIT_MS),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${p}: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const fakeLog = () => control('GET', '/_fake/log');

function describeRun(r) {
  return `exit ${r.code}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`;
}

// ------------------------------------------------- the recording tap

function startTap(prismPort) {
  const records = [];
  const state = { step: 'setup' };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const rec = { step: state.step, method: req.method, url: req.url, headers: req.headers, status: null, violations: [], problem: null, error: null };
      records.push(rec);
      const headers = { ...req.headers, host: `127.0.0.1:${prismPort}` };
      const up = http.request({ host: '127.0.0.1', port: prismPort, method: req.method, path: req.url, headers }, (upRes) => {
        const out = [];
        upRes.on('data', (c) => out.push(c));
        upRes.on('end', () => {
          const buf = Buffer.concat(out);
          rec.status = upRes.statusCode;
          const raw = upRes.headers['sl-violations'];
          if (raw) {
            try {
              rec.violations = JSON.parse(raw);
            } catch {
              rec.violations = [{ message: raw }];
            }
          }
          const type = upRes.headers['content-type'] ?? '';
          if (type.includes('problem+json') || /stoplight\.io\/prism\/errors/.test(buf.toString('utf8', 0, 200))) {
            try {
              rec.problem = JSON.parse(buf.toString('utf8'));
            } catch {
              rec.problem = buf.toString('utf8');
            }
          }
          const h = { ...upRes.headers };
          delete h['transfer-encoding'];
          h['content-length'] = String(buf.length);
          res.writeHead(upRes.statusCode, h);
          res.end(buf);
        });
      });
      up.setTimeout(CLI_MS, () => up.destroy(new Error(`no answer from Prism within ${CLI_MS} ms`)));
      up.on('error', (e) => {
        rec.error = e.message;
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`contract tap: ${e.message}`);
      });
      up.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ server, url: `http://127.0.0.1:${server.address().port}`, records, state });
    });
  });
}

const isViolation = (r) => r.status === null || r.error !== null || r.problem !== null || r.violations.length > 0;

function formatRecord(r) {
  const lines = [`${r.method} ${r.url} → ${r.status ?? 'no answer'}${r.error ? ` (${r.error})` : ''}`];
  const vs = r.problem?.validation ?? [];
  for (const v of [...r.violations, ...vs.filter((v) => !r.violations.some((w) => w.message === v.message))]) {
    lines.push(`    ${v.severity ?? '?'} at ${(v.location ?? []).join('.')}: ${v.message}`);
  }
  if (r.problem && vs.length === 0) lines.push(`    ${JSON.stringify(r.problem).slice(0, 500)}`);
  return lines.join('\n');
}

/** Runs one step with the tap labelled, then asserts nothing in it was rejected. */
async function step(name, fn) {
  tap.state.step = name;
  let failure = null;
  try {
    await fn();
  } catch (e) {
    failure = e;
  }
  tap.state.step = 'between steps';
  const bad = tap.records.filter((r) => r.step === name && isViolation(r));
  if (bad.length > 0) {
    // Reported with what it broke in the CLI run, if anything.
    assert.fail(`Prism rejected traffic of step "${name}":\n${bad.map(formatRecord).join('\n')}` +
      (failure ? `\n\nand the step failed: ${failure.message}` : ''));
  }
  if (failure) throw failure;
}

// ---------------------------------------------------------------- servers

async function startFake() {
  const proc = spawn(fakeBin, ['--port', '0', '--token', TOKEN], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  const url = await waitFor('fake-github to print its address', () => {
    if (proc.exitCode !== null) throw new Error(`fake-github exited ${proc.exitCode}: ${output}`);
    return /^listening on (http:\/\/127\.0\.0\.1:\d+)\s*$/m.exec(output)?.[1];
  }, WAIT_MS, 50);
  return { proc, url, output: () => output };
}

async function startPrism(specPath, upstream) {
  const port = await freePort();
  const startMs = Date.now();
  const proc = spawn(
    process.execPath,
    [prismBin, 'proxy', specPath, upstream, '--errors', '--port', String(port), '--host', '127.0.0.1'],
    { cwd: here, env: { ...childEnv(), NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const p = { proc, url: `http://127.0.0.1:${port}`, log: '', startMs, readyMs: null };
  proc.stdout.on('data', (d) => (p.log += d));
  proc.stderr.on('data', (d) => (p.log += d));
  // Ready when a documented request comes back through it from the fake.
  await waitFor('Prism to answer', async () => {
    if (proc.exitCode !== null) throw new Error(`prism exited ${proc.exitCode}:\n${p.log}`);
    const res = await fetch(`${p.url}${REPO}/git/ref/heads/main`, {
      headers: { authorization: `token ${TOKEN}` },
      signal: AbortSignal.timeout(5_000),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    return true;
  }, PRISM_READY_MS, 250);
  p.readyMs = Date.now() - startMs;
  return p;
}

/** Prism's log lines that report a rejected request or answer. */
const prismComplaints = () => prism.log.split('\n').filter((l) => /✖|⚠|\[VALIDATOR\]|\b(error|warn|warning|fatal)\s{2,}/.test(l));

// ---------------------------------------------------------------- the test

describe('petrova ↔ fake-github, checked against GitHub\'s OpenAPI description by Prism', () => {
  before(async () => {
    for (const [what, file] of [['petrova', petrovaBin], ['fake-github', fakeBin], ['prism (run npm ci --prefix contract)', prismBin]]) {
      assert.ok(existsSync(file), `${what} not found at ${file}`);
    }
    const t0 = Date.now();
    const specPath = prepareSpec();
    const prepareMs = Date.now() - t0;
    cpSync(example, workspace, { recursive: true, filter: (src) => path.basename(src) !== '.petrova' });
    fake = await startFake();
    prism = await startPrism(specPath, fake.url);
    tap = await startTap(new URL(prism.url).port);
    console.log(`spec cut in ${prepareMs} ms; Prism ready in ${prism.readyMs} ms; fake ${fake.url}, prism ${prism.url}, tap ${tap.url}`);
  });

  after(async () => {
    if (tap) {
      writeFileSync(path.join(outDir, 'traffic.json'), JSON.stringify(tap.records, null, 1) + '\n');
      await new Promise((resolve) => {
        tap.server.close(resolve);
        tap.server.closeAllConnections?.();
      });
    }
    if (prism) writeFileSync(path.join(outDir, 'prism.log'), prism.log);
    await stopProcess(prism?.proc);
    await stopProcess(fake?.proc);
    rmSync(scratch, { recursive: true, force: true });
  });

  test('diagnose (no network)', async () => {
    const r = await petrova(['diagnose', 'kahn-hq', '--since', '2026-04-22'], { PETROVA_NOW: '2026-04-29T14:30:00Z' });
    assert.equal(r.code, 0, describeRun(r));
  });

  test('apply opens the pull request', () =>
    step('apply', async () => {
      const r = await proposeFix();
      assert.equal(r.code, 0, describeRun(r));
      assert.equal(r.json?.outcome, 'applied', describeRun(r));
      assert.equal(r.json.pr?.number, 1234);
    }));

  test('apply again is idempotent', () =>
    step('apply again', async () => {
      const r = await proposeFix();
      assert.equal(r.code, 0, describeRun(r));
      assert.equal(r.json?.outcome, 'skipped_idempotent', describeRun(r));
    }));

  test('doctor: every check passes', () =>
    step('doctor', async () => {
      const r = await petrova(['doctor', 'kahn-hq', '--json'], githubEnv());
      assert.equal(r.code, 0, describeRun(r));
      assert.ok(Array.isArray(r.json), describeRun(r));
      assert.deepEqual(r.json.filter((c) => c.status !== 'ok'), [], describeRun(r));
    }));

  test('apply after the pull request was closed is skipped_rejected', () =>
    step('closed', async () => {
      await control('POST', '/_fake/pulls/1234/close');
      const r = await proposeFix();
      assert.equal(r.code, 0, describeRun(r));
      assert.equal(r.json?.outcome, 'skipped_rejected', describeRun(r));
    }));

  test('a branch left by a half-done run without its pull request: POST git/refs 422, then resumed', () =>
    step('half-done', async () => {
      await control('POST', '/_fake/reset');
      // The first apply printed the key; the half-done run's commit carries it as a trailer.
      const plan = JSON.parse(readFileSync(path.join(workspace, 'fix.json'), 'utf8'));
      const dry = await petrova(
        ['propose_fix', 'kahn-hq', '--input', path.join(workspace, 'fix.json'), '--actor', 'fleet:kahn-implementer',
          '--triggered-by-kind', 'audit_fail', '--triggered-by-ref', 'ci-run-12345', '--json'],
      );
      assert.equal(dry.code, 0, describeRun(dry));
      const { idempotency_key: key, branch } = dry.json;
      const files = Object.fromEntries(plan.proposed_changes.map((c) => [c.path, c.contents]));
      await control('POST', '/_fake/branches', { branch, files, message: `${plan.title}\n\nPetrova-Idempotency-Key: ${key}\n` });
      const r = await proposeFix();
      assert.equal(r.code, 0, describeRun(r));
      assert.equal(r.json?.outcome, 'applied', describeRun(r));
      const log = await fakeLog();
      assert.ok(log.some((e) => e.method === 'POST' && e.path === `${REPO}/git/refs` && e.status === 422), 'POST git/refs was not answered 422');
    }));

  test('a foreign branch of the same name is a conflict', () =>
    step('foreign branch', async () => {
      await control('POST', '/_fake/reset');
      const dry = await petrova(
        ['propose_fix', 'kahn-hq', '--input', path.join(workspace, 'fix.json'), '--actor', 'fleet:kahn-implementer',
          '--triggered-by-kind', 'audit_fail', '--triggered-by-ref', 'ci-run-12345', '--json'],
      );
      await control('POST', '/_fake/branches', { branch: dry.json.branch, files: { 'NOTES.md': 'not petrova\'s\n' }, message: 'someone else' });
      const r = await proposeFix();
      assert.equal(r.code, 1, describeRun(r));
      assert.equal(r.json?.outcome, 'conflict', describeRun(r));
    }));

  test('two racing applies: one POST pulls is answered 422 "already exists"', () =>
    step('race', async () => {
      await control('POST', '/_fake/reset');
      await control('POST', '/_fake/faults', { method: 'POST', path_prefix: `${REPO}/pulls`, delay_ms: RACE_DELAY_MS });
      const first = proposeFix();
      // Once the first run's POST pulls is being held, the second run starts.
      await waitFor('the first run to send POST pulls', async () =>
        (await fakeLog()).some((e) => e.method === 'POST' && e.path === `${REPO}/pulls`), WAIT_MS, 50);
      const second = await proposeFix();
      const firstRun = await first;
      for (const r of [firstRun, second]) assert.equal(r.code, 0, describeRun(r));
      assert.deepEqual([firstRun.json?.outcome, second.json?.outcome].sort(), ['applied', 'skipped_idempotent']);
      const log = await fakeLog();
      const rejected = log.filter((e) => e.method === 'POST' && e.path === `${REPO}/pulls` && e.status === 422);
      assert.equal(rejected.length, 1, JSON.stringify(log.map((e) => `${e.method} ${e.path} ${e.status}`)));
      assert.match(JSON.stringify(rejected[0].response), /A pull request already exists/);
    }));

  test('a profile that labels the pull request and asks reviewers: two more calls, both valid', () =>
    step('shaping', async () => {
      await control('POST', '/_fake/reset');
      const shaped = path.join(workspace, 'registry-shaped.yaml');
      writeFileSync(shaped, [
        'repos:',
        '  - slug: kahn-hq',
        '    url: https://github.com/kahn-hq/kahn',
        '    default_branch: main',
        '    role: production',
        '    profile: shaped',
        '    fleets_allowed: [kahn-implementer]',
        '    added: "2026-04-29"',
        'profiles:',
        '  shaped:',
        '    labels: [petrova]',
        '    reviewers: [alice]',
        '    team_reviewers: [platform]',
        '',
      ].join('\n'));
      const r = await proposeFix(['--registry', shaped]);
      assert.equal(r.code, 0, describeRun(r));
      assert.equal(r.json?.outcome, 'applied', describeRun(r));
      assert.deepEqual(r.json?.warnings ?? [], [], describeRun(r));
      const log = await fakeLog();
      const tail = log.slice(-2).map((e) => `${e.method} ${e.path} ${e.status}`);
      assert.deepEqual(tail, [
        `POST ${REPO}/issues/1234/labels 200`,
        `POST ${REPO}/pulls/1234/requested_reviewers 201`,
      ]);
    }));

  test('fleet hygiene: listings, PR files, comments, closing, status and sweep, all valid', () =>
    step('fleet', async () => {
      await control('POST', '/_fake/reset');
      const body = (key, paths) => [
        '## Petrova action: `propose_fix`', '', '<!-- petrova:metadata -->', '```yaml', 'petrova:',
        '  verb: propose_fix', '  target_repo: kahn-hq', `  idempotency_key: ${key}`, '  schema_version: 1',
        "  schema_fingerprint: '000000000000'", '  actor: fleet:kahn-implementer', '  triggered_by:',
        '    kind: audit_fail', '    ref: ci-run-1', '  applied_at: 2026-03-01T00:00:00Z', '  grounding:',
        '  - kind: finding', '    ref: docs/findings/20260428-1430-rls-tenant-drift.md',
        ...(paths ? ['  changes:', ...paths.map((p) => `  - ${p}`)] : []), '```', '',
      ].join('\n');
      const planned = 'backend/migrations/0046_kahn_internal_rls.sql';
      const daysAgo = (n) => new Date(Date.now() - n * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      await control('POST', '/_fake/branches', { branch: 'petrova/propose-fix/0badc0de', files: { [planned]: '-- older\n' } });
      // An older body without `changes`: its paths come from the PR's files.
      const older = (await control('POST', '/_fake/pulls', {
        head: 'petrova/propose-fix/0badc0de', body: body(`0badc0de${'0'.repeat(56)}`, null), created_at: '2026-03-01T10:00:00Z',
      })).number;
      const conflict = await proposeFix();
      assert.equal(conflict.code, 1, describeRun(conflict));
      assert.equal(conflict.json?.outcome, 'conflict', describeRun(conflict));
      const superseding = await proposeFix(['--supersede']);
      assert.equal(superseding.json?.outcome, 'applied', describeRun(superseding));
      assert.equal(superseding.json?.superseded?.[0]?.number, older, describeRun(superseding));
      // A similar PR a human closed: its comments are read, the run is skipped.
      await control('POST', '/_fake/reset');
      await control('POST', '/_fake/pulls', {
        head: 'petrova/propose-fix/0badc0de', body: body(`0badc0de${'0'.repeat(56)}`, [planned]),
        // Within the default 30-day memory of this run's clock.
        state: 'closed', created_at: daysAgo(6), closed_at: daysAgo(5),
      });
      const rejected = await proposeFix();
      console.error('DEBUG', JSON.stringify((await fakeLog()).map((e) => `${e.method} ${e.path} ${e.query} ${e.status}`)), JSON.stringify((await control('GET', '/_fake/state')).pulls.map((p) => [p.number, p.state, p.closed_at, p.head])));
      assert.equal(rejected.json?.outcome, 'skipped_rejected', describeRun(rejected));
      assert.equal(rejected.json?.reason, 'similar', describeRun(rejected));
      const status = await petrova(['status', 'kahn-hq', '--json'], githubEnv());
      assert.equal(status.code, 0, describeRun(status));
      const tidy = path.join(scratch, 'registry-tidy.yaml');
      writeFileSync(tidy, [
        'repos:', '  - slug: kahn-hq', '    url: https://github.com/kahn-hq/kahn', '    default_branch: main',
        '    role: production', '    profile: tidy', '    fleets_allowed: [kahn-implementer]', '    added: "2026-04-29"',
        'profiles:', '  tidy:', '    expires_days: 30', '',
      ].join('\n'));
      await control('POST', '/_fake/pulls', {
        head: 'petrova/propose-fix/aaaaaaaa', body: body(`aaaaaaaa${'0'.repeat(56)}`, ['docs/x.md']), created_at: '2026-03-01T10:00:00Z',
      });
      const sweep = await petrova(['--registry', tidy, 'sweep', 'kahn-hq', '--apply', '--json'], githubEnv());
      assert.equal(sweep.code, 0, describeRun(sweep));
      const calls = new Set(tap.records.filter((r) => r.step === 'fleet').map((r) => `${r.method} ${r.url.split('?')[0].replace(/\/\d+(?=\/|$)/g, '/{n}')}`));
      for (const call of [
        `GET ${REPO}/pulls/{n}/files`, `GET ${REPO}/issues/{n}/comments`, `POST ${REPO}/issues/{n}/comments`, `PATCH ${REPO}/pulls/{n}`,
      ]) assert.ok(calls.has(call), `${call} was exercised: ${[...calls].join(', ')}`);
    }));

  test('doctor on a missing default branch and a missing repository (404s)', () =>
    step('doctor 404', async () => {
      const registry = readFileSync(path.join(workspace, 'registry.yaml'), 'utf8');
      const trunk = path.join(scratch, 'registry-trunk.yaml');
      const gone = path.join(scratch, 'registry-gone.yaml');
      writeFileSync(trunk, registry.replace('default_branch: main', 'default_branch: trunk'));
      writeFileSync(gone, registry.replace('github.com/kahn-hq/kahn', 'github.com/kahn-hq/gone'));
      const a = await petrova(['--registry', trunk, 'doctor', 'kahn-hq', '--json'], githubEnv());
      assert.equal(a.code, 3, describeRun(a));
      assert.deepEqual(a.json?.map((c) => c.status), ['ok', 'fail', 'ok'], describeRun(a));
      const b = await petrova(['--registry', gone, 'doctor', 'kahn-hq', '--json'], githubEnv());
      assert.equal(b.code, 3, describeRun(b));
      assert.deepEqual(b.json?.map((c) => c.status), ['fail'], describeRun(b));
      const statuses = tap.records.filter((r) => r.step === 'doctor 404').map((r) => `${r.method} ${r.url} ${r.status}`);
      assert.ok(statuses.includes(`GET ${REPO}/git/ref/heads/trunk 404`), statuses.join('\n'));
      assert.ok(statuses.includes('GET /repos/kahn-hq/gone 404'), statuses.join('\n'));
    }));

  test("the Action's fetch traffic: diagnose, apply, re-run — and the same headers as the CLI's", () =>
    step('action', async () => {
      await control('POST', '/_fake/reset');
      const job = path.join(scratch, 'action-job');
      const checkout = path.join(job, 'workspace');
      cpSync(path.join(example, 'kahn-hq'), checkout, { recursive: true });
      cpSync(path.join(example, 'registry.yaml'), path.join(checkout, 'petrova-registry.yaml'));
      cpSync(path.join(example, 'fix.json'), path.join(checkout, 'fix.json'));
      const runStep = async (inputs, now) => {
        const env = {
          ...childEnv({ PETROVA_NOW: now, ...githubEnv() }),
          GITHUB_WORKSPACE: checkout,
          GITHUB_REPOSITORY: 'kahn-hq/kahn',
          RUNNER_TEMP: path.join(job, 'runner-temp'),
          INPUT_WORKSPACE: checkout,
          INPUT_REGISTRY: 'petrova-registry.yaml',
          INPUT_TARGET: 'kahn-hq',
          INPUT_TOKEN: TOKEN,
        };
        for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase().replace(/-/g, '_')}`] = v;
        return new Promise((resolve, reject) => {
          const proc = spawn(process.execPath, [mainScript], { env, cwd: checkout, stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          proc.stdout.on('data', (d) => (stdout += d));
          proc.stderr.on('data', (d) => (stdout += d));
          const timer = setTimeout(() => proc.kill('SIGKILL'), CLI_MS);
          proc.on('error', reject);
          proc.on('close', (code) => {
            clearTimeout(timer);
            resolve({ code, stdout });
          });
        });
      };
      const diag = await runStep({ command: 'diagnose', since: '2026-04-22' }, '2026-04-29T14:30:00Z');
      assert.equal(diag.code, 0, diag.stdout);
      const propose = { command: 'propose_fix', input: 'fix.json', actor: 'fleet:kahn-implementer', 'triggered-by-kind': 'audit_fail', 'triggered-by-ref': 'ci-run-12345', apply: 'true' };
      const first = await runStep(propose, '2026-04-29T14:32:18Z');
      assert.equal(first.code, 0, first.stdout);
      assert.match(first.stdout, /propose_fix → applied/);
      const again = await runStep(propose, '2026-04-29T14:32:18Z');
      assert.equal(again.code, 0, again.stdout);
      assert.match(again.stdout, /propose_fix → skipped_idempotent/);
      const actionRecords = tap.records.filter((r) => r.step === 'action');
      assert.ok(actionRecords.length >= 8, `${actionRecords.length} requests`);
      // Core chooses every header but the token, so both executors send the same ones.
      const chosen = (r) => Object.fromEntries(['accept', 'x-github-api-version', 'user-agent', 'content-type'].map((h) => [h, r.headers[h] ?? null]));
      for (const a of actionRecords) {
        const c = tap.records.find((r) => r.step !== 'action' && r.method === a.method && r.url.split('?')[0] === a.url.split('?')[0]);
        if (c) assert.deepEqual(chosen(a), chosen(c), `${a.method} ${a.url}`);
        assert.equal(a.headers.authorization, `Bearer ${TOKEN}`);
      }
    }));

  test('every operation petrova uses went through Prism', () => {
    const seen = new Set(tap.records.map((r) => `${r.method} ${r.url.split('?')[0]
      .replace(/^\/repos\/[^/]+\/[^/]+/, '/repos/{owner}/{repo}')
      .replace(/\/git\/ref\/heads\/.*/, '/git/ref/heads/…')
      .replace(/\/git\/commits\/[0-9a-f]{40}$/, '/git/commits/{commit_sha}')}`));
    for (const op of [
      'GET /repos/{owner}/{repo}',
      'GET /repos/{owner}/{repo}/pulls',
      'POST /repos/{owner}/{repo}/pulls',
      'GET /repos/{owner}/{repo}/git/ref/heads/…',
      'POST /repos/{owner}/{repo}/git/refs',
      'POST /repos/{owner}/{repo}/git/commits',
      'GET /repos/{owner}/{repo}/git/commits/{commit_sha}',
      'POST /repos/{owner}/{repo}/git/trees',
      'GET /repos/{owner}/{repo}/actions/permissions/workflow',
    ]) {
      assert.ok(seen.has(op), `${op} was never sent; seen:\n${[...seen].join('\n')}`);
    }
    assert.ok(tap.records.some((r) => r.url.includes('/git/ref/heads/petrova/propose-fix/')), 'no three-segment ref was asked for');
  });

  test('Prism logged no rejected request or answer', async () => {
    await sleep(200); // let Prism's logger flush
    const all = tap.records.filter(isViolation);
    assert.deepEqual(prismComplaints(), [], `Prism's log:\n${prismComplaints().join('\n')}\n\nrejected traffic:\n${all.map(formatRecord).join('\n')}`);
  });
});
