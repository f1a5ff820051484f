// The browser preview (SPEC §9). Everything it shows comes from the wasm
// build of petrova-core (`preview`): this module only collects the inputs,
// calls it, and puts the answer on the page. Text from the plan reaches the
// DOM through `textContent` only; the one exception is `body_html`, which
// core renders with all raw HTML escaped.
import init, { preview, version } from '../dist/petrova.js';
import { locatePointer, lineSpan } from './locate.mjs';

/** `applied_at` when the user leaves the field empty (a fixed time keeps the key stable). */
export const DEFAULT_NOW = '2026-04-29T14:32:18Z';
/** The metadata the example plan was written for (the CLI's flags in the README). */
export const EXAMPLE_METADATA = {
  actor: 'fleet:kahn-implementer',
  triggered_by_kind: 'audit_fail',
  triggered_by_ref: 'ci-run-12345',
};
const DEBOUNCE_MS = 150;
const EXAMPLES = {
  plan: ['../../examples/workspace/fix.json', 'example-plan.json'],
  diagnosis: ['example-diagnosis.json'],
};

const $ = (id) => document.getElementById(id);
const el = {
  version: $('version'),
  versionNumber: $('version-number'),
  branchPhrase: $('branch-phrase'),
  plan: $('plan'),
  diagnosis: $('diagnosis'),
  actor: $('actor'),
  kind: $('trigger-kind'),
  ref: $('trigger-ref'),
  now: $('now'),
  loadExample: $('load-example'),
  title: $('pr-title'),
  prKey: $('pr-key'),
  prActor: $('pr-actor'),
  state: $('state'),
  branch: $('branch'),
  checks: $('checks'),
  problemsTitle: $('problems-title'),
  problemsHint: $('problems-hint'),
  problems: $('problems'),
  shortKey: $('short-key'),
  fullKey: $('full-key'),
  branchFact: $('branch-fact'),
  commentActor: $('comment-actor'),
  copy: $('copy-body'),
  copyStatus: $('copy-status'),
  rendered: $('rendered'),
  upholds: $('upholds'),
  changes: $('changes'),
  unchecked: $('unchecked'),
  source: $('source'),
};

/** The last request sent to core and its answer (read by the browser test and handy in devtools). */
const state = { request: null, output: null, updates: 0, error: null };
globalThis.petrovaPreview = state;

function node(tag, className, text) {
  const n = document.createElement(tag);
  if (className) n.className = className;
  if (text !== undefined) n.textContent = text;
  return n;
}

function fill(list, items, empty) {
  list.replaceChildren(...(items.length ? items : [node('li', 'empty', empty)]));
}

/** The request the page sends: empty metadata fields fall back to core's defaults. */
function currentRequest() {
  const req = {
    plan: el.plan.value,
    diagnosis: el.diagnosis.value,
    now: el.now.value.trim() || DEFAULT_NOW,
  };
  const set = (field, input) => {
    if (input.value.trim() !== '') req[field] = input.value.trim();
  };
  set('actor', el.actor);
  set('triggered_by_kind', el.kind);
  set('triggered_by_ref', el.ref);
  return req;
}

function update() {
  const req = currentRequest();
  const actor = req.actor ?? el.actor.placeholder;
  el.prActor.textContent = actor;
  el.commentActor.textContent = actor;
  if (req.plan.trim() === '' && req.diagnosis.trim() === '') {
    showEmpty();
    return;
  }
  let out;
  try {
    out = JSON.parse(preview(JSON.stringify(req)));
    state.error = null;
  } catch (e) {
    state.error = String(e?.message ?? e);
    out = {
      problems: [{ input: 'plan', code: 'preview_failed', pointer: '', message: state.error }],
      unchecked: [],
      upholds: [],
      changes: [],
    };
  }
  state.request = req;
  state.output = out;
  state.updates += 1;
  show(out);
}

function showEmpty() {
  el.title.textContent = 'Untitled proposal';
  state.request = null;
  state.output = null;
  state.updates += 1;
  document.body.dataset.status = 'empty';
  el.state.textContent = 'Waiting';
  el.state.className = 'state state-waiting';
  el.checks.classList.remove('has-problems', 'no-problems');
  el.problemsTitle.textContent = 'Problems';
  el.problemsHint.textContent = '';
  fill(el.problems, [], 'Paste or drop a plan and a diagnosis, or load the examples.');
  showKey(null);
  fill(el.upholds, [], '—');
  fill(el.changes, [], '—');
  fill(el.unchecked, [], '—');
  showBody(null, null);
}

function show(out) {
  const problems = out.problems ?? [];
  el.title.textContent = out.title ?? 'Untitled proposal';
  const ok = problems.length === 0 && out.body != null;
  document.body.dataset.status = ok ? 'ok' : 'problems';
  el.state.textContent = ok ? 'Ready' : 'Blocked';
  el.state.className = `state ${ok ? 'state-ok' : 'state-blocked'}`;
  el.checks.classList.toggle('has-problems', problems.length > 0);
  el.checks.classList.toggle('no-problems', problems.length === 0);
  el.plan.setAttribute('aria-invalid', String(problems.some((p) => target(p) === el.plan)));
  el.diagnosis.setAttribute('aria-invalid', String(problems.some((p) => target(p) === el.diagnosis)));

  el.problemsTitle.textContent =
    problems.length === 0 ? 'No problems found' : `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  el.problemsHint.textContent = problems.length ? 'click one to jump to it' : 'in what can be checked without the checkout';
  fill(
    el.problems,
    problems.map((p) => problemItem(p)),
    'The plan and the diagnosis agree.',
  );

  showKey(out);
  fill(
    el.upholds,
    (out.upholds ?? []).map((r) => {
      const li = node('li');
      li.append(node('code', 'rule', r.id), node('span', 'statement', r.statement ? ` — ${r.statement}` : ''));
      return li;
    }),
    out.body == null ? '—' : 'The diagnosis names no guards.',
  );
  fill(
    el.changes,
    (out.changes ?? []).map((c) => {
      const li = node('li', 'change');
      li.append(
        node('span', `op op-${c.operation}`, c.operation),
        node('code', 'path', c.path),
        node('span', 'bytes muted', c.bytes == null ? '' : `${c.bytes} B`),
      );
      return li;
    }),
    '—',
  );
  fill(
    el.unchecked,
    (out.unchecked ?? []).map((u) => node('li', null, u)),
    '—',
  );
  showBody(out.body ?? null, out.body_html ?? null);
}

function showKey(out) {
  el.shortKey.textContent = out?.short_key ?? '—';
  el.fullKey.textContent = out?.idempotency_key ?? '';
  el.fullKey.title = out?.idempotency_key ?? '';
  el.prKey.textContent = out?.short_key ? `#${out.short_key}` : '';
  el.branch.textContent = out?.branch ?? '';
  el.branchPhrase.hidden = !out?.branch;
  el.branchFact.textContent = out?.branch ?? '—';
}

function showBody(body, html) {
  el.source.textContent = body ?? '';
  el.copy.disabled = body == null;
  el.copyStatus.textContent = '';
  if (html != null) {
    // core escapes every piece of raw HTML in the plan (body::to_html); this is
    // the only place the page inserts markup, and it is core's.
    el.rendered.innerHTML = html;
    el.rendered.classList.remove('placeholder');
  } else {
    el.rendered.classList.add('placeholder');
    el.rendered.replaceChildren(
      node('p', null, 'The body renders once the plan parses and a diagnosis is loaded.'),
    );
  }
}

/** The editor of the input core says a problem is in. */
function target(problem) {
  return problem.input === 'diagnosis' ? el.diagnosis : el.plan;
}

function problemItem(p) {
  const li = node('li');
  const button = node('button', 'problem');
  button.type = 'button';
  button.dataset.code = p.code;
  button.dataset.pointer = p.pointer ?? '';
  const head = node('span', 'problem-head');
  head.append(node('span', 'problem-icon', '✕'), node('code', 'problem-code', p.code));
  const where = target(p) === el.diagnosis ? 'diagnosis' : p.pointer ? p.pointer : p.line ? `line ${p.line}` : '(the plan)';
  head.append(node('code', 'problem-pointer', where));
  button.append(head, node('span', 'problem-message', p.message));
  button.addEventListener('click', () => reveal(p));
  li.append(button);
  return li;
}

function reveal(p) {
  const area = target(p);
  const text = area.value;
  let span;
  if (!p.pointer && p.line) span = lineSpan(text, p.line);
  else if (area === el.diagnosis) span = { start: 0, end: 0 };
  else span = locatePointer(text, p.pointer ?? '');
  area.focus({ preventScroll: true });
  area.setSelectionRange(span.start, span.end);
  scrollTo(area, span.start);
  area.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

function scrollTo(area, offset) {
  const before = area.value.slice(0, offset);
  const line = before.split('\n').length - 1;
  const column = offset - (before.lastIndexOf('\n') + 1);
  const style = getComputedStyle(area);
  const lineHeight = parseFloat(style.lineHeight) || 1.5 * parseFloat(style.fontSize);
  const charWidth = 0.6 * parseFloat(style.fontSize);
  area.scrollTop = Math.max(0, (line - 3) * lineHeight);
  area.scrollLeft = Math.max(0, column * charWidth - area.clientWidth / 2);
}

let timer = 0;
function schedule() {
  clearTimeout(timer);
  timer = setTimeout(update, DEBOUNCE_MS);
}

async function fetchText(urls) {
  let last;
  for (const url of urls) {
    try {
      const res = await fetch(url, { cache: 'no-cache' });
      if (res.ok) return await res.text();
      last = new Error(`${url}: HTTP ${res.status}`);
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

/** Fills the plan and the diagnosis it was written for, together. */
async function loadExample(button) {
  button.disabled = true;
  try {
    const [plan, diagnosis] = await Promise.all([fetchText(EXAMPLES.plan), fetchText(EXAMPLES.diagnosis)]);
    el.plan.value = plan;
    el.diagnosis.value = diagnosis;
    if (el.actor.value === '') el.actor.value = EXAMPLE_METADATA.actor;
    if (el.kind.value === '') el.kind.value = EXAMPLE_METADATA.triggered_by_kind;
    if (el.ref.value === '') el.ref.value = EXAMPLE_METADATA.triggered_by_ref;
    update();
  } catch (e) {
    el.problemsHint.textContent = `could not load the example: ${e?.message ?? e}`;
  } finally {
    button.disabled = false;
  }
}

async function copyBody() {
  const text = state.output?.body;
  if (text == null) return;
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    // no clipboard API (plain http, or denied): copy through a hidden textarea
    const ta = node('textarea', 'offscreen');
    ta.value = text;
    ta.setAttribute('readonly', '');
    document.body.append(ta);
    ta.select();
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    ta.remove();
  }
  el.copyStatus.textContent = ok ? 'Copied' : 'Copy failed: select the markdown source below';
}

function acceptDrops(area) {
  area.addEventListener('dragover', (e) => {
    e.preventDefault();
    area.classList.add('dragging');
  });
  area.addEventListener('dragleave', () => area.classList.remove('dragging'));
  area.addEventListener('drop', async (e) => {
    area.classList.remove('dragging');
    const file = e.dataTransfer?.files?.[0];
    if (!file) return;
    e.preventDefault();
    area.value = await file.text();
    update();
  });
}

/** Links in the body open elsewhere, and only http(s) ones (CSP blocks `javascript:` anyway). */
function guardLinks(e) {
  const a = e.target.closest?.('a[href]');
  if (!a) return;
  e.preventDefault();
  const url = new URL(a.getAttribute('href'), location.href);
  if (url.protocol === 'http:' || url.protocol === 'https:') window.open(url.href, '_blank', 'noopener,noreferrer');
}

async function main() {
  try {
    await init();
  } catch (e) {
    el.versionNumber.textContent = 'wasm failed to load';
    el.version.classList.add('version-error');
    el.problemsHint.textContent = String(e?.message ?? e);
    throw e;
  }
  el.versionNumber.textContent = version();
  el.version.title = `petrova-core ${version()}, the same wasm as the Action`;
  el.now.placeholder = DEFAULT_NOW;
  for (const input of [el.plan, el.diagnosis, el.actor, el.kind, el.ref, el.now]) {
    input.addEventListener('input', schedule);
  }
  acceptDrops(el.plan);
  acceptDrops(el.diagnosis);
  el.loadExample.addEventListener('click', () => loadExample(el.loadExample));
  el.copy.addEventListener('click', copyBody);
  el.rendered.addEventListener('click', guardLinks);
  update();
  document.documentElement.dataset.ready = 'true';
}

main();
