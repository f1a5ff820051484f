// The petrova GitHub Action entry. It reads inputs and files, hands bytes to
// the wasm build of petrova-core, executes the GitHub requests core asks for
// with fetch, and writes outputs. Every decision is made in core.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fsCheckout } from './checkout.mjs';
import path from 'node:path';
import v8 from 'node:v8';
import { initSync, diagnose, diagnosisCachePaths, diagnosisSummary, prepare, registryMatrix, registrySource, renderOutputText } from '../dist/petrova.js';

// A step is one short process: V8's default eagerness to recompile hot wasm
// functions with its optimizing tier costs more than it saves here (measured:
// a dry run 176 → 108 ms, a one-week diagnose 83 → 55 ms, full history no slower).
// Set before the module is compiled; an unknown flag would only be ignored.
v8.setFlagsFromString('--wasm-tiering-budget=180000000');
initSync({ module: readFileSync(new URL('../dist/petrova_bg.wasm', import.meta.url)) });

const input = (name, fallback = '') => {
  const value = process.env[`INPUT_${name.toUpperCase().replace(/[- ]/g, '_')}`];
  return value === undefined || value.trim() === '' ? fallback : value.trim();
};

function command(line) {
  process.stdout.write(`${line}\n`);
}

function setOutput(name, value) {
  const file = process.env.GITHUB_OUTPUT;
  const text = `${name}=${String(value ?? '').replace(/\r?\n/g, ' ')}\n`;
  if (file) appendFileSync(file, text);
  else process.stdout.write(text);
}

function summary(markdown) {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
}

function nowRfc3339() {
  return process.env.PETROVA_NOW || new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The commit HEAD names, read from .git without running git. */
function gitHead(root) {
  // Same reading as the CLI's git_head: a 40- or 64-hex commit, or null.
  const sha = (s) => (/^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(s) ? s : null);
  try {
    const head = readFileSync(path.join(root, '.git', 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return sha(head);
    const ref = head.slice(5);
    const loose = path.join(root, '.git', ref);
    if (existsSync(loose)) return sha(readFileSync(loose, 'utf8').trim());
    const packed = readFileSync(path.join(root, '.git', 'packed-refs'), 'utf8');
    const line = packed.split('\n').find((l) => l.split(' ')[1] === ref);
    return line ? sha(line.split(' ')[0]) : null;
  } catch {
    return null;
  }
}

function context() {
  const workspace = path.resolve(input('workspace', process.env.GITHUB_WORKSPACE || '.'));
  const registryPath = path.resolve(workspace, input('registry', 'petrova-registry.yaml'));
  let registryBytes;
  try {
    registryBytes = readFileSync(registryPath);
  } catch (e) {
    throw Object.assign(new Error(`cannot read registry ${registryPath}: ${e.message}`), { exitCode: 3 });
  }
  // Bytes go to core, which refuses a registry that is not UTF-8 as the CLI does.
  const registry = JSON.parse(registrySource(registryBytes, path.relative(workspace, registryPath) || registryPath));
  const target = { slug: input('target') || null, repository: process.env.GITHUB_REPOSITORY || null };
  const stateDir = process.env.PETROVA_STATE_DIR || path.join(process.env.RUNNER_TEMP || path.join(workspace, '.petrova'), 'petrova');
  return { workspace, registry, target, stateDir };
}

/** The operator's size limits, as set in the step's `env:`; core parses and checks them. */
function limitSettings() {
  return {
    max_plan_bytes: process.env.PETROVA_MAX_PLAN_BYTES ?? null,
    max_doc_bytes: process.env.PETROVA_MAX_DOC_BYTES ?? null,
    max_body_chars: process.env.PETROVA_MAX_BODY_CHARS ?? null,
  };
}

function runDiagnose(ctx) {
  const since = input('since');
  if (!since) throw Object.assign(new Error('input `since` is required for diagnose'), { exitCode: 2 });
  const request = { registry: ctx.registry, target: ctx.target, since, until: input('until') || null, scanned_at: nowRfc3339(), head: gitHead(ctx.workspace), limits: limitSettings() };
  const json = diagnose(JSON.stringify(request), fsCheckout(ctx.workspace));
  const output = JSON.parse(json);
  let cached = null;
  for (const rel of JSON.parse(diagnosisCachePaths(output.target_repo, output.result.diagnosis_id))) {
    const file = path.join(ctx.stateDir, 'diagnoses', rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${json}\n`);
    cached = file;
  }
  const text = diagnosisSummary(json);
  process.stdout.write(text);
  setOutput('outcome', 'diagnosed');
  setOutput('diagnosis-id', output.result.diagnosis_id);
  setOutput('diagnosis-file', cached);
  summary(`### petrova diagnose\n\n\`\`\`\n${text}\`\`\`\n`);
  return 0;
}

async function send(request, api, token, timeoutMs) {
  try {
    const response = await fetch(`${api.replace(/\/$/, '')}${request.path}`, {
      method: request.method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'petrova-action',
        ...(request.body == null ? {} : { 'content-type': 'application/json' }),
      },
      body: request.body == null ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const headers = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return { kind: 'response', status: response.status, headers, body: await response.text() };
  } catch (e) {
    const message = String(e?.cause?.message || e?.message || e).split(token).join('***');
    return { kind: 'transport', message };
  }
}

async function runPropose(ctx) {
  const planPath = path.resolve(ctx.workspace, input('input'));
  const apply = /^(true|yes|1|on)$/i.test(input('apply', 'false'));
  const token = input('token', process.env.PETROVA_GITHUB_TOKEN || process.env.GITHUB_TOKEN || '');
  if (token) command(`::add-mask::${token}`);
  if (apply && !token) throw Object.assign(new Error('apply needs a GitHub token (input `token`)'), { exitCode: 3 });
  // The plan's bytes as read go to core (a plan that is not UTF-8 is refused there).
  let planBytes;
  try {
    planBytes = readFileSync(planPath);
  } catch (e) {
    throw Object.assign(new Error(`cannot read input ${planPath}: ${e.message}`), { exitCode: 2 });
  }
  const request = {
    registry: ctx.registry,
    target: ctx.target,
    plan: '',
    actor: input('actor'),
    triggered_by_kind: input('triggered-by-kind'),
    triggered_by_ref: input('triggered-by-ref'),
    allow_stale: input('allow-stale', 'false') === 'true',
    now: nowRfc3339(),
    limits: limitSettings(),
  };
  const storeDir = path.join(ctx.stateDir, 'diagnoses');
  // Core asks for cache paths it built from a registry slug and a checked id.
  const load = (rel) => {
    try {
      return new Uint8Array(readFileSync(path.join(storeDir, rel)));
    } catch {
      return null;
    }
  };
  const prepared = prepare(JSON.stringify(request), fsCheckout(ctx.workspace), load, planBytes);
  // Annotations are resolved by GitHub from the repository root (GITHUB_WORKSPACE).
  const relPlan = path.relative(process.env.GITHUB_WORKSPACE || ctx.workspace, planPath);
  if (!prepared.ok) {
    for (const line of JSON.parse(prepared.annotations(relPlan))) command(line);
    process.stdout.write(prepared.dryRunText());
    setOutput('outcome', 'refused');
    summary(`### petrova propose_fix: refused\n\n\`\`\`\n${prepared.dryRunText()}\`\`\`\n`);
    return 1;
  }
  let output = JSON.parse(prepared.dryRunJson());
  let exitCode = 0;
  let error = null;
  if (apply) {
    const api = process.env.PETROVA_GITHUB_API_URL || process.env.GITHUB_API_URL || 'https://api.github.com';
    const settings = {
      attempts: process.env.PETROVA_RETRY_ATTEMPTS ?? null,
      base_ms: process.env.PETROVA_RETRY_BASE_MS ?? null,
      max_ms: process.env.PETROVA_RETRY_MAX_MS ?? null,
    };
    const timeoutMs = Number(process.env.PETROVA_HTTP_TIMEOUT_MS || 30000);
    const run = prepared.apply(JSON.stringify(settings));
    let step = JSON.parse(run.start());
    while (step.step === 'send') {
      if (step.delay_ms > 0) await new Promise((r) => setTimeout(r, step.delay_ms));
      const reply = await send(step.request, api, token, timeoutMs);
      step = JSON.parse(run.reply(JSON.stringify(reply), Date.now() / 1000));
    }
    const report = JSON.parse(run.report());
    exitCode = report.exit_code;
    error = report.error;
    if (!report.output) {
      // GitHub failed (4) or the token/repository is wrong (3): still tell later steps what was attempted.
      setOutput('outcome', 'failed');
      setOutput('idempotency-key', output.idempotency_key);
      setOutput('branch', output.branch);
      setOutput('upholds', output.upholds.join(','));
      summary(`### petrova propose_fix: failed\n\n${error}\n`);
      throw Object.assign(new Error(error), { exitCode });
    }
    output = report.output;
  }
  const text = renderText(output);
  process.stdout.write(text);
  setOutput('outcome', output.outcome);
  setOutput('idempotency-key', output.idempotency_key);
  setOutput('branch', output.branch);
  setOutput('pr-number', output.pr ? output.pr.number : '');
  setOutput('pr-url', output.pr ? output.pr.url : '');
  setOutput('upholds', output.upholds.join(','));
  summary(`### petrova propose_fix: ${output.outcome}\n\n\`\`\`\n${text}\`\`\`\n\n${output.body}`);
  if (error) command(`::error title=petrova ${output.outcome}::${error.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`);
  return exitCode;
}

const renderText = (output) => renderOutputText(JSON.stringify(output));

function runMatrix(ctx) {
  const filters = input('filter')
    .split(/[\n,]/)
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const matrix = registryMatrix(JSON.stringify(ctx.registry), JSON.stringify(filters));
  process.stdout.write(`${matrix}\n`);
  setOutput('outcome', 'matrix');
  setOutput('matrix', matrix);
  return 0;
}

async function main() {
  const ctx = context();
  switch (input('command')) {
    case 'matrix':
      return runMatrix(ctx);
    case 'diagnose':
      return runDiagnose(ctx);
    case 'propose_fix':
    case 'propose-fix':
      return runPropose(ctx);
    default:
      throw Object.assign(new Error(`input \`command\` must be diagnose, propose_fix or matrix, not \`${input('command')}\``), { exitCode: 2 });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    command(`::error title=petrova::${String(e.message).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`);
    process.exitCode = typeof e.exitCode === 'number' ? e.exitCode : 1;
  },
);
