/**
 * Reading nginx's C sources for the facts the nginx generator needs: the `ngx_command_t`
 * arrays (one entry per directive), the `ngx_module_t` definitions that own them, the
 * `ngx_conf_deprecated_t` records, and the bodies of functions (to see what a directive's
 * handler does with a repeat). nginx's sources follow one strict style (function name at
 * the start of a line, body braces in column 0, one field per line in command entries),
 * which is what makes a scanner this small enough; anything it cannot read is reported,
 * not guessed.
 */
import { execFileSync } from 'node:child_process';

// ---------------------------------------------------------------- git access

export class GitRepository {
  constructor(readonly gitDir: string) {}

  run(args: readonly string[], input?: string): string {
    return execFileSync('git', ['-C', this.gitDir, ...args], {
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
      ...(input === undefined ? {} : { input }),
    });
  }

  show(ref: string, path: string): string {
    return this.run(['show', `${ref}:${path}`]);
  }

  /** Whether `ref` has a file at `path`. */
  has(ref: string, path: string): boolean {
    try {
      this.run(['cat-file', '-e', `${ref}:${path}`]);
      return true;
    } catch {
      return false;
    }
  }

  commitOf(ref: string): string {
    return this.run(['rev-list', '-n', '1', ref]).trim();
  }

  /** Regular files below `under` at `ref`, with their blob ids. */
  files(ref: string, under?: string): { path: string; blob: string }[] {
    const listing = this.run(['ls-tree', '-r', ref, ...(under ? ['--', under] : [])]);
    const files: { path: string; blob: string }[] = [];
    for (const line of listing.split('\n')) {
      // "<mode> blob <id>\t<path>"
      const match = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line);
      if (match) files.push({ blob: match[1]!, path: match[2]! });
    }
    return files;
  }

  /**
   * The contents of many blobs, read with one `git cat-file --batch` per chunk instead of
   * one process per file (the history scan reads thousands).
   */
  blobs(ids: readonly string[]): Map<string, string> {
    const contents = new Map<string, string>();
    const chunkSize = 400;
    for (let start = 0; start < ids.length; start += chunkSize) {
      const chunk = ids.slice(start, start + chunkSize);
      const output = execFileSync('git', ['-C', this.gitDir, 'cat-file', '--batch'], {
        input: `${chunk.join('\n')}\n`,
        maxBuffer: 1024 * 1024 * 1024,
      });
      let offset = 0;
      while (offset < output.length) {
        const headerEnd = output.indexOf(0x0a, offset);
        const header = output.toString('latin1', offset, headerEnd).split(' ');
        const size = Number(header[2]);
        if (header[1] !== 'blob' || !Number.isInteger(size)) throw new Error(`git cat-file: unexpected header ${header.join(' ')}`);
        // The sources are ASCII; latin1 keeps one character per byte whatever they hold.
        contents.set(header[0]!, output.toString('latin1', headerEnd + 1, headerEnd + 1 + size));
        offset = headerEnd + 1 + size + 1;
      }
    }
    return contents;
  }
}

// ---------------------------------------------------------------- C text

/** The text with comments blanked (same length, so offsets stay valid) and strings kept. */
export function withoutComments(source: string): string {
  let result = '';
  let index = 0;
  while (index < source.length) {
    const char = source[index]!;
    const next = source[index + 1];
    if (char === '/' && next === '*') {
      const end = source.indexOf('*/', index + 2);
      const stop = end < 0 ? source.length : end + 2;
      result += source.slice(index, stop).replace(/[^\n]/g, ' ');
      index = stop;
    } else if (char === '/' && next === '/') {
      const end = source.indexOf('\n', index);
      const stop = end < 0 ? source.length : end;
      result += ' '.repeat(stop - index);
      index = stop;
    } else if (char === '"' || char === "'") {
      let stop = index + 1;
      while (stop < source.length && source[stop] !== char) stop += source[stop] === '\\' ? 2 : 1;
      result += source.slice(index, stop + 1);
      index = stop + 1;
    } else {
      result += char;
      index++;
    }
  }
  return result;
}

/** Offset just past the brace that closes the one at `open` (strings and chars skipped). */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    const char = text[index];
    if (char === '"' || char === "'") {
      let stop = index + 1;
      while (stop < text.length && text[stop] !== char) stop += text[stop] === '\\' ? 2 : 1;
      index = stop;
    } else if (char === '{') depth++;
    else if (char === '}') {
      depth--;
      if (depth === 0) return index + 1;
    }
  }
  return -1;
}

/** Splits on commas outside parentheses and braces (`offsetof(t, field)` holds one). */
export function splitFields(text: string): string[] {
  const fields: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(' || char === '{') depth++;
    if (char === ')' || char === '}') depth--;
    if (char === ',' && depth === 0) {
      fields.push(current.trim());
      current = '';
    } else current += char;
  }
  if (current.trim()) fields.push(current.trim());
  return fields;
}

/**
 * Resolves preprocessor conditionals the way a full build sees them: commands under
 * `#if (NGX_HTTP_SSL)` exist whenever that feature is built, so the first branch of a
 * conditional is kept and its `#else` dropped, except under `#if 0`, which upstream uses to
 * switch code off. Directive lines themselves are blanked.
 */
export function firstBranches(text: string): string {
  // One frame per open conditional: whether its current branch is kept, and whether one was.
  const frames: { keeping: boolean; kept: boolean }[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const directive = /^[ \t]*#[ \t]*(\w+)(.*)$/.exec(line);
    const frame = frames[frames.length - 1];
    if (directive) {
      const [, keyword, rest] = directive;
      if (keyword === 'if' || keyword === 'ifdef' || keyword === 'ifndef') {
        const keeping = !(keyword === 'if' && rest!.trim() === '0');
        frames.push({ keeping, kept: keeping });
      } else if ((keyword === 'else' || keyword === 'elif') && frame) {
        frame.keeping = !frame.kept;
        frame.kept = true;
      } else if (keyword === 'endif') frames.pop();
      lines[index] = '';
    } else if (!frames.every((open) => open.keeping)) lines[index] = '';
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- command arrays

/** One `ngx_command_t` entry as written. */
export interface CommandEntry {
  readonly name: string;
  /** The type word split on `|`: context flags, argument flags, NGX_CONF_BLOCK. */
  readonly flags: readonly string[];
  /** The set handler, e.g. "ngx_conf_set_flag_slot". */
  readonly handler: string;
  /** The post field without its `&`, or "NULL". */
  readonly post: string;
  /** Name of the array the entry sits in. */
  readonly array: string;
}

export interface ModuleDefinition {
  readonly name: string;
  /** Array of commands, when the module has one. */
  readonly commands?: string;
  /** Module type, e.g. "NGX_HTTP_MODULE". */
  readonly type: string;
}

export interface SourceFacts {
  readonly commands: readonly CommandEntry[];
  readonly modules: readonly ModuleDefinition[];
  /** `ngx_conf_deprecated_t` variables: name → { old directive, replacement }. */
  readonly deprecations: ReadonlyMap<string, { readonly old: string; readonly replacement: string }>;
  /** Entries that could not be read (for the generator to report). */
  readonly problems: readonly string[];
}

export function readSource(source: string): SourceFacts {
  const text = firstBranches(withoutComments(source));
  const commands: CommandEntry[] = [];
  const problems: string[] = [];
  for (const match of text.matchAll(/ngx_command_t\s+(\w+)\s*\[\s*\]\s*=\s*\{/g)) {
    const array = match[1]!;
    const open = match.index! + match[0].length - 1;
    const close = closingBrace(text, open);
    if (close < 0) {
      problems.push(`${array}: unterminated array`);
      continue;
    }
    const body = text.slice(open + 1, close - 1);
    for (const entry of topLevelGroups(body)) {
      const fields = splitFields(entry);
      const name = /^ngx_string\s*\(\s*"([^"]*)"\s*\)$/.exec(fields[0] ?? '')?.[1];
      if (name === undefined || fields.length !== 6) {
        problems.push(`${array}: cannot read entry {${entry.replace(/\s+/g, ' ').slice(0, 80)}}`);
        continue;
      }
      commands.push({
        name,
        flags: fields[1]!.split('|').map((flag) => flag.trim()).filter(Boolean),
        handler: fields[2]!,
        post: fields[5]!.replace(/^&\s*/, ''),
        array,
      });
    }
  }
  const modules: ModuleDefinition[] = [];
  for (const match of text.matchAll(/ngx_module_t\s+(\w+)\s*=\s*\{/g)) {
    const open = match.index! + match[0].length - 1;
    const close = closingBrace(text, open);
    if (close < 0) continue;
    // { NGX_MODULE_V1 (or NGX_MODULE in 0.x), &context, commands, type, … }
    const fields = splitFields(text.slice(open + 1, close - 1));
    const commandsField = fields[2];
    modules.push({
      name: match[1]!,
      ...(commandsField && commandsField !== 'NULL' ? { commands: commandsField } : {}),
      type: fields[3] ?? '',
    });
  }
  const deprecations = new Map<string, { old: string; replacement: string }>();
  for (const match of text.matchAll(/ngx_conf_deprecated_t\s+(\w+)\s*=\s*\{\s*ngx_conf_deprecated\s*,\s*"([^"]+)"\s*,\s*"([^"]+)"/g)) {
    deprecations.set(match[1]!, { old: match[2]!, replacement: match[3]! });
  }
  return { commands, modules, deprecations, problems };
}

/** The `{ … }` groups at the top level of an initialiser list (the terminator is not one). */
function topLevelGroups(body: string): string[] {
  const groups: string[] = [];
  let index = 0;
  while (index < body.length) {
    const open = body.indexOf('{', index);
    if (open < 0) break;
    const close = closingBrace(body, open);
    if (close < 0) break;
    groups.push(body.slice(open + 1, close - 1));
    index = close;
  }
  return groups;
}

// ---------------------------------------------------------------- functions

/**
 * Function bodies by name. nginx writes a definition as the return type on one line, the
 * name and parameters starting the next, and the body's braces alone in column 0; 0.x
 * releases put the return type on the name's line (`static char *name(…)`).
 */
export function functionBodies(source: string, into: Map<string, string> = new Map()): Map<string, string> {
  const text = withoutComments(source);
  for (const match of text.matchAll(/^(?:[A-Za-z_][\w ]*[ *])?(\w+)\(([^;{}]*?)\)[ \t]*\n\{\n/gm)) {
    const start = match.index! + match[0].length;
    const end = text.indexOf('\n}\n', start);
    if (end < 0) continue;
    into.set(match[1]!, text.slice(start, end));
  }
  return into;
}

/** Names of the functions a body calls (identifiers followed by an opening parenthesis). */
export function callsIn(body: string): Set<string> {
  const calls = new Set<string>();
  for (const match of body.matchAll(/\b([a-z_][a-z0-9_]*)\s*\(/g)) calls.add(match[1]!);
  return calls;
}
