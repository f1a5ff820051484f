// Where a JSON pointer points in a JSON *text*: presentation only (moving the
// cursor in an editor to a problem core reported). It validates nothing — core
// does — and it stops quietly at the first thing it does not understand,
// answering with the deepest place on the pointer's path it reached.
//
// Offsets are JavaScript string (UTF-16) indices, as `setSelectionRange` wants.

/** `"/a/b~1c/0"` → `["a", "b/c", "0"]`; `""` → `[]`; anything else → `null`. */
export function pointerTokens(pointer) {
  if (pointer === '') return [];
  if (typeof pointer !== 'string' || !pointer.startsWith('/')) return null;
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const LITERAL = /true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Stop extends Error {}

/**
 * The span of the value `pointer` names in `text`:
 * `{start, end, found: true}` when it is there; otherwise
 * `{start, end, found: false}` spanning the opening bracket (or first
 * character) of the deepest value on the pointer's path that is there —
 * the object a missing member belongs in, say.
 */
export function locatePointer(text, pointer) {
  const tokens = pointerTokens(pointer) ?? [];
  let pos = 0;
  let best = { start: 0, end: 0, found: false };
  const stop = () => {
    throw new Stop();
  };
  const ws = () => {
    while (pos < text.length && ' \t\r\n'.includes(text[pos])) pos++;
  };
  const string = () => {
    if (text[pos] !== '"') stop();
    const start = pos++;
    while (pos < text.length) {
      const c = text[pos];
      if (c === '\\') pos += 2;
      else if (c === '"') return text.slice(start, ++pos);
      else if (c === '\n') stop();
      else pos++;
    }
    return stop();
  };
  const on = (depth, onPath, key) => onPath && depth < tokens.length && key === tokens[depth];
  const value = (depth, onPath) => {
    ws();
    const start = pos;
    if (pos >= text.length) stop();
    if (onPath) best = { start, end: start + 1, found: false };
    const c = text[pos];
    if (c === '{') {
      pos++;
      ws();
      if (text[pos] === '}') pos++;
      else {
        for (;;) {
          ws();
          const raw = string();
          let key = null;
          try {
            key = JSON.parse(raw);
          } catch {
            // an odd escape: this member is simply not on the path
          }
          ws();
          if (text[pos] !== ':') stop();
          pos++;
          value(depth + 1, on(depth, onPath, key));
          ws();
          if (text[pos] === ',') {
            pos++;
            continue;
          }
          if (text[pos] === '}') {
            pos++;
            break;
          }
          stop();
        }
      }
    } else if (c === '[') {
      pos++;
      ws();
      if (text[pos] === ']') pos++;
      else {
        for (let i = 0; ; i++) {
          value(depth + 1, on(depth, onPath, String(i)));
          ws();
          if (text[pos] === ',') {
            pos++;
            continue;
          }
          if (text[pos] === ']') {
            pos++;
            break;
          }
          stop();
        }
      }
    } else if (c === '"') {
      string();
    } else {
      LITERAL.lastIndex = pos;
      if (!LITERAL.test(text)) stop();
      pos = LITERAL.lastIndex;
    }
    if (onPath && depth === tokens.length) best = { start, end: pos, found: true };
  };
  try {
    value(0, true);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  return best;
}

/** The span of 1-based line `line` of `text` (without its newline). */
export function lineSpan(text, line) {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    start = nl + 1;
  }
  const nl = text.indexOf('\n', start);
  return { start, end: nl < 0 ? text.length : nl };
}
