import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What `systemd-analyze verify` says about unit files, reduced to syntax: the messages of
 * the config parser and of the command-line, word and specifier readers. Messages about the
 * unit's meaning or its environment (unknown keys, bad values, missing binaries) are left out.
 */
export const SYNTAX_MESSAGES: readonly RegExp[] = [
  /^Missing '='/,
  /^Missing key name before '='/,
  /^Invalid section header/,
  /^Bad characters in section header/,
  /^Assignment outside of section/,
  /^String is not UTF-8 clean/,
  /^Unbalanced quoting/,
  /^Ignoring unknown escape sequences/,
  /^Invalid syntax, ignoring/,
  /^Failed to resolve (unit )?specifiers/,
  /^Empty path in command line/,
  /^Empty executable name or zeroeth argument/,
  /^Executable name contains special characters/,
  /^Executable path specifies a directory/,
  /^Neither a valid executable name nor an absolute path/,
];

export interface VerifyVerdict {
  /** Lines (1-based) with a syntax message, sorted, each once. */
  readonly lines: number[];
  readonly messages: string[];
  /** systemd refused the file without naming a line: a line longer than it reads. */
  readonly tooLong: boolean;
}

/**
 * Runs one `systemd-analyze verify` over several files, each written to a fresh temporary
 * folder (so nothing of the machine's own units is touched), and sorts its messages by file.
 */
export function verifyUnits(files: ReadonlyMap<string, string | Buffer>): Map<string, VerifyVerdict> {
  const folder = mkdtempSync(join(tmpdir(), 'deploylint-systemd-syntax-'));
  try {
    for (const [name, content] of files) writeFileSync(join(folder, name), content);
    const names = [...files.keys()];
    const result = spawnSync('systemd-analyze', ['verify', '--man=no', ...names.map((name) => `./${name}`)], { cwd: folder, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.error) throw result.error;
    const verdicts = new Map<string, { lines: Set<number>; messages: string[]; tooLong: boolean }>(names.map((name) => [name, { lines: new Set(), messages: [], tooLong: false }]));
    for (const line of `${result.stdout}${result.stderr}`.split('\n')) {
      const located = /^(.*?):(\d+): (.*)$/.exec(line);
      if (located) {
        const verdict = verdicts.get(located[1]!.slice(located[1]!.lastIndexOf('/') + 1));
        if (verdict && SYNTAX_MESSAGES.some((pattern) => pattern.test(located[3]!))) {
          verdict.lines.add(Number(located[2]));
          verdict.messages.push(`${located[2]}: ${located[3]}`);
        }
        continue;
      }
      const refused = /^Unit (\S+) failed to load properly.*: No buffer space available$/.exec(line);
      const verdict = refused && verdicts.get(refused[1]!);
      if (verdict) verdict.tooLong = true;
    }
    return new Map([...verdicts].map(([name, verdict]) => [name, { lines: [...verdict.lines].sort((a, b) => a - b), messages: verdict.messages, tooLong: verdict.tooLong }]));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * The 1-based line of an offset as systemd counts lines: read_line() takes a run of `\n`,
 * `\r` and NUL as one break as long as no kind repeats and nothing follows a NUL.
 */
export function systemdLineOf(text: string, offset: number): number {
  let line = 1;
  let index = 0;
  while (index < offset && index < text.length) {
    const code = text.charCodeAt(index);
    if (code !== 10 && code !== 13 && code !== 0) {
      index++;
      continue;
    }
    let kinds = 0;
    while (index < text.length && (kinds & 4) === 0) {
      const next = text.charCodeAt(index);
      const kind = next === 10 ? 1 : next === 13 ? 2 : next === 0 ? 4 : 0;
      if (kind === 0 || (kinds & kind) !== 0) break;
      kinds |= kind;
      index++;
    }
    if (index <= offset) line++;
  }
  return line;
}

/**
 * Everything `systemd-analyze verify` says about one unit's text, written to a fresh folder
 * under the given name, with the folder and line numbers taken out so that two versions of
 * a unit (before and after a fix) can be compared message by message.
 */
export function verifyMessages(name: string, text: string): string[] {
  const folder = mkdtempSync(join(tmpdir(), 'deploylint-verify-'));
  try {
    writeFileSync(join(folder, name), text);
    const result = spawnSync('systemd-analyze', ['verify', '--man=no', `./${name}`], { cwd: folder, encoding: 'utf8' });
    return `${result.stdout}${result.stderr}`
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => line.split(folder).join('<dir>').replace(/:\d+:/, ':N:'));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
