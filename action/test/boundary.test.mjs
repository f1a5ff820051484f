// One boundary: the native CLI (`petrova`) and the Action (`node main.mjs`)
// run on the same on-disk sandboxes and must agree byte for byte on what a
// user sees: diagnosis ids, cache files, JSON, text, exit codes and outputs.
// Only hints may differ (each front end spells its own flags and inputs):
// they are dropped before comparing. Every case builds its own sandbox, so
// the tests of this file do not depend on their order.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOutputs, runProcess } from '../test-support.mjs';
import { initSync, preview } from '../dist/petrova.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mainScript = process.env.PETROVA_ACTION_MAIN || path.join(root, 'action/src/main.mjs');
const petrovaBin = process.env.PETROVA_BIN || path.join(root, 'target/debug/petrova');
const corpusBin = process.env.PETROVA_NATIVE_CORPUS || path.join(root, 'target/debug/native_corpus');
const example = path.join(root, 'examples/workspace');
const WAIT_MS = 20_000;
const SLUG = 'kahn-hq';
const SINCE = '2026-04-22';
const DIAGNOSE_NOW = '2026-04-29T14:30:00Z';
const PROPOSE_NOW = '2026-04-29T14:32:18Z';
const TRIGGER = { actor: 'fleet:kahn-implementer', kind: 'audit_fail', ref: 'ci-run-12345' };

initSync({ module: readFileSync(path.join(root, 'action/dist/petrova_bg.wasm')) });

const scratch = mkdtempSync(path.join(tmpdir(), 'petrova-boundary-'));
// Sandboxes may be run as an unprivileged user (the unreadable-file case).
chmodSync(scratch, 0o755);
after(() => rmSync(scratch, { recursive: true, force: true }));

let sandboxes = 0;
/** A copy of the example workspace: ROOT/ws/kahn-hq (with petrova-registry.yaml), ROOT/state. */
function sandbox(setup = () => {}) {
  sandboxes += 1;
  const dir = path.join(scratch, `sb-${sandboxes}`);
  const sb = { dir, ws: path.join(dir, 'ws'), state: path.join(dir, 'state'), plans: path.join(dir, 'plans') };
  sb.checkout = path.join(sb.ws, SLUG);
  // The registry lives in the checkout, where the Action reads it (inside its
  // workspace); the CLI is run from the checkout and names it the same way.
  sb.registry = path.join(sb.checkout, 'petrova-registry.yaml');
  sb.file = (rel) => path.join(sb.checkout, rel);
  cpSync(example, sb.ws, { recursive: true, verbatimSymlinks: true });
  cpSync(path.join(sb.ws, 'registry.yaml'), sb.registry);
  mkdirSync(sb.state, { recursive: true });
  mkdirSync(sb.plans, { recursive: true });
  setup(sb);
  return sb;
}

/** The environment both front ends share: the clock, the cache, the operator's settings. */
function sharedEnv(sb, now, extra) {
  return { PATH: process.env.PATH, HOME: sb.dir, PETROVA_NOW: now, PETROVA_STATE_DIR: sb.state, ...extra };
}

/** `as` runs the process as another user (`setpriv`), for files root could read anyway. */
function wrap(bin, args, as) {
  return as ? ['setpriv', ['--reuid', as, '--regid', as, '--clear-groups', bin, ...args]] : [bin, args];
}

async function cli(sb, args, { now = DIAGNOSE_NOW, env = {}, as } = {}) {
  const [bin, argv] = wrap(petrovaBin, ['--workspace', sb.ws, '--registry', 'petrova-registry.yaml', ...args], as);
  return runProcess(bin, argv, { cwd: sb.checkout, env: sharedEnv(sb, now, env), timeoutMs: WAIT_MS, what: `petrova ${args.join(' ')}` });
}

let steps = 0;
async function action(sb, inputs, { now = DIAGNOSE_NOW, env = {}, as } = {}) {
  steps += 1;
  const outputFile = path.join(sb.dir, `output-${steps}`);
  const summaryFile = path.join(sb.dir, `summary-${steps}`);
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  chmodSync(outputFile, 0o666);
  chmodSync(summaryFile, 0o666);
  const all = { workspace: sb.checkout, registry: 'petrova-registry.yaml', target: SLUG, ...inputs };
  const stepEnv = {
    ...sharedEnv(sb, now, env),
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: sb.checkout,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: path.join(sb.dir, 'runner-temp'),
  };
  for (const [name, value] of Object.entries(all)) stepEnv[`INPUT_${name.toUpperCase().replace(/[- ]/g, '_')}`] = value;
  const [bin, argv] = wrap(process.execPath, [mainScript], as);
  const run = await runProcess(bin, argv, { cwd: sb.checkout, env: stepEnv, timeoutMs: WAIT_MS, what: `main.mjs ${inputs.command}` });
  return { ...run, outputs: parseOutputs(readFileSync(outputFile, 'utf8')), summary: readFileSync(summaryFile, 'utf8') };
}

/** Text as a user reads it, without hints (per front end by design) and, for the Action, its own workflow commands. */
const comparable = (text) =>
  text
    .split('\n')
    .filter((line) => !/^\s*hint: /.test(line) && !line.startsWith('::'))
    .join('\n');

/** A JSON value without `hint` fields. */
function withoutHints(value) {
  if (Array.isArray(value)) return value.map(withoutHints);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'hint').map(([k, v]) => [k, withoutHints(v)]));
  }
  return value;
}

/** Diagnoses with both front ends; asserts they agree; returns the CLI's JSON output. */
async function diagnoseBoth(sb, what, { since = SINCE, until, as } = {}) {
  const window = until ? ['--since', since, '--until', until] : ['--since', since];
  const cliJson = await cli(sb, ['diagnose', SLUG, ...window, '--json'], { as });
  const cliText = await cli(sb, ['diagnose', SLUG, ...window], { as });
  const cliCache = cliJson.code === 0 ? readFileSync(path.join(sb.state, 'diagnoses', `${JSON.parse(cliJson.stdout).result.diagnosis_id}.json`), 'utf8') : null;
  const act = await action(sb, { command: 'diagnose', since, until: until ?? '' }, { as });
  assert.equal(act.code, cliText.code, `${what}: exit codes\n${act.stdout}${act.stderr}\n---\n${cliText.stderr}`);
  assert.equal(cliJson.code, cliText.code, `${what}: --json exits as text does`);
  if (cliText.code !== 0) {
    // The same failure: the CLI's `error:` line and the Action's annotation carry core's sentence.
    const cliError = comparable(cliText.stderr).replace(/^error: /, '').split('\n')[0];
    assert.ok(act.stdout.includes(cliError.replace(/%/g, '%25')), `${what}: the Action reports the CLI's error\n${cliError}\n---\n${act.stdout}`);
    return null;
  }
  assert.equal(comparable(act.stdout), comparable(cliText.stdout), `${what}: diagnose text`);
  const out = JSON.parse(cliJson.stdout);
  assert.equal(act.outputs['diagnosis-id'], out.result.diagnosis_id, `${what}: diagnosis id`);
  assert.equal(readFileSync(act.outputs['diagnosis-file'], 'utf8'), cliCache, `${what}: cache file bytes`);
  assert.deepEqual(JSON.parse(cliCache), out, `${what}: --json is the cached object`);
  return out;
}

/** Writes a plan, runs propose_fix with both front ends (dry run), asserts they agree. */
async function proposeBoth(sb, what, planBytes, { trigger = TRIGGER, allowStale = false, env = {}, as } = {}) {
  const planPath = path.join(sb.checkout, `plan-${steps}.json`);
  writeFileSync(planPath, planBytes);
  const args = ['propose_fix', SLUG, '--input', planPath, '--actor', trigger.actor, '--triggered-by-kind', trigger.kind, '--triggered-by-ref', trigger.ref, ...(allowStale ? ['--allow-stale'] : [])];
  const opts = { now: PROPOSE_NOW, env, as };
  const cliText = await cli(sb, args, opts);
  const cliJson = await cli(sb, [...args, '--json'], opts);
  const act = await action(
    sb,
    { command: 'propose_fix', input: path.relative(sb.checkout, planPath), actor: trigger.actor, 'triggered-by-kind': trigger.kind, 'triggered-by-ref': trigger.ref, 'allow-stale': allowStale ? 'true' : 'false', apply: 'false' },
    opts,
  );
  rmSync(planPath);
  assert.equal(act.code, cliText.code, `${what}: exit codes\n${act.stdout}${act.stderr}\n---\n${cliText.stdout}${cliText.stderr}`);
  assert.equal(cliJson.code, cliText.code, `${what}: --json exits as text does`);
  if (cliJson.stdout === '') {
    // Stopped before an outcome (usage or configuration): both report core's failure.
    const cliError = comparable(cliText.stderr).replace(/^error: /, '').split('\n')[0];
    assert.ok(act.stdout.includes(cliError.replace(/%/g, '%25')), `${what}: the Action reports the CLI's error\n${cliError}\n---\n${act.stdout}`);
    return null;
  }
  assert.equal(comparable(act.stdout), comparable(cliText.stdout), `${what}: dry-run text`);
  const resultJson = readFileSync(act.outputs['result-file'], 'utf8');
  assert.deepEqual(withoutHints(JSON.parse(resultJson)), withoutHints(JSON.parse(cliJson.stdout)), `${what}: JSON output`);
  if (!resultJson.includes('"hint"')) assert.equal(resultJson, cliJson.stdout, `${what}: JSON bytes`);
  const out = JSON.parse(cliJson.stdout);
  assert.equal(act.outputs.outcome, out.outcome, `${what}: outcome output`);
  if (out.outcome !== 'refused') {
    assert.equal(act.outputs['idempotency-key'], out.idempotency_key, `${what}: key output`);
    assert.equal(act.outputs.branch, out.branch, `${what}: branch output`);
    assert.equal(act.outputs.upholds, out.upholds.join(','), `${what}: upholds output`);
    assert.ok(act.summary.endsWith(out.body.endsWith('\n') ? out.body : `${out.body}\n`), `${what}: the step summary shows the body`);
  }
  return out;
}

const examplePlan = (sb, id) => {
  const plan = JSON.parse(readFileSync(path.join(sb.ws, 'fix.json'), 'utf8'));
  plan.diagnosis_id = id;
  return plan;
};

test('the worked example: the same id, cache, text, JSON, key and body', async () => {
  const sb = sandbox();
  const out = await diagnoseBoth(sb, 'example');
  const proposal = await proposeBoth(sb, 'example plan', JSON.stringify(examplePlan(sb, out.result.diagnosis_id)));
  assert.equal(proposal.outcome, 'dry_run');
  assert.equal(proposal.idempotency_key.slice(0, 12), '23ceca7e3c66');
});

test('a symlinked roadmap: one id, the same warning', async () => {
  const sb = sandbox((s) => {
    writeFileSync(path.join(s.dir, 'outside-roadmap.md'), '## Phase-9\n\nStatus: open\n');
    rmSync(s.file('docs/roadmap.md'));
    symlinkSync(path.join(s.dir, 'outside-roadmap.md'), s.file('docs/roadmap.md'));
  });
  const out = await diagnoseBoth(sb, 'symlinked roadmap');
  assert.ok(out.result.warnings.some((w) => w.path === 'docs/roadmap.md' && w.code === 'doc_unreadable'), JSON.stringify(out.result.warnings));
  assert.notEqual(out.result.phase.current, 'Phase-9', 'nothing is read through the symlink');
});

test('a symlinked decisions folder is never listed', async () => {
  const sb = sandbox((s) => {
    const outside = path.join(s.dir, 'outside-decisions');
    mkdirSync(outside);
    writeFileSync(path.join(outside, '2026-04-25-planted.md'), '# Planted\n');
    cpSync(s.file('docs/decisions'), path.join(s.dir, 'real-decisions'), { recursive: true });
    rmSync(s.file('docs/decisions'), { recursive: true });
    symlinkSync(outside, s.file('docs/decisions'));
  });
  const out = await diagnoseBoth(sb, 'symlinked decisions');
  assert.equal(out.result.decisions.length, 0, 'no name from outside the checkout');
  assert.ok(!JSON.stringify(out).includes('planted'));
  assert.ok(out.result.warnings.some((w) => w.path === 'docs/decisions' && w.code === 'doc_unreadable'));
});

test('file names with newlines and invalid UTF-8 survive the listing', async () => {
  const sb = sandbox((s) => {
    writeFileSync(s.file('docs/decisions/2026-04-24-two\nlines.md'), '# Two lines\n');
    writeFileSync(Buffer.concat([Buffer.from(`${s.file('docs/decisions')}/2026-04-24-bad`), Buffer.from([0xff, 0xfe]), Buffer.from('.md')]), '# Bad name\n');
    writeFileSync(s.file('docs/decisions/2026-04-24-fine.md'), '# Fine\n');
  });
  const out = await diagnoseBoth(sb, 'odd names');
  const paths = out.result.decisions.map((d) => d.path);
  // The name arrives whole (a record name may not hold a newline, so it is a bad name, not two entries).
  const named = out.result.warnings.filter((w) => w.path === 'docs/decisions/2026-04-24-two\nlines.md');
  assert.deepEqual(named.map((w) => w.code), ['doc_bad_name'], JSON.stringify(out.result.warnings));
  assert.ok(!out.result.warnings.some((w) => w.path?.endsWith('/lines.md') || w.path?.endsWith('-two')), 'no torn entry');
  assert.ok(paths.includes('docs/decisions/2026-04-24-fine.md'));
  assert.ok(out.result.warnings.some((w) => w.code === 'doc_name_not_utf8'), 'a name that is not UTF-8 is skipped with a warning');
  assert.ok(!paths.some((p) => p.includes('\ufffd')));
});

test('an unreadable decision: the same warning from both (run as an unprivileged user)', async (t) => {
  const nobody = (() => {
    try {
      return execFileSync('id', ['-u', 'nobody']).toString().trim();
    } catch {
      return null;
    }
  })();
  if (process.getuid() !== 0 || nobody === null) {
    // Without root, the files of this process are unreadable to it directly.
    if (process.getuid() === 0) return t.skip('no `nobody` user');
  }
  const sb = sandbox((s) => {
    writeFileSync(s.file('docs/decisions/2026-04-26-secret.md'), '# Secret\n');
    execFileSync('chmod', ['-R', 'a+rwX', s.dir]);
    chmodSync(s.file('docs/decisions/2026-04-26-secret.md'), 0o000);
  });
  const as = process.getuid() === 0 ? nobody : undefined;
  const out = await diagnoseBoth(sb, 'unreadable decision', { as });
  const warning = out.result.warnings.find((w) => w.path === 'docs/decisions/2026-04-26-secret.md');
  assert.equal(warning?.message, 'cannot be read: permission denied', JSON.stringify(out.result.warnings));
  assert.ok(!JSON.stringify(out).includes(sb.dir), 'no absolute path of the runner leaks into the diagnosis');
});

test('bad settings and inputs are usage errors (exit 2) in both, naming what to change', async () => {
  const sb = sandbox();
  const out = await diagnoseBoth(sb, 'example');
  const plan = JSON.stringify(examplePlan(sb, out.result.diagnosis_id));
  for (const [name, value] of [
    ['PETROVA_HTTP_TIMEOUT_MS', 'abc'],
    ['PETROVA_NOW', 'yesterday'],
    ['PETROVA_MAX_BODY_CHARS', '10'],
    ['PETROVA_RETRY_ATTEMPTS', 'many'],
  ]) {
    const env = { [name]: value };
    const run = await proposeBoth(sb, `${name}=${value}`, plan, { env });
    assert.equal(run, null);
    const act = await action(sb, { command: 'diagnose', since: SINCE }, { env });
    assert.equal(act.code, 2, `${name}: ${act.stdout}`);
    assert.ok(act.stdout.includes(name), act.stdout);
  }
  // A window that is not one.
  assert.equal(await diagnoseBoth(sb, 'bad since', { since: '2026-02-30' }), null);
  assert.equal(await diagnoseBoth(sb, 'until before since', { since: SINCE, until: '2026-04-01' }), null);
});

test('allow-stale: both accept a stale diagnosis the same way; yes/no inputs parse in core', async () => {
  const sb = sandbox();
  const out = await diagnoseBoth(sb, 'example');
  writeFileSync(sb.file('docs/decisions/2026-04-27-late.md'), '# Late\n');
  const plan = JSON.stringify(examplePlan(sb, out.result.diagnosis_id));
  const stale = await proposeBoth(sb, 'stale refused', plan);
  assert.equal(stale.outcome, 'refused');
  assert.ok(stale.problems.some((p) => p.code === 'diagnosis_stale'));
  const accepted = await proposeBoth(sb, 'stale accepted', plan, { allowStale: true });
  assert.equal(accepted.outcome, 'dry_run');
  assert.ok(accepted.body.includes('accepted as stale') && !accepted.body.includes('--allow-stale'));
  for (const [value, code] of [['True', 0], ['YES', 0], ['on', 0], ['0', 1], ['maybe', 2]]) {
    const planPath = path.join(sb.checkout, 'stale-plan.json');
    writeFileSync(planPath, plan);
    const act = await action(sb, { command: 'propose_fix', input: 'stale-plan.json', actor: TRIGGER.actor, 'triggered-by-kind': TRIGGER.kind, 'triggered-by-ref': TRIGGER.ref, 'allow-stale': value }, { now: PROPOSE_NOW });
    assert.equal(act.code, code, `allow-stale: ${value}\n${act.stdout}`);
    if (code === 2) assert.ok(act.stdout.includes('input `allow-stale`'), act.stdout);
  }
});

test('matrix: a multi-line filter, the same JSON as the CLI', async () => {
  const sb = sandbox((s) => {
    writeFileSync(
      s.registry,
      `${readFileSync(s.registry, 'utf8')}- slug: other-repo\n  url: https://github.com/kahn-hq/other\n  default_branch: main\n  role: sandbox\n  profile: standard\n  fleets_allowed: [kahn-implementer]\n  added: "2026-04-29"\n`,
    );
  });
  const cliRun = await cli(sb, ['registry', 'matrix', '--filter', 'role=sandbox', '--filter', 'fleet=kahn-implementer']);
  const act = await action(sb, { command: 'matrix', filter: 'role=sandbox\n  fleet=kahn-implementer,\n' });
  assert.equal(cliRun.code, 0, cliRun.stderr);
  assert.equal(act.code, 0, act.stdout);
  assert.equal(act.stdout, cliRun.stdout);
  assert.equal(act.outputs.matrix, cliRun.stdout.trim());
  assert.deepEqual(JSON.parse(act.outputs.matrix).include.map((e) => e.slug), ['other-repo']);
  const bad = await action(sb, { command: 'matrix', filter: 'colour=blue' });
  const cliBad = await cli(sb, ['registry', 'matrix', '--filter', 'colour=blue', '--json']);
  assert.equal(bad.code, cliBad.code);
  assert.equal(bad.code, 2);
});

test('every plan of the agreement corpus: both front ends agree', async () => {
  const corpus = JSON.parse(execFileSync(corpusBin, { maxBuffer: 256 * 1024 * 1024 }).toString());
  const sb = sandbox();
  const out = await diagnoseBoth(sb, 'example');
  // The corpus plans cite the ids the native corpus computed over the example; the sandbox's
  // cache holds the id of the same documents for this window.
  const ids = Object.keys(corpus.diagnoses);
  const cache = readFileSync(path.join(sb.state, 'diagnoses', `${out.result.diagnosis_id}.json`), 'utf8');
  let agreed = 0;
  let previewed = 0;
  for (const c of corpus.propose_cases) {
    let plan = c.plan;
    for (const id of ids) plan = plan.split(id).join(out.result.diagnosis_id);
    const env = Object.fromEntries(Object.entries(c.request.env ?? {}));
    const trigger = { actor: c.request.actor, kind: c.request.triggered_by_kind, ref: c.request.triggered_by_ref };
    const dry = await proposeBoth(sb, c.name, plan, { trigger, env });
    agreed += 1;
    if (dry?.outcome !== 'dry_run') continue;
    // The preview renders what the dry run renders: the same title, key, upholds, changes and body.
    const shown = JSON.parse(
      preview(
        JSON.stringify({
          plan,
          diagnosis: cache,
          actor: trigger.actor,
          triggered_by_kind: trigger.kind,
          triggered_by_ref: trigger.ref,
          now: PROPOSE_NOW,
          profile: { name: 'standard' },
          env,
        }),
      ),
    );
    assert.deepEqual(shown.problems, [], `${c.name}: the preview finds no problem the dry run did not`);
    assert.equal(shown.title, dry.title, `${c.name}: preview title`);
    assert.equal(shown.body, dry.body, `${c.name}: preview body`);
    assert.equal(shown.idempotency_key, dry.idempotency_key, `${c.name}: preview key`);
    assert.deepEqual(shown.upholds.map((u) => u.id), dry.upholds, `${c.name}: preview upholds`);
    assert.deepEqual(shown.changes, dry.changes, `${c.name}: preview changes`);
    previewed += 1;
  }
  assert.ok(agreed >= 100, `${agreed} plans`);
  assert.ok(previewed >= 20, `${previewed} previews compared`);
});

// ---------------------------------------------------------------- the hostile corpus

const corpusDir = path.join(root, 'tests/corpus');
/** A sidecar value with its escapes (`\n`, `\t`, `\r`, `\\`, `\u{HEX}`) decoded. */
const unescape = (v) =>
  v.replace(/\\(u\{([0-9a-fA-F]+)\}|n|t|r|\\)/g, (_, e, hex) => (hex ? String.fromCodePoint(parseInt(hex, 16)) : { n: '\n', t: '\t', r: '\r', '\\': '\\' }[e]));
/** The cases of a corpus folder: `{ name, data, directives }` (a case that needs more setup than a file is left to hostile.test.mjs). */
function corpusCases(folder, needsOnly = []) {
  const dir = path.join(corpusDir, folder);
  const cases = [];
  for (const expect of execFileSync('ls', [dir]).toString().split('\n').filter((f) => f.endsWith('.expect'))) {
    const stem = expect.slice(0, -'.expect'.length);
    const dataFile = execFileSync('ls', [dir]).toString().split('\n').find((f) => f.startsWith(`${stem}.`) && !f.endsWith('.expect'));
    if (!dataFile || stem.startsWith('_')) continue;
    const directives = {};
    for (const line of readFileSync(path.join(dir, expect), 'utf8').split('\n')) {
      const m = /^([a-z_]+)=(.*)$/.exec(line);
      if (m) directives[m[1]] = unescape(m[2]);
    }
    const keys = Object.keys(directives).filter((k) => !['exit', 'stderr', 'propose_exit', 'propose', 'prefix', ...needsOnly].includes(k));
    if (keys.length > 0) continue;
    cases.push({ name: `${folder}/${stem}`, data: readFileSync(path.join(dir, dataFile)), directives });
  }
  return cases;
}

test('the hostile corpus: plans, registries, .petrova.yml and documents agree through both front ends', async () => {
  let compared = 0;
  const plans = corpusCases('plans', ['actor', 'kind', 'ref']);
  const sb = sandbox();
  const id = (await diagnoseBoth(sb, 'corpus base')).result.diagnosis_id;
  for (const c of plans) {
    const plan = Buffer.from(c.data.toString('latin1').split('@DIAGNOSIS_ID@').join(id), 'latin1');
    const trigger = { actor: c.directives.actor ?? TRIGGER.actor, kind: c.directives.kind ?? TRIGGER.kind, ref: c.directives.ref ?? TRIGGER.ref };
    await proposeBoth(sb, c.name, plan, { trigger });
    compared += 1;
  }
  for (const c of corpusCases('registries')) {
    const s = sandbox((x) => writeFileSync(x.registry, c.data));
    await diagnoseBoth(s, c.name);
    compared += 1;
  }
  for (const c of corpusCases('petrova-yml')) {
    const s = sandbox((x) => writeFileSync(x.file('.petrova.yml'), c.data));
    await diagnoseBoth(s, c.name);
    compared += 1;
  }
  for (const c of corpusCases('docs', ['at'])) {
    if (!c.directives.at) continue;
    const s = sandbox((x) => {
      mkdirSync(path.dirname(x.file(c.directives.at)), { recursive: true });
      writeFileSync(x.file(c.directives.at), c.data);
    });
    await diagnoseBoth(s, c.name);
    compared += 1;
  }
  assert.ok(compared >= 120, `${compared} corpus cases compared`);
});

// ---------------------------------------------------------------- workflow commands

/** The lines a runner would read from `text` (`\r`, `\n` and `\r\n` end a line), trimmed as it trims them. */
const runnerLines = (text) => text.split(/\r\n|\r|\n/).map((l) => l.trimStart());

/** Asserts no line of `text` is a workflow command petrova did not mean to write. */
function assertNoInjectedCommand(what, text, own = []) {
  for (const line of runnerLines(text)) {
    if (!line.startsWith('::')) continue;
    const allowed = line.startsWith('::error ') || line.startsWith('::error title=') || own.some((o) => line === o);
    assert.ok(allowed, `${what}: a line the runner obeys: ${JSON.stringify(line)}`);
  }
  assert.ok(!text.includes('##['), `${what}: a legacy ##[ command`);
  assert.ok(!/[\u0007\u001b]/.test(text), `${what}: raw ESC/BEL bytes reach the terminal`);
}

test('a hostile plan, document or input writes no workflow command, through either front end', async () => {
  const INJECT = '\n::set-output name=pr-url::https://evil.example/pull/1\n::add-mask::MR-7\r::warning::x\u001b[31m\u0007 ##[error]boom';
  const sb = sandbox((s) => {
    // A decision title, a guard rule id and a file name that try the same.
    writeFileSync(s.file('docs/decisions/2026-04-25-evil.md'), `# Evil ${INJECT.replace(/\n/g, ' ')}\n`);
    writeFileSync(s.file('docs/decisions/2026-04-26-::set-output name=x::y.md'), '# Named\n');
    writeFileSync(s.file('docs/decisions/2026-04-26-a\n::add-mask::b.md'), '# Torn\n');
  });
  const out = await diagnoseBoth(sb, 'hostile documents');
  for (const run of [await cli(sb, ['diagnose', SLUG, '--since', SINCE]), await action(sb, { command: 'diagnose', since: SINCE })]) {
    assertNoInjectedCommand('diagnose', run.stdout + run.stderr);
  }
  const base = examplePlan(sb, out.result.diagnosis_id);
  const plans = {
    'diagnosis id': { ...base, diagnosis_id: `diag-x${INJECT}` },
    'grounding ref': { ...base, mr_grounding: [{ kind: 'finding', ref: `docs/findings/x${INJECT}`, claim: 'c' }] },
    'unknown key': { ...base, [`k${INJECT}`]: 1 },
    'enum value': { ...base, proposed_changes: [{ ...base.proposed_changes[0], operation: `create${INJECT}` }] },
    'path without contents': { ...base, proposed_changes: [{ operation: 'modify', path: `src/a${INJECT}.rs` }] },
    'title and rationale': { ...base, title: `t${INJECT}`, rationale: `r${INJECT}` },
  };
  for (const [what, plan] of Object.entries(plans)) {
    const planPath = path.join(sb.checkout, 'hostile.json');
    writeFileSync(planPath, JSON.stringify(plan));
    const args = ['propose_fix', SLUG, '--input', planPath, '--actor', TRIGGER.actor, '--triggered-by-kind', TRIGGER.kind, '--triggered-by-ref', TRIGGER.ref];
    const cliRun = await cli(sb, args, { now: PROPOSE_NOW });
    assertNoInjectedCommand(`CLI, ${what}`, cliRun.stdout + cliRun.stderr);
    const act = await action(
      sb,
      { command: 'propose_fix', input: 'hostile.json', actor: `fleet:kahn-implementer${INJECT}`, 'triggered-by-kind': TRIGGER.kind, 'triggered-by-ref': `r${INJECT}` },
      { now: PROPOSE_NOW, env: { INPUT_TOKEN: 'ghs_line-one\n::set-output name=x::line-two' } },
    );
    assertNoInjectedCommand(`Action, ${what}`, act.stdout + act.stderr, ['::add-mask::ghs_line-one', '::add-mask::::set-output name=x::line-two']);
    assert.ok(!act.outputs['pr-url'], `${what}: no forged output`);
    for (const [name, value] of Object.entries(act.outputs)) assert.ok(!/[\r\n]/.test(value), `${what}: output ${name} is one line`);
  }
});

test("the Action's input and registry stay inside the workspace, with no symlink on the way (exit 2)", async () => {
  const sb = sandbox((s) => {
    writeFileSync(path.join(s.dir, 'outside.json'), readFileSync(path.join(s.ws, 'fix.json')));
    symlinkSync(path.join(s.dir, 'outside.json'), s.file('linked.json'));
    mkdirSync(path.join(s.dir, 'elsewhere'));
    symlinkSync(path.join(s.dir, 'elsewhere'), s.file('plans-link'));
    writeFileSync(path.join(s.dir, 'elsewhere', 'fix.json'), '{}');
    symlinkSync(s.registry, s.file('registry-link.yaml'));
  });
  await diagnoseBoth(sb, 'example');
  const propose = { command: 'propose_fix', actor: TRIGGER.actor, 'triggered-by-kind': TRIGGER.kind, 'triggered-by-ref': TRIGGER.ref };
  for (const [what, inputs, needle] of [
    ['an absolute input', { input: path.join(sb.dir, 'outside.json') }, 'input `input`'],
    ['an input that leaves', { input: '../../outside.json' }, 'input `input`'],
    ['an input that is a symlink', { input: 'linked.json' }, 'symlink'],
    ['an input behind a symlinked folder', { input: 'plans-link/fix.json' }, 'symlink'],
    ['a registry that leaves', { input: 'x.json', registry: '../registry.yaml' }, 'input `registry`'],
    ['a registry that is a symlink', { input: 'x.json', registry: 'registry-link.yaml' }, 'symlink'],
  ]) {
    const run = await action(sb, { ...propose, ...inputs }, { now: PROPOSE_NOW });
    assert.equal(run.code, 2, `${what}: ${run.stdout}`);
    assert.ok(run.stdout.includes(needle), `${what}: ${run.stdout}`);
    assert.ok(!run.stdout.includes('propose_fix →'), `${what}: nothing was validated`);
  }
});
