// Native and wasm builds of core must agree byte for byte. The native side
// prints a corpus with its own answers (tests/src/bin/native_corpus.rs); here
// the wasm build answers the same requests and every byte is compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { initSync, diagnoseFiles, prepareFiles } from '../dist/petrova.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
initSync({ module: readFileSync(path.join(root, 'action/dist/petrova_bg.wasm')) });

const corpusBin = process.env.PETROVA_NATIVE_CORPUS || path.join(root, 'target/debug/native_corpus');
const corpus = JSON.parse(execFileSync(corpusBin, { maxBuffer: 256 * 1024 * 1024 }).toString());
const files = corpus.files;
const diagnoses = JSON.stringify(corpus.diagnoses);

test(`corpus is large enough (${corpus.propose_cases.length} plans, ${corpus.diagnose_cases.length} windows)`, () => {
  assert.ok(corpus.propose_cases.length >= 50);
  assert.ok(corpus.propose_cases.some((c) => c.native.dry_run_json.includes('"outcome":"refused"')));
  assert.ok(corpus.propose_cases.some((c) => c.native.dry_run_json.includes('"outcome":"dry_run"')));
});

test('diagnosis ids and JSON agree', () => {
  for (const c of corpus.diagnose_cases) {
    assert.equal(diagnoseFiles(JSON.stringify(c.request), files), c.native);
  }
});

test('keys, branches, bodies, problems and texts agree', () => {
  for (const c of corpus.propose_cases) {
    const prepared = prepareFiles(JSON.stringify(c.request), new TextEncoder().encode(c.plan), files, diagnoses);
    assert.equal(prepared.dryRunJson(), c.native.dry_run_json, c.name);
    assert.equal(prepared.dryRunText(), c.native.dry_run_text, c.name);
    assert.equal(prepared.annotations('fix.json'), c.native.annotations, c.name);
    prepared.free();
  }
});

test('the committed key vectors hold in the wasm build too', async () => {
  const { proposalKey } = await import('../dist/petrova.js');
  const vectors = JSON.parse(readFileSync(path.join(root, 'tests/data/key-vectors.json'), 'utf8'));
  assert.ok(vectors.length >= 30);
  for (const v of vectors) {
    const key = JSON.parse(proposalKey(v.target_repo, v.plan));
    assert.equal(key.idempotency_key, v.idempotency_key, v.name);
    assert.equal(key.branch, `petrova/propose-fix/${v.idempotency_key.slice(0, 8)}`, v.name);
  }
});
