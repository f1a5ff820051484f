// The filesystem side of core's Checkout for Node: listings, bytes and
// lstat-like kinds of a checkout folder. Symlinks are reported, never followed.
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** A checkout on disk, served to core; symlinks are reported, never followed. */
export function fsCheckout(root) {
  const kindOf = (stat) => (stat.isSymbolicLink() ? 'symlink' : stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : 'other');
  const resolve = (rel) => {
    const segments = rel.split('/').filter((s) => s !== '');
    let current = root;
    for (let i = 0; i < segments.length; i += 1) {
      if (segments[i] === '..' || segments[i] === '.') throw new Error(`${rel}: path leaves the checkout`);
      current = path.join(current, segments[i]);
      let stat;
      try {
        stat = lstatSync(current);
      } catch (e) {
        if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
        throw e;
      }
      if (stat.isSymbolicLink() && i + 1 < segments.length) throw new Error(`${segments.slice(0, i + 1).join('/')} is a symlink; not followed`);
    }
    return current;
  };
  return {
    // One string per listing ("<kind letter>:<name>" lines) crosses into wasm
    // far faster than an array of objects read field by field.
    list(dir) {
      const full = resolve(dir);
      if (full === null) return null;
      try {
        return readdirSync(full, { withFileTypes: true })
          .map((d) => `${d.isSymbolicLink() ? 'l' : d.isDirectory() ? 'd' : d.isFile() ? 'f' : 'o'}:${d.name}`)
          .join('\n');
      } catch (e) {
        if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
        throw e;
      }
    },
    read(rel) {
      const full = resolve(rel);
      if (full === null) return null;
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) throw new Error(`${rel} is a symlink; not followed`);
      if (!stat.isFile()) return null;
      return new Uint8Array(readFileSync(full));
    },
    kind(rel) {
      const full = resolve(rel);
      return full === null ? null : kindOf(lstatSync(full));
    },
  };
}

