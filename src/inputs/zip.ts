import { inflateRawSync } from 'node:zlib';

/**
 * A read-only view of a ZIP archive's regular files, for the deployment packages handler code
 * ships in (a cdktf TerraformAsset of type ARCHIVE is `assets/<id>/<hash>/archive.zip`). Only the
 * central directory is trusted for names; nothing is written to disk or executed. Hostile archives
 * are normal: names that climb (`../`), absolute names, encrypted or unknown-method entries and
 * ZIP64 archives are left out, and every entry's inflated size is capped.
 */
export interface ZipArchive {
  /** Names of the regular files (posix, no leading `/`), sorted. */
  readonly files: readonly string[];
  /** The bytes of one file, or undefined when it is not in the archive or cannot be read within `maxBytes`. */
  read(name: string, maxBytes: number): Buffer | undefined;
}

interface Entry {
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Parses the archive's central directory; undefined when `bytes` is not a ZIP archive this reader handles. */
export function openZip(bytes: Buffer): ZipArchive | undefined {
  // The end-of-central-directory record sits in the last 22 bytes plus a comment of up to 64 KiB.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (bytes.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = bytes.readUInt16LE(eocd + 10);
  const start = bytes.readUInt32LE(eocd + 16);
  if (count === 0xffff || start === 0xffffffff) return undefined; // ZIP64
  const entries = new Map<string, Entry>();
  let at = start;
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL) return undefined;
    const flags = bytes.readUInt16LE(at + 8);
    const method = bytes.readUInt16LE(at + 10);
    const compressedSize = bytes.readUInt32LE(at + 20);
    const size = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const externalAttributes = bytes.readUInt32LE(at + 38);
    const localOffset = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;
    // Unix mode in the high 16 bits: a symbolic link's "content" is its target, never source.
    const unixType = (externalAttributes >>> 16) & 0o170000;
    if (name.endsWith('/') || (flags & 1) !== 0 || (method !== 0 && method !== 8) || unixType === 0o120000) continue;
    if (!safeName(name)) continue;
    entries.set(name, { method, compressedSize, size, localOffset });
  }
  const files = [...entries.keys()].sort();
  return {
    files,
    read(name, maxBytes) {
      const entry = entries.get(name);
      if (!entry || entry.size > maxBytes) return undefined;
      const local = entry.localOffset;
      if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== LOCAL) return undefined;
      const dataStart = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
      const data = bytes.subarray(dataStart, dataStart + entry.compressedSize);
      if (data.length !== entry.compressedSize) return undefined;
      if (entry.method === 0) return Buffer.from(data);
      try {
        return inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes) });
      } catch {
        return undefined; // corrupt, or larger than it claims
      }
    },
  };
}

/** A relative posix name that stays inside the archive. */
function safeName(name: string): boolean {
  if (name === '' || name.startsWith('/') || name.includes('\\') || name.includes('\0') || /^[a-z]:/i.test(name)) return false;
  return !name.split('/').some((part) => part === '..' || part === '.');
}
