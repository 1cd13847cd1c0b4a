import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import type { FileAccess, ReadResult } from '../core/model/file-access';

/** Files larger than this are refused rather than read: the limit keeps memory bounded. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface DecodedFile {
  readonly text: string;
  /** The file started with a UTF-8 byte order mark, which editors hide and writes must keep. */
  readonly bom: boolean;
  /** Offsets in `text` where the bytes were not valid UTF-8. */
  readonly invalidUtf8At: readonly number[];
}

export type FileRead = ({ readonly ok: true } & DecodedFile) | Extract<ReadResult, { ok: false }>;

/**
 * The CLI's view of the disk. It reads only below the roots the user named (a file
 * root stands for its folder), so an nginx `include /etc/…` or a symbolic link cannot
 * take it elsewhere on the machine.
 */
export class DiskAccess implements FileAccess {
  private readonly roots: string[];

  constructor(roots: readonly string[]) {
    this.roots = roots.map((root) => {
      const absolute = resolve(root);
      const real = safeRealpath(absolute) ?? absolute;
      return isDirectory(real) ? real : dirname(real);
    });
  }

  read(path: string): ReadResult {
    const file = this.readDecoded(path);
    return file.ok ? { ok: true, text: file.text } : file;
  }

  readDecoded(path: string): FileRead {
    const real = safeRealpath(path);
    if (real === undefined) return { ok: false, reason: 'missing', message: `${path}: no such file` };
    if (!this.isInside(real)) {
      return { ok: false, reason: 'outside', message: `${path}: outside the checked folders, not read` };
    }
    try {
      const stats = statSync(real);
      if (stats.isDirectory()) return { ok: false, reason: 'unreadable', message: `${path}: is a directory` };
      if (stats.size > MAX_FILE_BYTES) {
        return { ok: false, reason: 'too-large', message: `${path}: ${stats.size} bytes, larger than the ${MAX_FILE_BYTES} bytes deploylint reads` };
      }
      const bytes = readFileSync(real);
      if (looksBinary(bytes)) return { ok: false, reason: 'binary', message: `${path}: binary file, not checked` };
      return { ok: true, ...decodeUtf8(bytes) };
    } catch (error) {
      return { ok: false, reason: 'unreadable', message: `${path}: ${describeError(error)}` };
    }
  }

  list(directory: string): readonly string[] | undefined {
    const real = safeRealpath(directory);
    if (real === undefined || !this.isInside(real)) return undefined;
    try {
      return readdirSync(real).sort();
    } catch {
      return undefined;
    }
  }

  identity(path: string): string {
    return safeRealpath(path) ?? path;
  }

  isInside(realPath: string): boolean {
    return this.roots.some((root) => realPath === root || realPath.startsWith(root.endsWith(sep) ? root : root + sep));
  }
}

/** NUL bytes in the first 8 KiB mark a binary file, as git and grep decide it. */
function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8192).includes(0);
}

export function decodeUtf8(bytes: Buffer): DecodedFile {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(body);
  const invalidUtf8At: number[] = [];
  if (text.includes('\uFFFD') && !isValidUtf8(body)) {
    for (let index = text.indexOf('\uFFFD'); index >= 0 && invalidUtf8At.length < 100; index = text.indexOf('\uFFFD', index + 1)) {
      invalidUtf8At.push(index);
    }
  }
  return { text, bom, invalidUtf8At };
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Reads the first bytes of a file, to sniff its kind without loading all of it. */
export function readHead(path: string, bytes = 16 * 1024): string | undefined {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(path, 'r');
    const buffer = Buffer.alloc(bytes);
    const length = readSync(descriptor, buffer, 0, bytes, 0);
    return buffer.subarray(0, length).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

export function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}
