// Helpers shared by the Node tests in action/test/ (kept outside that folder,
// where `node --test` would count every module as a test file).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

/**
 * Runs `command args…` to its end and resolves with `{ code, stdout, stderr }`
 * (`code` is the signal name when it was killed). A run that has not ended
 * after `timeoutMs` is killed and rejects, naming `what`.
 */
export function runProcess(command, args, { cwd, env, timeoutMs, what }) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  let timer;
  return new Promise((resolve, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? signal, stdout, stderr }));
  }).finally(() => clearTimeout(timer));
}

/** Parses a GITHUB_OUTPUT file: `name=value` lines and `name<<DELIM` blocks. */
export function parseOutputs(text) {
  const outputs = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      assert.ok(end > i, `unterminated ${heredoc[1]} in GITHUB_OUTPUT`);
      outputs[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const eq = line.indexOf('=');
    assert.ok(eq > 0, `malformed GITHUB_OUTPUT line: ${line}`);
    assert.ok(!(line.slice(0, eq) in outputs), `output ${line.slice(0, eq)} set twice`);
    outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}

/**
 * The text `petrova render` / `--body-only` prints between its
 * `::stop-commands::TOKEN` and `::TOKEN::` lines (so that GitHub's runner
 * obeys no line of a body); throws when the wrapping is not exactly that.
 */
export function unwrapStopCommands(stdout) {
  const first = stdout.indexOf('\n');
  const open = stdout.slice(0, first);
  const token = open.startsWith('::stop-commands::') ? open.slice('::stop-commands::'.length) : null;
  const close = `::${token}::\n`;
  if (!token || !stdout.endsWith(close)) {
    throw new Error(`not wrapped in stop-commands: ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  return stdout.slice(first + 1, stdout.length - close.length);
}
