// The filesystem side of core's Checkout for Node: listings, bytes and
// lstat-like kinds of a checkout folder. Symlinks are reported, never
// followed. Failures are classified by kind; core words them.
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The kind core names for a Node error (`symlink` is raised directly). */
export function errorKind(e) {
  switch (e?.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission';
    case 'ENOENT':
      return 'not_found';
    case 'EFBIG':
    case 'ERR_FS_FILE_TOO_LARGE':
      return 'too_large';
    default:
      return 'other';
  }
}

const failure = (kind) => Object.assign(new Error(kind), { kind });
const gone = (e) => e.code === 'ENOENT' || e.code === 'ENOTDIR';
const KIND_BYTE = { f: 0x66, d: 0x64, l: 0x6c, o: 0x6f };

/** A checkout on disk, served to core; symlinks are reported, never followed. */
export function fsCheckout(root) {
  const kindOf = (stat) => (stat.isSymbolicLink() ? 'symlink' : stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : 'other');
  const lstat = (full) => {
    try {
      return lstatSync(full);
    } catch (e) {
      if (gone(e)) return null;
      throw failure(errorKind(e));
    }
  };
  // The path of `rel`, or null when nothing is there; a symlink on the way throws.
  const resolve = (rel) => {
    const segments = rel.split('/').filter((s) => s !== '');
    let current = root;
    for (let i = 0; i < segments.length; i += 1) {
      if (segments[i] === '..' || segments[i] === '.') throw failure('other');
      current = path.join(current, segments[i]);
      const stat = lstat(current);
      if (stat === null) return null;
      if (stat.isSymbolicLink() && i + 1 < segments.length) throw failure('symlink');
    }
    return current;
  };
  return {
    // One Uint8Array per listing, in core's wire format (kind byte, name
    // bytes as stored, NUL): every name survives, newlines and invalid UTF-8 too.
    list(dir) {
      const full = resolve(dir);
      if (full === null) return null;
      const stat = lstat(full);
      if (stat === null || (!stat.isDirectory() && !stat.isSymbolicLink())) return null;
      if (stat.isSymbolicLink()) throw failure('symlink');
      let entries;
      try {
        entries = readdirSync(full, { withFileTypes: true, encoding: 'buffer' });
      } catch (e) {
        if (gone(e)) return null;
        throw failure(errorKind(e));
      }
      let size = 0;
      for (const d of entries) size += d.name.length + 2;
      const out = new Uint8Array(size);
      let at = 0;
      for (const d of entries) {
        out[at] = KIND_BYTE[d.isSymbolicLink() ? 'l' : d.isDirectory() ? 'd' : d.isFile() ? 'f' : 'o'];
        out.set(d.name, at + 1);
        at += d.name.length + 1;
        out[at] = 0;
        at += 1;
      }
      return out;
    },
    read(rel) {
      const full = resolve(rel);
      if (full === null) return null;
      const stat = lstat(full);
      if (stat === null) return null;
      if (stat.isSymbolicLink()) throw failure('symlink');
      if (!stat.isFile()) return null;
      try {
        return readFileSync(full);
      } catch (e) {
        throw failure(errorKind(e));
      }
    },
    kind(rel) {
      const full = resolve(rel);
      if (full === null) return null;
      const stat = lstat(full);
      return stat === null ? null : kindOf(stat);
    },
  };
}
