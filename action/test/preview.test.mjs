// The browser preview (SPEC §9), tested in a real browser: Debian's Chromium
// (/usr/bin/chromium, never a downloaded one) driven through playwright-core,
// against the page served by a local static server with the page's CSP.
//
// Needs: `npm ci --prefix action/test` (playwright-core), `apt-get install
// chromium`, and `target/debug/petrova` (the body HTML is compared with the
// native CLI's, byte for byte).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initSync, preview } from '../dist/petrova.js';
import { locatePointer, lineSpan, pointerTokens } from '../preview/locate.mjs';
import { unwrapStopCommands } from '../test-support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.PETROVA_CHROMIUM || '/usr/bin/chromium';
const PETROVA = process.env.PETROVA_BIN || path.join(root, 'target/debug/petrova');
const OUT = path.join(root, 'tests/out');
const WAIT = 10_000; // every wait is bounded
// Starting the browser is the slowest step, and node --test runs the other test
// files beside this one on the same two cores: its bound is wider.
const LAUNCH_WAIT = 90_000;
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'";
const NOW = '2026-04-29T14:32:18Z';
const SCANNED = '2026-04-29T14:30:00Z';
const EXAMPLE_META = {
  actor: 'fleet:kahn-implementer',
  triggered_by_kind: 'audit_fail',
  triggered_by_ref: 'ci-run-12345',
};

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  throw new Error(
    `playwright-core is missing: run \`npm ci --prefix action/test\` (it downloads no browser) — ${e.message}`,
  );
}
assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
assert.ok(existsSync(PETROVA), `${PETROVA} is missing: cargo build first`);

initSync({ module: readFileSync(path.join(root, 'action/dist/petrova_bg.wasm')) });

const read = (rel) => readFileSync(path.join(root, rel), 'utf8');
const examplePlan = read('action/preview/example-plan.json');
const exampleDiagnosis = read('action/preview/example-diagnosis.json');

// ---- the native CLI's answers ----

const stateDir = mkdtempSync(path.join(os.tmpdir(), 'petrova-preview-'));
function petrova(now, args) {
  return execFileSync(PETROVA, ['--workspace', 'examples/workspace', ...args], {
    cwd: root,
    env: { ...process.env, PETROVA_NOW: now, PETROVA_STATE_DIR: stateDir },
    maxBuffer: 64 * 1024 * 1024,
    timeout: WAIT,
  }).toString();
}
const nativeDiagnosis = petrova(SCANNED, ['diagnose', 'kahn-hq', '--since', '2026-04-22', '--json']);
const metaFlags = [
  '--actor', EXAMPLE_META.actor,
  '--triggered-by-kind', EXAMPLE_META.triggered_by_kind,
  '--triggered-by-ref', EXAMPLE_META.triggered_by_ref,
];
const nativeHtml = unwrapStopCommands(
  petrova(NOW, ['render', 'kahn-hq', '--input', 'examples/workspace/fix.json', ...metaFlags, '--html']),
);
const dryRun = JSON.parse(
  petrova(NOW, ['propose_fix', 'kahn-hq', '--input', 'examples/workspace/fix.json', ...metaFlags, '--json']),
);

// ---- a static server rooted at the repository, with the page's CSP ----

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.md': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};
const served = [];
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  let file = path.resolve(root, `.${decodeURIComponent(url.pathname)}`);
  const answer = (status, type, body) => {
    served.push({ status, path: url.pathname });
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    res.end(body);
  };
  if (file !== root && !file.startsWith(root + path.sep)) return answer(403, 'text/plain', 'forbidden');
  try {
    if (statSync(file).isDirectory()) {
      if (!url.pathname.endsWith('/')) {
        res.writeHead(301, { Location: `${url.pathname}/` });
        return res.end();
      }
      file = path.join(file, 'index.html');
    }
    return answer(200, MIME[path.extname(file)] ?? 'application/octet-stream', readFileSync(file));
  } catch {
    return answer(404, 'text/plain', 'not found');
  }
});

let browser;
let page;
let base;
const consoleErrors = [];

before(async () => {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: LAUNCH_WAIT,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(WAIT);
  context.setDefaultNavigationTimeout(WAIT);
  // CSP violations are reported as DOM events too; collect them from the first script on.
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server.close(resolve));
  rmSync(stateDir, { recursive: true, force: true });
});

// ---- helpers ----

const setPlan = (text) => page.fill('#plan', text);
const updates = () => page.evaluate(() => globalThis.petrovaPreview.updates);
async function waitForUpdate(since) {
  await page.waitForFunction((n) => globalThis.petrovaPreview.updates > n, since, { timeout: WAIT });
}
const problemButton = (code, pointer) => `#problems button.problem[data-code="${code}"][data-pointer="${pointer}"]`;
async function selection(selector) {
  return page.$eval(selector, (ta) => ({
    start: ta.selectionStart,
    end: ta.selectionEnd,
    text: ta.value.slice(ta.selectionStart, ta.selectionEnd),
    focused: document.activeElement === ta,
  }));
}
/** A freshly loaded page, with the worked example loaded unless `example` is false. */
async function openPage({ example = true } = {}) {
  await page.goto(`${base}/action/preview/`, { waitUntil: 'load', timeout: WAIT });
  await page.waitForSelector('html[data-ready="true"]', { timeout: WAIT });
  if (!example) return;
  const n = await updates();
  await page.click('#load-example');
  await waitForUpdate(n);
  await page.waitForSelector('#rendered h2', { timeout: WAIT });
}
async function screenshot(name, opts = {}) {
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: path.join(OUT, `preview-${name}.png`), ...opts });
}

// ---- the committed examples ----

test('the committed examples are the workspace plan and a fresh diagnosis', () => {
  assert.equal(examplePlan, read('examples/workspace/fix.json'));
  assert.equal(exampleDiagnosis.trimEnd(), nativeDiagnosis.trimEnd());
  assert.equal(JSON.parse(examplePlan).diagnosis_id, JSON.parse(exampleDiagnosis).result.diagnosis_id);
});

// ---- the JSON pointer locator (presentation only) ----

test('the pointer locator finds values, and the parent of what is missing', () => {
  const text = '{\n  "a": [1, {"b/c": "x", "d~e": true}],\n  "t": "say \\"hi\\""\n}';
  const at = (p) => {
    const s = locatePointer(text, p);
    return [text.slice(s.start, s.end), s.found];
  };
  assert.deepEqual(pointerTokens('/a/b~1c/d~0e'), ['a', 'b/c', 'd~e']);
  assert.deepEqual(at(''), [text, true]);
  assert.deepEqual(at('/a/0'), ['1', true]);
  assert.deepEqual(at('/a/1/b~1c'), ['"x"', true]);
  assert.deepEqual(at('/a/1/d~0e'), ['true', true]);
  assert.deepEqual(at('/t'), ['"say \\"hi\\""', true]);
  assert.deepEqual(at('/title'), ['{', false]);
  assert.deepEqual(at('/a/7'), ['[', false]);
  assert.deepEqual(at('/a/1/zz'), ['{', false]);
  // broken JSON: the deepest place reached on the way
  const broken = '{"a": {"b": [1, 2,, 3]}}';
  const s = locatePointer(broken, '/a/b/3');
  assert.equal(broken.slice(s.start, s.end), '[');
  assert.deepEqual(lineSpan('a\nbc\nd', 2), { start: 2, end: 4 });
});

// ---- the page ----

test('the page loads the wasm under its CSP', async () => {
  const res = await page.goto(`${base}/action/preview/`, { waitUntil: 'load', timeout: WAIT });
  assert.equal(res.status(), 200);
  assert.equal(res.headers()['content-security-policy'], CSP);
  // the same policy is in the page itself, so it holds when served without the header
  const meta = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
  assert.equal(meta, CSP);
  await page.waitForSelector('html[data-ready="true"]', { timeout: WAIT });
  assert.match(await page.textContent('#version'), /^petrova-core \d+\.\d+\.\d+/);
  assert.equal(await page.$$eval('script:not([src])', (s) => s.length), 0, 'no inline scripts');
  assert.equal(await page.$$eval('[style]', (s) => s.length), 0, 'no inline styles');
  assert.equal(await page.$$eval('style', (s) => s.length), 0, 'no <style> elements');
});

test('loading the examples renders the body, key, branch, upholds and changes', async () => {
  await openPage({ example: false });
  const n = await updates();
  await page.click('#load-example');
  await waitForUpdate(n);
  await page.waitForSelector('#rendered h2', { timeout: WAIT });

  assert.equal(await page.inputValue('#plan'), examplePlan);
  assert.equal(await page.inputValue('#diagnosis'), exampleDiagnosis);
  assert.equal(await page.textContent('#rendered h2'), 'Petrova action: propose_fix');
  const bodyItems = await page.$$eval('#rendered li', (li) => li.map((x) => x.textContent));
  assert.ok(bodyItems.includes('MR-7 — decision docs are dated, append-only'), bodyItems.join('\n'));
  assert.ok(bodyItems.includes('MR-12 — CLAUDE.md is a projection, not a source'), bodyItems.join('\n'));
  assert.ok(
    bodyItems.some((t) => t.startsWith('create backend/migrations/0046_kahn_internal_rls.sql (192 B)')),
    bodyItems.join('\n'),
  );

  // the key and branch are the native dry run's
  assert.equal(dryRun.outcome, 'dry_run');
  assert.equal(await page.textContent('#short-key'), '23ceca7e3c66');
  assert.equal(dryRun.idempotency_key.slice(0, 12), '23ceca7e3c66');
  assert.equal(await page.textContent('#full-key'), dryRun.idempotency_key);
  assert.equal(await page.textContent('#branch-fact'), dryRun.branch);
  assert.equal(await page.textContent('#branch'), dryRun.branch);
  // and so is the markdown source
  assert.equal(await page.textContent('#source'), dryRun.body);

  // the side lists
  assert.deepEqual(
    await page.$$eval('#upholds li', (li) => li.map((x) => x.textContent)),
    ['MR-7 — decision docs are dated, append-only', 'MR-12 — CLAUDE.md is a projection, not a source'],
  );
  assert.deepEqual(
    await page.$$eval('#changes li', (li) => li.map((x) => x.textContent.replace(/\s+/g, ' '))),
    ['createbackend/migrations/0046_kahn_internal_rls.sql192 B'],
  );
  // What needs the checkout, and the profile (none given here).
  assert.equal(await page.$$eval('#unchecked li', (li) => li.length), 6);
  assert.equal(await page.$$eval('#problems button.problem', (b) => b.length), 0);
  assert.equal(await page.textContent('#problems-title'), 'No problems found');
  assert.equal(await page.textContent('#state'), 'Ready');
  assert.equal(await page.textContent('#pr-title'), JSON.parse(examplePlan).title);
  assert.equal(await page.textContent('#pr-actor'), EXAMPLE_META.actor);
});

test('an empty diagnosis box says what to paste, and the problem points at that box', async () => {
  await openPage();
  let n = await updates();
  await page.fill('#diagnosis', '');
  await waitForUpdate(n);
  const problem = await page.waitForSelector(problemButton('diagnosis_unknown', ''), { timeout: WAIT });
  const message = await problem.$eval('.problem-message', (m) => m.textContent);
  assert.match(message, /^no diagnosis yet: paste/);
  assert.doesNotMatch(message, /EOF/);
  assert.equal(await problem.$eval('.problem-pointer', (m) => m.textContent), 'diagnosis');
  assert.equal(await page.getAttribute('#diagnosis', 'aria-invalid'), 'true');
  n = await updates();
  await page.fill('#diagnosis', exampleDiagnosis);
  await waitForUpdate(n);
  assert.equal(await page.textContent('#state'), 'Ready');
});

test("the body HTML is the native CLI's, byte for byte", async () => {
  await openPage();
  const { request, output } = await page.evaluate(() => globalThis.petrovaPreview);
  // the request the page sent: the example's metadata and the fixed `now`
  assert.deepEqual(
    { actor: request.actor, triggered_by_kind: request.triggered_by_kind, triggered_by_ref: request.triggered_by_ref, now: request.now },
    { ...EXAMPLE_META, now: NOW },
  );
  assert.equal(request.plan, examplePlan);
  assert.equal(request.diagnosis, exampleDiagnosis);
  assert.deepEqual(
    { actor: await page.inputValue('#actor'), kind: await page.inputValue('#trigger-kind'), ref: await page.inputValue('#trigger-ref') },
    { actor: EXAMPLE_META.actor, kind: EXAMPLE_META.triggered_by_kind, ref: EXAMPLE_META.triggered_by_ref },
  );
  assert.equal(output.body_html, nativeHtml, 'the browser wasm renders what the CLI renders');
  assert.equal(JSON.parse(preview(JSON.stringify(request))).body_html, nativeHtml, 'so does the wasm in Node');
  assert.equal(await page.$eval('#rendered', (e) => e.innerHTML), nativeHtml, 'the page shows exactly that HTML');
});

test('no console errors, failed requests or CSP violations on the happy path', async () => {
  await openPage();
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(served.filter((r) => r.status !== 200), [], 'every request was answered');
  for (const want of ['/action/dist/petrova.js', '/action/dist/petrova_bg.wasm', '/action/preview/preview.css']) {
    assert.ok(served.some((r) => r.path === want), `${want} was fetched`);
  }
});

test('screenshots: wide and narrow', async () => {
  await openPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot('wide');
  await screenshot('wide-full', { fullPage: true });
  // narrow: one column, nothing wider than the window
  await page.setViewportSize({ width: 420, height: 900 });
  await page.evaluate(() => window.scrollTo(0, 0));
  const columns = await page.$eval('.layout', (e) => getComputedStyle(e).gridTemplateColumns.split(' ').length);
  assert.equal(columns, 1);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the narrow page scrolls sideways by ${overflow}px`);
  await screenshot('narrow');
  await screenshot('narrow-full', { fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('problems show their codes and pointers, and clicking one selects the place', async () => {
  await openPage();
  const plan = JSON.parse(examplePlan);
  plan.proposed_changes[0].path = '../x';
  let n = await updates();
  await setPlan(JSON.stringify(plan, null, 2));
  await waitForUpdate(n);
  await page.waitForSelector(problemButton('path_parent', '/proposed_changes/0/path'), { timeout: WAIT });
  assert.equal(await page.textContent('#state'), 'Blocked');
  await page.click(problemButton('path_parent', '/proposed_changes/0/path'));
  let sel = await selection('#plan');
  assert.ok(sel.focused);
  assert.equal(sel.text, '"../x"');
  const text = await page.inputValue('#plan');
  assert.equal(text.slice(sel.start - '"path": '.length, sel.start), '"path": ');

  // Without `title` the plan fails the schema, and core stops there (the path
  // is checked only on plans that parse): the problem is the missing field.
  delete plan.title;
  n = await updates();
  await setPlan(JSON.stringify(plan, null, 2));
  await waitForUpdate(n);
  await page.waitForSelector(problemButton('plan_missing_field', '/title'), { timeout: WAIT });
  const shown = await page.$$eval('#problems button.problem', (b) =>
    b.map((x) => [x.querySelector('.problem-code').textContent, x.querySelector('.problem-pointer').textContent]),
  );
  assert.deepEqual(shown, [['plan_missing_field', '/title']]);
  await page.$eval('#plan', (ta) => ta.setSelectionRange(200, 210));
  await page.click(problemButton('plan_missing_field', '/title'));
  sel = await selection('#plan');
  assert.deepEqual([sel.start, sel.text], [0, '{'], 'the object `title` is missing from');
  // the body is gone: nothing is rendered from a plan that does not parse
  assert.equal(await page.textContent('#source'), '');
  assert.equal(await page.$$eval('#rendered h2', (h) => h.length), 0);
  await screenshot('problems');

  // a syntax error points at its line
  n = await updates();
  await setPlan('{\n  "title": "x",\n  oops\n}');
  await waitForUpdate(n);
  await page.waitForSelector('#problems button.problem[data-code="plan_syntax"]', { timeout: WAIT });
  await page.click('#problems button.problem[data-code="plan_syntax"]');
  sel = await selection('#plan');
  assert.equal(sel.text, '  oops');
});

test('HTML in the plan is shown as text, never run', async () => {
  await openPage();
  const plan = JSON.parse(examplePlan);
  plan.rationale = `${plan.rationale} <img src=x onerror="window.__pwned=1"> <script>window.__pwned=1</script>`;
  plan.title = '<b>bold</b> <img src=x onerror="window.__pwned=1">';
  const n = await updates();
  await setPlan(JSON.stringify(plan, null, 2));
  await waitForUpdate(n);
  await page.waitForSelector('#rendered h2', { timeout: WAIT });
  // give any injected handler a chance to fire
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  const text = await page.textContent('#rendered');
  assert.ok(text.includes('<script>window.__pwned=1</script>'), text);
  assert.ok(text.includes('<img src=x onerror="window.__pwned=1">'), text);
  assert.equal(await page.$$eval('#rendered img, #rendered script, #rendered b', (e) => e.length), 0);
  assert.equal(await page.$$eval('#pr-title *', (e) => e.length), 0);
  assert.equal(await page.textContent('#pr-title'), plan.title);
  assert.equal(await page.$$eval('body img, body script:not([src])', (e) => e.length), 0);
});

test('Copy body copies the markdown', async () => {
  await openPage();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await page.click('#copy-body');
  await page.waitForFunction(() => document.getElementById('copy-status').textContent !== '', null, { timeout: WAIT });
  assert.equal(await page.textContent('#copy-status'), 'Copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, await page.textContent('#source'));
});
