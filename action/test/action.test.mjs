// The Action's Node entry (action/src/main.mjs) run as a GitHub runner runs it:
// the composite step's INPUT_* environment, per-step GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, one RUNNER_TEMP shared by the steps of a job, the
// target repository's own checkout as the workspace, and GITHUB_API_URL
// pointing at the stateful fake GitHub (fake-github/). The tests of this file
// share one job (a workspace and a RUNNER_TEMP) as the steps of a job do, but
// none depends on another having run: the diagnose step and the dry run are
// memoized prerequisites each test awaits, and every test that needs GitHub in a
// known state resets the fake first. Any test can run alone
// (`node --test --test-name-pattern …`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOutputs, runProcess, unwrapStopCommands } from '../test-support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mainScript = process.env.PETROVA_ACTION_MAIN || path.join(root, 'action/src/main.mjs');
const fakeBin = process.env.PETROVA_FAKE_GITHUB || path.join(root, 'target/debug/fake-github');
const petrovaBin = process.env.PETROVA_BIN || path.join(root, 'target/debug/petrova');
const example = path.join(root, 'examples/workspace');

const WAIT_MS = 10_000; // every wait of this file is bounded by this
const TOKEN = 'ghs_petrovaActionTestToken7f3c9a1e';
const OWNER = 'kahn-hq';
const REPO = 'kahn';
const DIAGNOSE_NOW = '2026-04-29T14:30:00Z';
const PROPOSE_NOW = '2026-04-29T14:32:18Z';
const HEAD_SHA = '5e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5';
const TRIGGER = { actor: 'fleet:kahn-implementer', 'triggered-by-kind': 'audit_fail', 'triggered-by-ref': 'ci-run-12345' };
const plan = JSON.parse(readFileSync(path.join(example, 'fix.json'), 'utf8'));

// ---------------------------------------------------------------- helpers

const scratch = mkdtempSync(path.join(tmpdir(), 'petrova-action-test-'));
let fake = null; // { proc, url, stderr }

function withTimeout(promise, what, ms = WAIT_MS) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function startFake() {
  const proc = spawn(fakeBin, ['--port', '0', '--owner', OWNER, '--repo', REPO, '--token', TOKEN], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr += d;
  });
  const listening = new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      stdout += d;
      const nl = stdout.indexOf('\n');
      if (nl >= 0) {
        const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)\s*$/.exec(stdout.slice(0, nl));
        if (m) resolve(m[1]);
        else reject(new Error(`unexpected first line from fake-github: ${stdout.slice(0, nl)}`));
      }
    });
    proc.on('error', reject);
    proc.on('exit', (code) => reject(new Error(`fake-github exited (${code}) before listening: ${stderr}`)));
  });
  return withTimeout(listening, 'fake-github start').then((url) => ({ proc, url, stderr: () => stderr }));
}

async function fakeCall(method, p, body) {
  const response = await fetch(`${fake.url}${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(WAIT_MS),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${p}: ${response.status} ${text}`);
  return text === '' ? null : JSON.parse(text);
}
const fakeLog = () => fakeCall('GET', '/_fake/log');
const fakeState = () => fakeCall('GET', '/_fake/state');
const fakeReset = () => fakeCall('POST', '/_fake/reset');

/** The target repository's checkout, as actions/checkout leaves it. */
function makeWorkspace(name) {
  const ws = path.join(scratch, name, 'workspace');
  cpSync(path.join(example, 'kahn-hq'), ws, { recursive: true });
  cpSync(path.join(example, 'registry.yaml'), path.join(ws, 'petrova-registry.yaml'));
  cpSync(path.join(example, 'fix.json'), path.join(ws, 'fix.json'));
  fakeGit(ws);
  return ws;
}

/** A minimal .git naming HEAD's commit (petrova reads it without running git). */
function fakeGit(dir) {
  mkdirSync(path.join(dir, '.git/refs/heads'), { recursive: true });
  writeFileSync(path.join(dir, '.git/HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(path.join(dir, '.git/refs/heads/main'), `${HEAD_SHA}\n`);
}

/** One job: a workspace and a RUNNER_TEMP shared by its steps. */
function makeJob(name) {
  const dir = path.join(scratch, name);
  const workspace = makeWorkspace(name);
  const runnerTemp = path.join(dir, 'runner-temp');
  mkdirSync(runnerTemp, { recursive: true });
  return { name, dir, workspace, runnerTemp, steps: 0 };
}

// The inputs action.yml declares, with their defaults: the composite step sets
// every INPUT_* variable, to the input's default when the workflow omits it.
const actionYml = readFileSync(path.join(root, 'action.yml'), 'utf8');
function ymlSection(name) {
  const m = new RegExp(`^${name}:\\n((?:(?: .*)?\\n)*)`, 'm').exec(actionYml);
  assert.ok(m, `action.yml has ${name}:`);
  return m[1];
}
const declaredInputs = (() => {
  const inputs = {};
  for (const block of ymlSection('inputs').split(/^(?= {2}[a-z])/m)) {
    const name = /^ {2}([a-z][a-z-]*):$/m.exec(block);
    if (!name) continue;
    const def = /^ {4}default: (.*)$/m.exec(block);
    inputs[name[1]] = def ? def[1].trim().replace(/^"(.*)"$/, '$1') : '';
  }
  return inputs;
})();
const declaredOutputs = [...ymlSection('outputs').matchAll(/^ {2}([a-z][a-z-]*):$/gm)].map((m) => m[1]);
// The inputs these tests drive (every one must be declared).
const drivenInputs = ['command', 'target', 'registry', 'since', 'until', 'input', 'actor', 'triggered-by-kind', 'triggered-by-ref', 'allow-stale', 'supersede', 'reconsider', 'apply', 'token', 'workspace'];
const envName = (input) => `INPUT_${input.toUpperCase().replace(/[- ]/g, '_')}`;

/** Runs one step of `job`: `node action/src/main.mjs` with the runner's environment. */
async function runStep(job, inputs, { env = {}, now = PROPOSE_NOW } = {}) {
  job.steps += 1;
  const stepDir = path.join(job.dir, `step-${job.steps}`);
  mkdirSync(stepDir, { recursive: true });
  const outputFile = path.join(stepDir, 'github-output');
  const summaryFile = path.join(stepDir, 'step-summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const defaults = Object.fromEntries(
    Object.entries(declaredInputs).map(([name, value]) => [
      name,
      value === '${{ github.token }}' ? TOKEN : value === '${{ github.workspace }}' ? job.workspace : value,
    ]),
  );
  const all = { ...defaults, ...inputs };
  const stepEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME || job.dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_WORKSPACE: job.workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_API_URL: fake ? fake.url : 'http://127.0.0.1:9',
    RUNNER_TEMP: job.runnerTemp,
    PETROVA_NOW: now,
    PETROVA_RETRY_BASE_MS: '10',
    PETROVA_HTTP_TIMEOUT_MS: '5000',
  };
  for (const [name, value] of Object.entries(all)) stepEnv[envName(name)] = value;
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete stepEnv[name];
    else stepEnv[name] = value;
  }
  const { code, stdout, stderr } = await runProcess(process.execPath, [mainScript], {
    cwd: job.workspace,
    env: stepEnv,
    timeoutMs: WAIT_MS,
    what: `step ${job.steps} of ${job.name}`,
  });
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
  };
}

/** Runs the native CLI; resolves with its exit code and output. */
async function runCli(args, env) {
  const { code, stdout, stderr } = await runProcess(petrovaBin, args, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME || scratch, ...env },
    timeoutMs: WAIT_MS,
    what: `petrova ${args.join(' ')}`,
  });
  assert.equal(code, 0, `petrova ${args.join(' ')} exited ${code}: ${stderr}`);
  return stdout;
}

const lines = (text) => text.split('\n').filter((l) => l !== '');
const commandLines = (text) => lines(text).filter((l) => l.startsWith('::'));
/** The token may appear only in the `::add-mask::` line, which must come first. */
function assertMasked(run) {
  const out = lines(run.stdout);
  assert.equal(out[0], `::add-mask::${TOKEN}`, 'the token is masked before anything else is printed');
  assert.ok(!out.slice(1).join('\n').includes(TOKEN), 'the token appears in stdout beyond the mask');
  assert.ok(!run.stderr.includes(TOKEN), 'the token appears in stderr');
  assert.ok(!run.summary.includes(TOKEN), 'the token appears in the step summary');
  assert.ok(!Object.values(run.outputs).some((v) => v.includes(TOKEN)), 'the token appears in an output');
}
/** The body part of a propose_fix step summary (after the fenced text). */
function summaryBody(summary) {
  const at = summary.indexOf('## Petrova action: `propose_fix`');
  assert.ok(at >= 0, `no PR body in the step summary:\n${summary}`);
  return summary.slice(at);
}
function metadataKey(body) {
  const block = /<!-- petrova:metadata -->\n```yaml\n([\s\S]*?)\n```/.exec(body);
  assert.ok(block, 'the body has a metadata block');
  const key = /^ {2}idempotency_key: ([0-9a-f]{64})$/m.exec(block[1]);
  assert.ok(key, 'the metadata block has an idempotency key');
  return key[1];
}
function findFiles(dir, name) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findFiles(full, name));
    else if (entry.name === name) found.push(full);
  }
  return found;
}
const proposeInputs = (extra = {}) => ({ command: 'propose_fix', input: 'fix.json', ...TRIGGER, ...extra });

// ---------------------------------------------------------------- lifecycle

before(async () => {
  assert.ok(existsSync(fakeBin), `${fakeBin} is missing: cargo build -p petrova-fake-github`);
  fake = await startFake();
});

after(async () => {
  if (fake) {
    const exited = new Promise((resolve) => fake.proc.once('exit', resolve));
    fake.proc.kill('SIGTERM');
    await withTimeout(exited, 'fake-github stop', WAIT_MS).catch(() => fake.proc.kill('SIGKILL'));
  }
  rmSync(scratch, { recursive: true, force: true });
});

// ---------------------------------------------------------------- action.yml

test('action.yml passes every input to main.mjs as INPUT_*, and every output from the step', () => {
  const inputs = Object.keys(declaredInputs);
  for (const name of drivenInputs) assert.ok(inputs.includes(name), `action.yml lacks input ${name}`);
  for (const name of inputs) {
    assert.match(actionYml, new RegExp(`^ +${envName(name)}: \\$\\{\\{ inputs\\.${name} \\}\\}$`, 'm'), `input ${name}`);
  }
  for (const name of ['outcome', 'diagnosis-id', 'idempotency-key', 'branch', 'pr-number', 'pr-url', 'upholds']) {
    assert.ok(declaredOutputs.includes(name), `action.yml lacks output ${name}`);
  }
  for (const name of declaredOutputs) {
    assert.match(actionYml, new RegExp(`value: \\$\\{\\{ steps\\.run\\.outputs\\.${name} \\}\\}`), `output ${name}`);
  }
  assert.equal(declaredInputs.registry, 'petrova-registry.yaml');
  assert.equal(declaredInputs.apply, 'false');
  assert.equal(declaredInputs.token, '${{ github.token }}');
  assert.equal(declaredInputs.workspace, '${{ github.workspace }}');
  assert.match(actionYml, /^ {2}using: composite$/m);
  assert.match(actionYml, /run: node "\$\{\{ github\.action_path \}\}\/action\/src\/main\.mjs"/);
});

// ---------------------------------------------------------------- one job

const job = makeJob('job');
/** Runs `f` once; later calls get the same promise. */
const once = (f) => {
  let promise = null;
  return () => (promise ??= f());
};
// The job's diagnose step, with the fake's log right after it.
const diagnosed = once(async () => {
  await fakeReset();
  // No `target`: the registry entry is the one whose url is GITHUB_REPOSITORY.
  const run = await runStep(job, { command: 'diagnose', since: '2026-04-22' }, { now: DIAGNOSE_NOW });
  return { run, log: await fakeLog() };
});
// The job's dry run (after its diagnose step), with the fake's log right after it.
const dryRunStep = once(async () => {
  await diagnosed();
  await fakeReset();
  const run = await runStep(job, proposeInputs({ target: 'kahn-hq' }));
  return { run, log: await fakeLog() };
});
/** What the dry run showed: outputs, the body in the step summary, stdout. */
async function dryRunResult() {
  const { run } = await dryRunStep();
  return { outputs: run.outputs, body: summaryBody(run.summary), stdout: run.stdout };
}

test('diagnose: outcome, diagnosis id, step summary and the cache under RUNNER_TEMP', async () => {
  const { run, log } = await diagnosed();
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(run.outputs.outcome, 'diagnosed');
  assert.match(run.outputs['diagnosis-id'], /^diag-[0-9a-f]{16}$/);
  const diagnosisId = run.outputs['diagnosis-id'];
  assert.equal(diagnosisId, plan.diagnosis_id, 'the example plan cites the diagnosis its documents produce');
  assert.equal(commandLines(run.stdout).length, 0, `no workflow command expected:\n${run.stdout}`);
  assert.match(run.stdout, new RegExp(`diagnose kahn-hq → ${diagnosisId}`));
  assert.match(run.stdout, /phase: Phase-7 \(closed\)/);

  assert.match(run.summary, /^### petrova diagnose\n/);
  assert.ok(run.summary.includes(diagnosisId));
  assert.ok(run.summary.includes('open milestones: M7.8.2, M8.1.1'));

  const cached = findFiles(job.runnerTemp, `${diagnosisId}.json`);
  assert.ok(cached.length >= 1, 'the diagnosis is cached under RUNNER_TEMP');
  for (const file of cached) {
    const json = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(json.verb, 'diagnose');
    assert.equal(json.target_repo, 'kahn-hq');
    assert.equal(json.result.diagnosis_id, diagnosisId);
    assert.equal(json.result.scanned_at, DIAGNOSE_NOW);
    assert.equal(json.result.head, HEAD_SHA, 'head is the commit the checkout names');
  }
  if (declaredOutputs.includes('diagnosis-file')) {
    const file = run.outputs['diagnosis-file'];
    assert.ok(cached.includes(file), `diagnosis-file ${file} is one of the cached files`);
  }
  assert.ok(!existsSync(path.join(job.workspace, '.petrova')), 'nothing is written into the checkout');
  assert.deepEqual(log, [], 'diagnose sends nothing to GitHub');
});

test('dry run in the same job: key, branch, upholds, rendered body, no request', async () => {
  const diagnosisId = (await diagnosed()).run.outputs['diagnosis-id'];
  const { run, log } = await dryRunStep();
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assertMasked(run);
  const { outputs } = run;
  assert.equal(outputs.outcome, 'dry_run');
  assert.match(outputs['idempotency-key'], /^[0-9a-f]{64}$/);
  assert.equal(outputs.branch, `petrova/propose-fix/${outputs['idempotency-key'].slice(0, 8)}`);
  assert.equal(outputs.upholds, 'MR-7,MR-12');
  assert.equal(outputs['pr-number'] ?? '', '');
  assert.equal(outputs['pr-url'] ?? '', '');
  assert.deepEqual(commandLines(run.stdout), [`::add-mask::${TOKEN}`]);
  assert.ok(
    run.stdout.includes(
      `propose_fix → dry_run ${outputs['idempotency-key'].slice(0, 12)}\n  upholds: MR-7, MR-12\n  branch: ${outputs.branch}\n  create backend/migrations/0046_kahn_internal_rls.sql (192 B)\n`,
    ),
    run.stdout,
  );

  assert.match(run.summary, /^### petrova propose_fix: dry_run\n/);
  const body = summaryBody(run.summary);
  assert.equal(metadataKey(body), outputs['idempotency-key']);
  assert.ok(body.includes('  actor: fleet:kahn-implementer\n'));
  assert.ok(body.includes(`  applied_at: ${PROPOSE_NOW}\n`));
  assert.ok(body.includes(plan.rationale));
  assert.ok(body.includes('- MR-7 — '));
  assert.ok(body.includes(`Diagnosis: \`${diagnosisId}\``));
  assert.deepEqual(log, [], 'a dry run sends nothing to GitHub');
});

test('dry run without `target` picks the registry entry by GITHUB_REPOSITORY, same key', async () => {
  const dryRun = await dryRunResult();
  const run = await runStep(job, proposeInputs());
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(run.outputs.outcome, 'dry_run');
  assert.equal(run.outputs['idempotency-key'], dryRun.outputs['idempotency-key']);
  assert.equal(summaryBody(run.summary), dryRun.body);

  const other = await runStep(job, proposeInputs(), { env: { GITHUB_REPOSITORY: 'someone/else' } });
  assert.equal(other.code, 3, 'a repository the registry does not list is a configuration error');
  assert.equal(commandLines(other.stdout).filter((l) => l.startsWith('::error')).length, 1, other.stdout);
  assert.deepEqual(await fakeLog(), []);
});

test('a new job without the diagnose step: the diagnosis is not in its RUNNER_TEMP, refused', async () => {
  const fresh = makeJob('fresh-job');
  const run = await runStep(fresh, proposeInputs());
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.equal(run.outputs.outcome, 'refused');
  const errors = commandLines(run.stdout).filter((l) => l.startsWith('::error'));
  assert.equal(errors.length, 1, run.stdout);
  assert.match(errors[0], /^::error file=fix\.json,title=[^:]*\/diagnosis_id::/);
  assert.ok(errors[0].includes(plan.diagnosis_id));
  assert.deepEqual(await fakeLog(), []);
});

test('apply against the fake: one PR carrying the same key; the token is masked', async () => {
  const dryRun = await dryRunResult();
  await fakeReset();
  const run = await runStep(job, proposeInputs({ apply: 'true' }));
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assertMasked(run);
  const { outputs } = run;
  assert.equal(outputs.outcome, 'applied');
  assert.equal(outputs['idempotency-key'], dryRun.outputs['idempotency-key']);
  assert.equal(outputs.branch, dryRun.outputs.branch);
  assert.equal(outputs.upholds, 'MR-7,MR-12');
  assert.equal(outputs['pr-number'], '1234');
  assert.match(outputs['pr-url'], /^https?:\/\/\S+\/pull\/1234$/);
  assert.deepEqual(commandLines(run.stdout), [`::add-mask::${TOKEN}`]);
  assert.match(run.stdout, /propose_fix → applied [0-9a-f]{12}\n/);

  const state = await fakeState();
  assert.equal(state.pulls.length, 1, 'exactly one pull request');
  const [pr] = state.pulls;
  assert.equal(pr.number, 1234);
  assert.equal(pr.state, 'open');
  assert.equal(pr.html_url, outputs['pr-url']);
  assert.equal(pr.title, plan.title);
  assert.equal(pr.head, outputs.branch);
  assert.equal(pr.base, 'main');
  assert.equal(metadataKey(pr.body), outputs['idempotency-key']);
  assert.equal(summaryBody(run.summary).trimEnd(), pr.body.trimEnd(), 'the step summary shows the body that was sent');
  assert.equal(pr.body, dryRun.body, 'the dry run showed exactly the body that was sent');

  const branch = await fakeCall('GET', `/_fake/branches/${outputs.branch}`);
  assert.equal(branch.files['backend/migrations/0046_kahn_internal_rls.sql'], plan.proposed_changes[0].contents);

  const log = await fakeLog();
  assert.ok(log.length > 0);
  assert.ok(log.every((e) => e.status >= 200 && e.status < 300), JSON.stringify(log.map((e) => [e.method, e.path, e.status])));
  assert.ok(!JSON.stringify(log).includes(TOKEN));
});

test('re-run (another CI run, later): skipped_idempotent, still one PR, nothing written', async () => {
  const dryRun = await dryRunResult();
  await fakeReset();
  assert.equal((await runStep(job, proposeInputs({ apply: 'true' }))).outputs.outcome, 'applied');
  const before = (await fakeLog()).length;
  const run = await runStep(job, proposeInputs({ apply: 'true', 'triggered-by-ref': 'ci-run-12399' }), { now: '2026-04-29T16:00:00Z' });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assertMasked(run);
  assert.equal(run.outputs.outcome, 'skipped_idempotent');
  assert.equal(run.outputs['idempotency-key'], dryRun.outputs['idempotency-key']);
  assert.equal(run.outputs['pr-number'], '1234');
  assert.match(run.stdout, /PR #1234 \(existing\)/);
  assert.match(run.summary, /^### petrova propose_fix: skipped_idempotent\n/);
  const state = await fakeState();
  assert.equal(state.pulls.length, 1);
  const rerun = (await fakeLog()).slice(before);
  assert.ok(rerun.length > 0);
  assert.deepEqual(rerun.filter((e) => e.method !== 'GET'), [], 'a re-run only reads');
});

test('a transient 502 on the pull request creation is retried: still exactly one PR', async () => {
  await diagnosed(); // the job's diagnose step
  await fakeReset();
  await fakeCall('POST', '/_fake/faults', { method: 'POST', path_prefix: `/repos/${OWNER}/${REPO}/pulls`, status: 502, headers: { 'retry-after': '0' } });
  const run = await runStep(job, proposeInputs({ apply: 'true' }));
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(run.outputs.outcome, 'applied');
  assert.equal(run.outputs['pr-number'], '1234');
  assert.equal((await fakeState()).pulls.length, 1);
  assert.ok((await fakeLog()).some((e) => e.fault === 'status 502'));
});

test('GitHub failing past the retries: exit 4, an error annotation, the token never printed', async () => {
  await diagnosed(); // the job's diagnose step
  await fakeReset();
  await fakeCall('POST', '/_fake/faults', { method: 'POST', path_prefix: `/repos/${OWNER}/${REPO}/pulls`, status: 503, times: 50 });
  const run = await runStep(job, proposeInputs({ apply: 'true' }), { env: { PETROVA_RETRY_ATTEMPTS: '2' } });
  assert.equal(run.code, 4, run.stdout + run.stderr);
  assertMasked(run);
  const errors = commandLines(run.stdout).filter((l) => l.startsWith('::error'));
  assert.equal(errors.length, 1, run.stdout);
  assert.equal((await fakeState()).pulls.length, 0);
  await fakeCall('DELETE', '/_fake/faults');
  // The next run resumes on the branch the failed one left behind.
  const resumed = await runStep(job, proposeInputs({ apply: 'true' }));
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.equal(resumed.outputs.outcome, 'applied');
  assert.equal((await fakeState()).pulls.length, 1);
});

test('a PR a human closed: skipped_rejected, never reopened', async () => {
  await diagnosed(); // the job's diagnose step
  await fakeReset();
  assert.equal((await runStep(job, proposeInputs({ apply: 'true' }))).outputs.outcome, 'applied');
  await fakeCall('POST', '/_fake/pulls/1234/close');
  const run = await runStep(job, proposeInputs({ apply: 'true' }));
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(run.outputs.outcome, 'skipped_rejected');
  assert.equal(run.outputs['pr-number'], '1234');
  const state = await fakeState();
  assert.equal(state.pulls.length, 1);
  assert.equal(state.pulls[0].state, 'closed');
});

test('the branch holds something else: conflict, exit 1, an error annotation, no ref or PR touched', async () => {
  const dryRun = await dryRunResult();
  await fakeReset();
  const { branch } = dryRun.outputs;
  const { sha } = await fakeCall('POST', '/_fake/branches', { branch, files: { 'other.txt': 'not petrova\n' } });
  const run = await runStep(job, proposeInputs({ apply: 'true' }));
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assertMasked(run);
  assert.equal(run.outputs.outcome, 'conflict');
  assert.equal(run.outputs['idempotency-key'], dryRun.outputs['idempotency-key']);
  const errors = commandLines(run.stdout).filter((l) => l.startsWith('::error'));
  assert.equal(errors.length, 1, run.stdout);
  assert.ok(errors[0].includes(branch), errors[0]);
  const state = await fakeState();
  assert.equal(state.pulls.length, 0);
  assert.equal(state.refs[`refs/heads/${branch}`], sha, 'the branch is left as it was');
  const writes = (await fakeLog()).filter((e) => e.method !== 'GET' && e.status < 300 && /\/git\/refs|\/pulls/.test(e.path));
  assert.deepEqual(writes, [], 'no ref or pull request written');
});

// ---------------------------------------------------------------- refusals and configuration

test('a bad plan: one ::error file=…,title=…:: annotation per problem, exit 1, refused, no request', async () => {
  await diagnosed(); // the job's diagnose step
  await fakeReset();
  const bad = structuredClone(plan);
  bad.proposed_changes[0].path = '../x';
  bad.mr_grounding[0].ref = 'MR-99';
  mkdirSync(path.join(job.workspace, 'plans'), { recursive: true });
  writeFileSync(path.join(job.workspace, 'plans/bad.json'), JSON.stringify(bad, null, 2));
  const run = await runStep(job, proposeInputs({ input: 'plans/bad.json', apply: 'true' }));
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.equal(run.outputs.outcome, 'refused');
  assertMasked(run);
  const errors = commandLines(run.stdout).filter((l) => l.startsWith('::error'));
  assert.equal(errors.length, 2, run.stdout);
  for (const line of errors) assert.match(line, /^::error file=plans\/bad\.json,title=[^:\n]+::\S/);
  const pathProblem = errors.find((l) => l.includes('/proposed_changes/0/path'));
  const ruleProblem = errors.find((l) => l.includes('/mr_grounding/0/ref'));
  assert.ok(pathProblem && pathProblem.includes('../x'), run.stdout);
  assert.ok(ruleProblem && ruleProblem.includes('MR-99'), run.stdout);
  assert.match(run.summary, /^### petrova propose_fix: refused\n/);
  assert.ok(run.summary.includes('MR-99') && run.summary.includes('../x'));
  assert.deepEqual(await fakeLog(), [], 'a refused plan sends nothing');
  assert.equal((await fakeState()).pulls.length, 0);
});

test('annotation properties are escaped (a key with `,` and `:`)', async () => {
  await diagnosed(); // the job's diagnose step
  const odd = { ...plan, 'x,y:z': 1 };
  mkdirSync(path.join(job.workspace, 'plans'), { recursive: true });
  writeFileSync(path.join(job.workspace, 'plans/odd.json'), JSON.stringify(odd));
  const run = await runStep(job, proposeInputs({ input: 'plans/odd.json' }));
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const errors = commandLines(run.stdout).filter((l) => l.startsWith('::error'));
  assert.equal(errors.length, 1, run.stdout);
  const props = /^::error (.*?)::/.exec(errors[0])[1];
  assert.deepEqual(
    props.split(',').map((p) => p.split('=')[0]),
    ['file', 'title'],
    `properties must not contain a raw , or : (${props})`,
  );
  assert.ok(props.includes('x%2Cy%3Az'), props);
});

test('the size limits from the step env: a plan over PETROVA_MAX_PLAN_BYTES is refused, a bad value is exit 2', async () => {
  await diagnosed(); // the job's diagnose step
  await fakeReset();
  const size = readFileSync(path.join(job.workspace, 'fix.json')).length;
  const run = await runStep(job, proposeInputs({ apply: 'true' }), { env: { PETROVA_MAX_PLAN_BYTES: '1000' } });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.equal(run.outputs.outcome, 'refused');
  const errors = commandLines(run.stdout).filter((l) => l.startsWith('::error'));
  assert.equal(errors.length, 1, run.stdout);
  assert.ok(errors[0].includes('plan_too_large') && errors[0].includes(String(size)), errors[0]);
  assert.deepEqual(await fakeLog(), [], 'a refused plan sends nothing');

  const withinBudget = await runStep(job, proposeInputs(), { env: { PETROVA_MAX_BODY_CHARS: '4096' } });
  assert.equal(withinBudget.code, 0, withinBudget.stdout + withinBudget.stderr);

  for (const [name, value] of [['PETROVA_MAX_BODY_CHARS', '10'], ['PETROVA_MAX_DOC_BYTES', 'lots']]) {
    const bad = await runStep(job, name === 'PETROVA_MAX_DOC_BYTES' ? { command: 'diagnose', since: '2026-04-22' } : proposeInputs(), { env: { [name]: value }, now: DIAGNOSE_NOW });
    assert.equal(bad.code, 2, bad.stdout + bad.stderr);
    assert.ok((bad.stdout + bad.stderr).includes(name), bad.stdout + bad.stderr);
  }
});

test('a missing registry: exit 3, an error annotation, no request', async () => {
  await diagnosed(); // the job's diagnose step
  await fakeReset();
  const run = await runStep(job, proposeInputs({ registry: 'no-such-registry.yaml', apply: 'true' }));
  assert.equal(run.code, 3, run.stdout + run.stderr);
  const errors = commandLines(run.stdout).filter((l) => l.startsWith('::error'));
  assert.equal(errors.length, 1, run.stdout);
  assert.ok(errors[0].includes('no-such-registry.yaml'));
  assert.ok(!lines(run.stdout).some((l) => l.includes(TOKEN) && l !== `::add-mask::${TOKEN}`));
  assert.deepEqual(await fakeLog(), []);

  const diag = await runStep(job, { command: 'diagnose', since: '2026-04-22', registry: 'no-such-registry.yaml' }, { now: DIAGNOSE_NOW });
  assert.equal(diag.code, 3, diag.stdout + diag.stderr);
});

test('apply without a token: exit 3 and no request', async () => {
  await diagnosed(); // the job's diagnose step
  await fakeReset();
  const run = await runStep(job, proposeInputs({ apply: 'true', token: '' }), { env: { GITHUB_TOKEN: undefined, PETROVA_GITHUB_TOKEN: undefined } });
  assert.equal(run.code, 3, run.stdout + run.stderr);
  const errors = commandLines(run.stdout).filter((l) => l.startsWith('::error'));
  assert.equal(errors.length, 1, run.stdout);
  assert.match(errors[0], /token/);
  assert.ok(!commandLines(run.stdout).some((l) => l.startsWith('::add-mask::')), 'nothing to mask');
  assert.deepEqual(await fakeLog(), [], 'no request without a token');
  assert.equal((await fakeState()).pulls.length, 0);
});

test('an unknown command: exit 2', async () => {
  await diagnosed(); // the job's diagnose step
  const run = await runStep(job, { command: 'merge' });
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.equal(commandLines(run.stdout).filter((l) => l.startsWith('::error')).length, 1, run.stdout);
});

// ---------------------------------------------------------------- fleet PRs

/** A petrova metadata body for `key`, listing `paths`. */
function petrovaBody(key, paths) {
  const changes = paths.map((p) => `  - ${p}\n`).join('');
  return `## Petrova action: \`propose_fix\`\n\n<!-- petrova:metadata -->\n\`\`\`yaml\npetrova:\n  verb: propose_fix\n  target_repo: kahn-hq\n  idempotency_key: ${key}\n  schema_version: 1\n  schema_fingerprint: '000000000000'\n  actor: fleet:kahn-implementer\n  triggered_by:\n    kind: audit_fail\n    ref: 'ci-run-1 | @alice <b>x</b>'\n  applied_at: 2026-03-01T00:00:00Z\n  changes:\n${changes}\`\`\`\n`;
}

/** A job whose registry gives kahn-hq a profile that expires PRs after 30 days. */
function fleetJob(name) {
  const fleet = makeJob(name);
  const registry = path.join(fleet.workspace, 'petrova-registry.yaml');
  const text = readFileSync(registry, 'utf8').replace('profile: standard', 'profile: tidy');
  writeFileSync(registry, `repos:\n${text.replace(/^(?=.)/gm, '  ')}profiles:\n  tidy:\n    expires_days: 30\n`);
  return fleet;
}

test('status and sweep: outcomes, outputs and a table in the step summary; only apply closes', async () => {
  const fleet = fleetJob('fleet');
  await fakeReset();
  const seed = (head, key, created) => fakeCall('POST', '/_fake/pulls', { head, body: petrovaBody(key, ['docs/x.md']), created_at: created });
  const old = (await seed('petrova/propose-fix/aaaaaaaa', `aaaaaaaa${'0'.repeat(56)}`, '2026-03-01T10:00:00Z')).number;
  const young = (await seed('petrova/propose-fix/bbbbbbbb', `bbbbbbbb${'0'.repeat(56)}`, '2026-04-20T10:00:00Z')).number;
  await fakeCall('POST', '/_fake/pulls', { head: 'alice/old', author: 'alice', created_at: '2025-01-01T00:00:00Z' });

  const status = await runStep(fleet, { command: 'status' });
  assert.equal(status.code, 0, status.stdout + status.stderr);
  assertMasked(status);
  assert.equal(status.outputs.outcome, 'listed');
  assert.equal(status.outputs['pr-numbers'].split(',').sort().join(','), [old, young].sort().join(','));
  assert.match(status.summary, /^### petrova status: kahn-hq\n\n\| PR \| state \| key \|/);
  // Table cells from metadata cannot break the row, mention anyone or open HTML.
  assert.ok(status.summary.includes('ci-run-1 &#124; @\u2060alice &lt;b>x&lt;/b>'), status.summary);
  assert.equal(JSON.parse(readFileSync(status.outputs['result-file'], 'utf8')).pulls.length, 2);
  // One boundary: the CLI prints the same text on the same repository.
  const cliEnv = { PETROVA_NOW: PROPOSE_NOW, PETROVA_GITHUB_TOKEN: TOKEN, PETROVA_GITHUB_API_URL: fake.url };
  const registryArgs = ['--workspace', fleet.workspace, '--registry', path.join(fleet.workspace, 'petrova-registry.yaml')];
  const cliStatus = await runCli([...registryArgs, 'status', 'kahn-hq'], cliEnv);
  assert.equal(status.stdout, `::add-mask::${TOKEN}\n${cliStatus}`, 'the same status text as the CLI');

  const dry = await runStep(fleet, { command: 'sweep' });
  assert.equal(dry.code, 0, dry.stdout + dry.stderr);
  assert.equal(dry.outputs.outcome, 'dry_run');
  assert.equal(dry.outputs.expired, String(old));
  assert.equal(dry.outputs.closed, '');
  assert.ok((await fakeLog()).every((e) => e.method === 'GET'), 'a dry sweep only reads');
  const cliSweep = await runCli([...registryArgs, 'sweep', 'kahn-hq'], cliEnv);
  assert.equal(dry.stdout, `::add-mask::${TOKEN}\n${cliSweep}`, 'the same sweep text as the CLI');

  const swept = await runStep(fleet, { command: 'sweep', apply: 'true' });
  assert.equal(swept.code, 0, swept.stdout + swept.stderr);
  assert.equal(swept.outputs.outcome, 'swept');
  assert.equal(swept.outputs.closed, String(old));
  assert.match(swept.summary, /\| closed \|\n/);
  const state = await fakeState();
  const byNumber = Object.fromEntries(state.pulls.map((p) => [p.number, p]));
  assert.equal(byNumber[old].state, 'closed');
  assert.equal(byNumber[young].state, 'open');
  assert.equal(byNumber[old].comments.length, 1);
  assert.match(byNumber[old].comments[0].body, /^<!-- petrova:closing -->\n/);
  assert.equal(state.pulls.filter((p) => p.state === 'open').length, 2, 'the human PR stays open');
});

test('supersede as an input: the overlapping petrova PR is closed with a link', async () => {
  await diagnosed(); // the job's diagnose step
  await fakeReset();
  const other = (await fakeCall('POST', '/_fake/pulls', {
    head: 'petrova/propose-fix/0badc0de',
    body: petrovaBody(`0badc0de${'0'.repeat(56)}`, ['backend/migrations/0046_kahn_internal_rls.sql']),
  })).number;
  const conflict = await runStep(job, proposeInputs({ apply: 'true' }));
  assert.equal(conflict.code, 1, conflict.stdout + conflict.stderr);
  assert.equal(conflict.outputs.outcome, 'conflict');
  const errors = commandLines(conflict.stdout).filter((l) => l.startsWith('::error'));
  assert.equal(errors.length, 1, conflict.stdout);
  assert.match(errors[0], /input `supersede: true`/);
  const run = await runStep(job, proposeInputs({ apply: 'true', supersede: 'yes' }));
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(run.outputs.outcome, 'applied');
  const state = await fakeState();
  assert.equal(state.pulls.find((p) => p.number === other).state, 'closed');
  assert.match(run.stdout, new RegExp(`superseded: PR #${other} `));
  const bad = await runStep(job, proposeInputs({ apply: 'true', reconsider: 'maybe' }));
  assert.equal(bad.code, 2, bad.stdout + bad.stderr);
});

// ---------------------------------------------------------------- native CLI agreement

test('the Action and the native CLI agree: diagnosis, dry-run key, text and body', async () => {
  const dryRun = await dryRunResult();
  const diagnosisId = (await diagnosed()).run.outputs['diagnosis-id'];
  assert.ok(dryRun, 'the dry-run step ran');
  assert.ok(existsSync(petrovaBin), `${petrovaBin} is missing`);
  const ws = path.join(scratch, 'cli-workspace');
  cpSync(example, ws, { recursive: true });
  rmSync(path.join(ws, '.petrova'), { recursive: true, force: true }); // the CLI builds its own cache
  fakeGit(path.join(ws, 'kahn-hq'));
  const fix = path.join(ws, 'fix.json');
  const triggerArgs = ['--actor', TRIGGER.actor, '--triggered-by-kind', TRIGGER['triggered-by-kind'], '--triggered-by-ref', TRIGGER['triggered-by-ref']];

  const diagnosis = await runCli(['--workspace', ws, 'diagnose', 'kahn-hq', '--since', '2026-04-22', '--json'], { PETROVA_NOW: DIAGNOSE_NOW });
  const actionCache = findFiles(job.runnerTemp, `${diagnosisId}.json`)[0];
  assert.deepEqual(JSON.parse(diagnosis), JSON.parse(readFileSync(actionCache, 'utf8')), 'the same diagnosis JSON');
  assert.equal(readFileSync(actionCache, 'utf8'), readFileSync(path.join(ws, '.petrova', 'diagnoses', `${diagnosisId}.json`), 'utf8'), 'the same cache file bytes');

  const json = JSON.parse(await runCli(['--workspace', ws, 'propose_fix', 'kahn-hq', '--input', fix, ...triggerArgs, '--json'], { PETROVA_NOW: PROPOSE_NOW }));
  assert.equal(json.outcome, 'dry_run');
  assert.equal(json.idempotency_key, dryRun.outputs['idempotency-key']);
  assert.equal(json.branch, dryRun.outputs.branch);
  assert.equal(json.upholds.join(','), dryRun.outputs.upholds);
  assert.equal(json.body, dryRun.body);

  const rendered = await runCli(['--workspace', ws, 'render', 'kahn-hq', '--input', fix, ...triggerArgs], { PETROVA_NOW: PROPOSE_NOW });
  assert.equal(unwrapStopCommands(rendered), dryRun.body, 'petrova render prints the body the step summary shows');

  const text = await runCli(['--workspace', ws, 'propose_fix', 'kahn-hq', '--input', fix, ...triggerArgs], { PETROVA_NOW: PROPOSE_NOW });
  assert.equal(dryRun.stdout, `::add-mask::${TOKEN}\n${text}`, 'the same dry-run text');
});
