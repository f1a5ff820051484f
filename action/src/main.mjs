// The petrova GitHub Action entry. It reads the environment and files, hands
// bytes to the wasm build of petrova-core, executes the GitHub requests core
// asks for with fetch, and writes what core rendered. Every decision — inputs,
// settings, exit codes, texts — is made in core.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { errorKind, fsCheckout } from './checkout.mjs';
import path from 'node:path';
import v8 from 'node:v8';
import {
  initSync, actionInputs, diagnose, diagnosisCachePaths, diagnosisCacheText, diagnosisSummary, failureCommand,
  internalError, prepare, prepareFleet, registryMatrix, requireToken, registrySource, renderOutputText, stepSummary, actionOutputs, unreadable,
} from '../dist/petrova.js';

// A step is one short process: V8's default eagerness to recompile hot wasm
// functions with its optimizing tier costs more than it saves here (measured:
// a dry run 176 → 108 ms, a one-week diagnose 83 → 55 ms, full history no slower).
// Set before the module is compiled; an unknown flag would only be ignored.
v8.setFlagsFromString('--wasm-tiering-budget=180000000');
initSync({ module: readFileSync(new URL('../dist/petrova_bg.wasm', import.meta.url)) });

// The environment core reads: settings and inputs, never a token (it stays here).
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => /^(PETROVA_|GITHUB_|INPUT_)/.test(k) && !/TOKEN$/.test(k)),
);
const envJson = JSON.stringify(env);
const clock = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const write = (text) => process.stdout.write(text);

/** Appends core's `[name, value]` outputs (each one line) to $GITHUB_OUTPUT. */
function setOutputs(pairs) {
  const file = process.env.GITHUB_OUTPUT;
  for (const [name, value] of pairs) {
    const text = `${name}=${value}\n`;
    if (file) appendFileSync(file, text);
    else write(text);
  }
}

function summary(markdown) {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, markdown);
}

/** The commit HEAD names, read from .git without running git (as the CLI's git_head). */
function gitHead(root) {
  const sha = (s) => (/^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(s) ? s : null);
  const read = (p) => {
    try {
      return readFileSync(path.join(root, '.git', p), 'utf8');
    } catch {
      return null;
    }
  };
  const head = read('HEAD')?.trim();
  if (!head) return null;
  if (!head.startsWith('ref: ')) return sha(head);
  const ref = head.slice(5);
  const loose = read(ref);
  if (loose !== null) return sha(loose.trim());
  const line = (read('packed-refs') ?? '').split('\n').find((l) => l.split(' ')[1] === ref);
  return line ? sha(line.split(' ')[0]) : null;
}

/**
 * The bytes of a file an input names (core checked the path stays inside the
 * workspace), read without following a symlink on the way; core words any failure.
 */
function readInWorkspace(workspace, what, rel) {
  let bytes = null;
  try {
    bytes = fsCheckout(workspace).read(rel);
  } catch (e) {
    unreadable(what, rel, e.kind ?? errorKind(e));
  }
  if (bytes === null) unreadable(what, rel, 'not_found');
  return bytes;
}

function context() {
  const inputs = JSON.parse(actionInputs(envJson));
  const workspace = path.resolve(inputs.workspace);
  const registryBytes = readInWorkspace(workspace, 'registry', inputs.registry);
  // Bytes go to core, which refuses a registry that is not UTF-8 as the CLI does.
  const registry = JSON.parse(registrySource(registryBytes, inputs.registry));
  const target = { slug: inputs.target, repository: process.env.GITHUB_REPOSITORY || null };
  const stateDir = process.env.PETROVA_STATE_DIR || path.join(process.env.RUNNER_TEMP || path.join(workspace, '.petrova'), 'petrova');
  // Core checked that the registry's path stays inside the workspace, the checkout: no plan may change it.
  return { inputs, workspace, registry, target, stateDir, registryInCheckout: inputs.registry };
}

function runDiagnose(ctx) {
  const { inputs } = ctx;
  const request = { registry: ctx.registry, target: ctx.target, since: inputs.since ?? '', until: inputs.until, scanned_at: clock(), head: gitHead(ctx.workspace), env, frontend: 'action' };
  const json = diagnose(JSON.stringify(request), fsCheckout(ctx.workspace));
  const output = JSON.parse(json);
  const text = diagnosisCacheText(json);
  let cached = null;
  for (const rel of JSON.parse(diagnosisCachePaths(output.target_repo, output.result.diagnosis_id))) {
    cached = path.join(ctx.stateDir, 'diagnoses', rel);
    mkdirSync(path.dirname(cached), { recursive: true });
    writeFileSync(cached, text);
  }
  const shown = diagnosisSummary(json, cached);
  write(shown);
  setOutputs(JSON.parse(actionOutputs('diagnose', json, cached)));
  summary(stepSummary('diagnose', shown, null));
}

/** The lines of a token (a runner masks, and petrova redacts, line by line). */
const tokenLines = (token) => token.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '');

/** `text` with every line of the token replaced by `***`. */
const redact = (text, token) => tokenLines(token).reduce((t, line) => t.split(line).join('***'), text);

async function send(request, api, token, timeoutMs) {
  try {
    const response = await fetch(`${api.replace(/\/$/, '')}${request.path}`, {
      method: request.method,
      // Core chose every header but the token.
      headers: { ...request.headers, authorization: `Bearer ${token}` },
      body: request.body == null ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    // A response that echoes the token never hands it to core, whose messages may quote it.
    const headers = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = redact(value, token);
    });
    return { kind: 'response', status: response.status, headers, body: redact(await response.text(), token) };
  } catch (e) {
    return { kind: 'transport', message: redact(String(e?.cause?.message || e?.message || e), token) };
  }
}

/** The token for GitHub, each of its lines masked in the runner's log. */
function githubToken() {
  const token = process.env.INPUT_TOKEN?.trim() || process.env.PETROVA_GITHUB_TOKEN || process.env.GITHUB_TOKEN || '';
  for (const line of tokenLines(token)) write(`::add-mask::${line}\n`);
  return token;
}

/** Drives one of core's protocols (`run`: start/reply) to its end with fetch. */
async function drive(run, executorJson, token) {
  const { api_url: api, http_timeout_ms: timeoutMs } = JSON.parse(executorJson);
  let step = JSON.parse(run.start());
  while (step.step === 'send') {
    if (step.delay_ms > 0) await new Promise((r) => setTimeout(r, step.delay_ms));
    const reply = await send(step.request, api, token, timeoutMs);
    step = JSON.parse(run.reply(JSON.stringify(reply), Date.now() / 1000));
  }
}

/** Writes a whole output where later steps can read it; returns the path. */
function resultFile(ctx, verb, json) {
  const file = path.join(ctx.stateDir, 'results', `${verb}-${Date.now()}-${process.pid}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${json}\n`);
  return file;
}

async function runPropose(ctx) {
  const { inputs } = ctx;
  const token = githubToken();
  // Configuration first: an apply run without a token stops before reading anything else.
  if (inputs.apply) requireToken(token !== '');
  const planPath = path.resolve(ctx.workspace, inputs.input ?? '');
  const planBytes = readInWorkspace(ctx.workspace, 'plan', inputs.input ?? '');
  const request = {
    registry: ctx.registry,
    target: ctx.target,
    actor: inputs.actor,
    triggered_by_kind: inputs.triggered_by_kind,
    triggered_by_ref: inputs.triggered_by_ref,
    allow_stale: inputs.allow_stale,
    supersede: inputs.supersede,
    reconsider: inputs.reconsider,
    now: clock(),
    env,
    frontend: 'action',
    registry_in_checkout: ctx.registryInCheckout,
  };
  const storeDir = path.join(ctx.stateDir, 'diagnoses');
  // Core asks for cache paths it built from a registry slug and a checked id.
  const load = (rel) => {
    try {
      return readFileSync(path.join(storeDir, rel));
    } catch {
      return null;
    }
  };
  const prepared = prepare(JSON.stringify(request), planBytes, fsCheckout(ctx.workspace), load);
  // Annotations are resolved by GitHub from the repository root (GITHUB_WORKSPACE).
  const relPlan = path.relative(process.env.GITHUB_WORKSPACE || ctx.workspace, planPath);
  let outputJson = prepared.dryRunJson();
  let exitCode = prepared.exitCode;
  let error = null;
  if (!prepared.ok) {
    for (const line of JSON.parse(prepared.annotations(relPlan))) write(`${line}\n`);
  } else if (inputs.apply) {
    const executor = prepared.executor();
    const run = prepared.apply();
    await drive(run, executor, token);
    const report = JSON.parse(run.report());
    outputJson = run.outputJson();
    exitCode = report.exit_code;
    error = report.error;
  }
  const text = renderOutputText(outputJson);
  write(text);
  // The whole output, as `petrova propose_fix --json` prints it, for later steps.
  const file = resultFile(ctx, 'propose_fix', outputJson);
  setOutputs(JSON.parse(actionOutputs('propose_fix', outputJson, file)));
  summary(stepSummary('propose_fix', text, outputJson));
  if (error) write(`${failureCommand(JSON.stringify(error))}\n`);
  return exitCode;
}

/** `status` or `sweep` on the target repository: the table goes to the step summary. */
async function runFleet(ctx, verb) {
  const token = githubToken();
  requireToken(token !== '');
  const request = { registry: ctx.registry, target: ctx.target, verb, apply: ctx.inputs.apply, now: clock(), env };
  const job = prepareFleet(JSON.stringify(request));
  const executor = job.executor();
  const run = job.run(0);
  await drive(run, executor, token);
  write(run.text());
  const outputJson = run.outputJson();
  setOutputs(JSON.parse(actionOutputs(verb, outputJson, resultFile(ctx, verb, outputJson))));
  summary(run.summary());
  const error = run.error();
  if (error) write(`${failureCommand(error)}\n`);
  return run.exitCode;
}

function runMatrix(ctx) {
  const matrix = registryMatrix(JSON.stringify(ctx.registry), JSON.stringify(ctx.inputs.filters));
  write(`${matrix}\n`);
  setOutputs(JSON.parse(actionOutputs('matrix', matrix, null)));
}

async function main() {
  const ctx = context();
  switch (ctx.inputs.command) {
    case 'matrix':
      return runMatrix(ctx);
    case 'diagnose':
      return runDiagnose(ctx);
    case 'sweep':
    case 'status':
      return runFleet(ctx, ctx.inputs.command);
    default:
      return runPropose(ctx);
  }
}

/** Core's failure behind a thrown error; anything core did not throw becomes its `internal` failure. */
function failureOf(e) {
  if (typeof e?.failure === 'string') return e;
  try {
    internalError(String(e?.stack || e?.message || e));
  } catch (wrapped) {
    return wrapped;
  }
  return e;
}

// Exit codes come from core only: a step that returns none has succeeded.
main().then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (e) => {
    const f = failureOf(e);
    write(`${failureCommand(f.failure)}\n`);
    process.exitCode = f.exitCode;
  },
);
