import { unsafe as iniValue } from 'ini';
import type { Severity } from '../model/finding';
import type { Span } from '../text/source-text';
import { closestName } from '../text/suggest';
import { readHostValue, suggestedDistro, withHostValue, type HostSpec, type HostValue } from './host-spec';
import { mib } from './sizing';

/** A text edit that repairs a problem: the span to replace and what to write there. */
export interface HostSpecFix {
  readonly title: string;
  readonly newText: string;
  readonly span: Span;
  /** Cannot change what the declaration means beyond removing the problem (removing a dead duplicate). */
  readonly safe?: boolean;
}

/** Something wrong in a host declaration, with the text to underline. */
export interface HostSpecProblem {
  readonly span: Span;
  readonly message: string;
  readonly rule: 'hostspec/unknown-key' | 'hostspec/invalid-value';
  readonly severity: Severity;
  readonly fixes?: readonly HostSpecFix[];
}

/** The sections deploylint reads, and their keys. */
const SECTIONS: Readonly<Record<string, readonly string[]>> = {
  host: ['cpus', 'memory', 'distro', 'container'],
  versions: ['gunicorn', 'systemd', 'nginx', 'python'],
  app: ['worker_memory', 'workload'],
  rules: [],
};
const SECTION_NAMES = Object.keys(SECTIONS);
/** The keys of a section deploylint reads; undefined for any other name ("constructor" included). */
const keysOf = (section: string): readonly string[] | undefined => (Object.hasOwn(SECTIONS, section) ? SECTIONS[section] : undefined);
const SECTION_LIST = '[host], [versions], [app] and [rules]';
const SEVERITY_WORDS: readonly (Severity | 'off')[] = ['error', 'warning', 'info', 'off'];

/** A `[section]` line. */
interface HeaderLine {
  readonly kind: 'header';
  readonly name: string;
  readonly nameSpan: Span;
  /** The whole line, for underlining what follows the header. */
  readonly lineSpan: Span;
  /** Text after `]` that is neither blank nor a comment. */
  readonly trailing?: Span;
  readonly unclosed: boolean;
}

/** A `key = value` line (or a key with no `=`). */
interface KeyLine {
  readonly kind: 'key';
  readonly section: string | undefined;
  readonly key: string;
  readonly keySpan: Span;
  /** The value as the `ini` package reads it: comment stripped, quotes removed. */
  readonly value: string;
  /** The value as written (quotes included), without the comment; empty at the end of the line when there is none. */
  readonly valueSpan: Span;
  readonly hasEquals: boolean;
  /** The line without surrounding white space. */
  readonly lineSpan: Span;
  /** The line and its line break, for a fix that removes it. */
  readonly removalSpan: Span;
  readonly lineNumber: number;
}

type Line = HeaderLine | KeyLine;

/**
 * Reads a .deploylint.ini.
 *
 * Values are decoded with the `ini` package's own value reader (`unsafe`: comments after
 * `;` or `#` stripped, quotes removed, `\;` kept), so a value means here what it means to
 * every other tool that reads the file with `ini`. The structure comes from a line scan of
 * our own, for two reasons: `ini.parse` keeps no positions, and every problem must
 * underline its key or value; and `ini.parse` does not take a comment after a section
 * header — `[versions]   ; explicit versions win` becomes a key of the section before, and
 * everything under it lands in the wrong section (the example in docs/host.md would lose
 * its gunicorn version to [host]). Here a header may carry a comment, like any other line.
 *
 * When a key is set twice the last value counts, as with `ini`. Invalid values are left
 * out of the spec (they fall through to the next declaration, or the assumption) and
 * reported. Never throws; every span lies inside `text`.
 */
export function parseHostIni(text: string, knownRuleIds: ReadonlySet<string> = new Set()): { spec: HostSpec; problems: HostSpecProblem[] } {
  const problems: HostSpecProblem[] = [];
  const lines = scanLines(text);
  /** Per `section key`, every valid reading in order; the last one counts. */
  const readings = new Map<string, { line: KeyLine; apply: (spec: HostSpec) => HostSpec }[]>();
  const invalid = (span: Span, message: string, fixes?: HostSpecFix[], severity: Severity = 'error') =>
    problems.push({ span, message, rule: 'hostspec/invalid-value', severity, ...(fixes && fixes.length > 0 ? { fixes } : {}) });
  const unknown = (span: Span, message: string, fixes?: HostSpecFix[]) =>
    problems.push({ span, message, rule: 'hostspec/unknown-key', severity: 'warning', ...(fixes && fixes.length > 0 ? { fixes } : {}) });

  for (const line of lines) {
    if (line.kind === 'header') {
      if (line.unclosed) invalid(line.lineSpan, `"[${line.name}" is missing its closing "]"`);
      else if (line.trailing) invalid(line.trailing, `Only a comment may follow a section header; deploylint ignores "${text.slice(line.trailing.start, line.trailing.end)}"`);
      if (!keysOf(line.name)) {
        const suggestion = closestName(line.name, SECTION_NAMES);
        unknown(
          line.nameSpan.start === line.nameSpan.end ? line.lineSpan : line.nameSpan,
          `[${line.name}] is no section deploylint reads (it reads ${SECTION_LIST}): the keys under it are ignored${suggestion ? `; did you mean [${suggestion}]?` : ''}`,
          suggestion ? [{ title: `Change to [${suggestion}]`, newText: suggestion, span: line.nameSpan }] : [],
        );
      }
      continue;
    }
    const { section, key } = line;
    if (key === '') {
      unknown(line.lineSpan, `"${text.slice(line.lineSpan.start, line.lineSpan.end)}" has no key before "="`);
      continue;
    }
    if (section === undefined) {
      const home = SECTION_NAMES.find((name) => SECTIONS[name]!.includes(key));
      unknown(line.keySpan, `"${key}" is outside any section, so deploylint ignores it; put it under ${home ? `[${home}]` : `one of ${SECTION_LIST}`}`);
      continue;
    }
    // Keys under a section deploylint does not read were reported with the section.
    const keys = keysOf(section);
    if (!keys) continue;
    const place = `${section} ${key}`;
    const keep = (apply: (spec: HostSpec) => HostSpec) => {
      const list = readings.get(place) ?? [];
      list.push({ line, apply });
      readings.set(place, list);
    };

    if (section === 'rules') {
      if (knownRuleIds.size > 0 && !knownRuleIds.has(key)) {
        const suggestion = closestName(key, knownRuleIds);
        unknown(
          line.keySpan,
          `"${key}" is no deploylint rule, so this line changes nothing${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
          suggestion ? [{ title: `Change to ${suggestion}`, newText: suggestion, span: line.keySpan }] : [],
        );
        continue;
      }
      if (!line.hasEquals || line.value === '') {
        invalid(line.keySpan, `${key} has no severity: write ${key} = error, warning, info or off`);
        continue;
      }
      const severity = line.value.toLowerCase() as Severity | 'off';
      if (!SEVERITY_WORDS.includes(severity)) {
        const suggestion = closestName(line.value, SEVERITY_WORDS);
        invalid(
          line.valueSpan,
          `The severity of ${key} must be error, warning, info or off, not "${line.value}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
          suggestion ? [{ title: `Change to ${suggestion}`, newText: suggestion, span: line.valueSpan }] : [],
        );
        continue;
      }
      keep((spec) => ({ ...spec, rules: { ...spec.rules, [key]: severity } }));
      continue;
    }

    if (!keys.includes(key)) {
      const suggestion = closestName(key, keys);
      const elsewhere = SECTION_NAMES.find((name) => name !== section && SECTIONS[name]!.includes(key));
      unknown(
        line.keySpan,
        elsewhere
          ? `${key} belongs in [${elsewhere}], not [${section}]: deploylint ignores it here`
          : `"${key}" is not a key of [${section}] (it has ${keys.join(', ')})${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
        suggestion && !elsewhere ? [{ title: `Change to ${suggestion}`, newText: suggestion, span: line.keySpan }] : [],
      );
      continue;
    }
    if (!line.hasEquals || line.value === '') {
      invalid(line.keySpan, `${key} has no value`);
      continue;
    }
    const read: HostValue = readHostValue(key, line.value);
    if ('error' in read) {
      const fixes: HostSpecFix[] = [];
      if (key === 'distro') {
        const suggestion = suggestedDistro(line.value);
        if (suggestion) fixes.push({ title: `Change to ${suggestion}`, newText: suggestion, span: line.valueSpan });
      }
      invalid(line.valueSpan, read.error, fixes);
      continue;
    }
    keep((spec) => withHostValue(spec, read));
  }

  let spec: HostSpec = { versions: {} };
  for (const list of readings.values()) {
    const winner = list[list.length - 1]!;
    spec = winner.apply(spec);
    for (const dead of list.slice(0, -1)) {
      invalid(
        dead.line.keySpan,
        `${dead.line.key} is set again on line ${winner.line.lineNumber}, and the last one counts: this line changes nothing`,
        [{ title: 'Remove this line', newText: '', span: dead.line.removalSpan, safe: true }],
        'warning',
      );
    }
  }

  const memory = readings.get('host memory');
  const workerMemory = readings.get('app worker_memory');
  if (memory && workerMemory && spec.memoryMiB !== undefined && spec.workerMemoryMiB !== undefined && spec.workerMemoryMiB >= spec.memoryMiB) {
    const workerLine = workerMemory[workerMemory.length - 1]!.line;
    const memoryLine = memory[memory.length - 1]!.line;
    invalid(workerLine.valueSpan, `worker_memory (${workerLine.value}) is not below the machine's memory (${memoryLine.value}): not even one worker fits`);
  }

  problems.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return { spec, problems };
}

/** Lines with their sections and exact spans; blank lines and comments left out. */
function scanLines(text: string): Line[] {
  const lines: Line[] = [];
  let section: string | undefined;
  const breaks = /\r\n|\r|\n/g;
  let lineStart = 0;
  let lineNumber = 0;
  for (;;) {
    const match = breaks.exec(text);
    const lineEnd = match ? match.index : text.length;
    const nextStart = match ? match.index + match[0].length : text.length;
    lineNumber++;
    const line = readLine(text, lineStart, lineEnd, nextStart, section, lineNumber);
    if (line) {
      if (line.kind === 'header') section = line.name;
      lines.push(line);
    }
    if (!match) break;
    lineStart = nextStart;
  }
  return lines;
}

function readLine(text: string, start: number, end: number, nextStart: number, section: string | undefined, lineNumber: number): Line | undefined {
  const raw = text.slice(start, end);
  const indent = raw.length - raw.trimStart().length;
  const body = raw.slice(indent);
  if (body === '' || body.startsWith(';') || body.startsWith('#')) return undefined;
  const lineSpan = trimmedSpan(text, start + indent, end);

  if (body.startsWith('[')) {
    const close = body.indexOf(']');
    if (close < 0) {
      // Up to a comment, if any: "[host ; comment".
      const comment = firstUnescapedComment(body);
      const inner = body.slice(1, comment ?? body.length);
      const nameSpan = trimmedSpan(text, start + indent + 1, start + indent + 1 + inner.length);
      return { kind: 'header', name: text.slice(nameSpan.start, nameSpan.end), nameSpan, lineSpan, unclosed: true };
    }
    const nameSpan = trimmedSpan(text, start + indent + 1, start + indent + close);
    const after = body.slice(close + 1);
    const afterTrimmed = after.trimStart();
    const trailing =
      afterTrimmed === '' || afterTrimmed.startsWith(';') || afterTrimmed.startsWith('#')
        ? undefined
        : trimmedSpan(text, start + indent + close + 1 + (after.length - afterTrimmed.length), start + indent + close + 1 + after.length);
    return { kind: 'header', name: text.slice(nameSpan.start, nameSpan.end), nameSpan, lineSpan, unclosed: false, ...(trailing ? { trailing } : {}) };
  }

  // A key ends at "=", or at a comment when the line has no "=" before it.
  const equals = body.indexOf('=');
  const comment = firstUnescapedComment(body);
  const hasEquals = equals >= 0 && (comment === undefined || equals < comment);
  const keyEnd = hasEquals ? equals : (comment ?? body.length);
  const keySpan = trimmedSpan(text, start + indent, start + indent + keyEnd);
  const removalSpan = { start, end: nextStart };
  const key = text.slice(keySpan.start, keySpan.end);
  if (!hasEquals) {
    return { kind: 'key', section, key, keySpan, value: '', valueSpan: { start: keySpan.end, end: keySpan.end }, hasEquals: false, lineSpan, removalSpan, lineNumber };
  }
  const valueStart = start + indent + equals + 1;
  const { value, span } = readValue(text, valueStart, end);
  return { kind: 'key', section, key, keySpan, value, valueSpan: span, hasEquals: true, lineSpan, removalSpan, lineNumber };
}

/**
 * The value after `=`: decoded by `ini`, and the span of what was written. A value in
 * quotes runs to its closing quote (a `;` inside quotes is text, as a user means it);
 * otherwise it runs to the first `;` or `#` not escaped with `\`, as `ini` reads it.
 */
function readValue(text: string, start: number, end: number): { value: string; span: Span } {
  const raw = text.slice(start, end);
  const lead = raw.length - raw.trimStart().length;
  const rest = raw.slice(lead);
  const quote = rest[0];
  if (quote === '"' || quote === "'") {
    const close = rest.indexOf(quote, 1);
    const after = close > 0 ? rest.slice(close + 1).trimStart() : undefined;
    if (close > 0 && (after === '' || after!.startsWith(';') || after!.startsWith('#'))) {
      const quoted = rest.slice(0, close + 1);
      return { value: iniValue(quoted), span: { start: start + lead, end: start + lead + quoted.length } };
    }
  }
  const comment = firstUnescapedComment(rest);
  const written = rest.slice(0, comment ?? rest.length);
  const span = trimmedSpan(text, start + lead, start + lead + written.length);
  return { value: iniValue(text.slice(span.start, span.end)), span };
}

/** Where the first `;` or `#` not preceded by a `\` is, as `ini` finds comments in a value. */
function firstUnescapedComment(value: string): number | undefined {
  for (let index = 0; index < value.length; index++) {
    const character = value[index];
    if (character === '\\') index++;
    else if (character === ';' || character === '#') return index;
  }
  return undefined;
}

/** The span of text[start, end) without the white space at either end (empty at `end` if all white). */
function trimmedSpan(text: string, start: number, end: number): Span {
  const slice = text.slice(start, end);
  const leading = slice.length - slice.trimStart().length;
  if (leading === slice.length) return { start: end, end };
  const trailing = slice.length - slice.trimEnd().length;
  return { start: start + leading, end: end - trailing };
}

/** The machine a new host file declares. */
export interface DeclaredMachine {
  readonly cpus: number;
  readonly memoryMiB: number;
  /** A preset id (`debian-12`); without one the file shows the key commented out. */
  readonly distro?: string;
}

/**
 * A new `.deploylint.ini` declaring a machine, as the editor writes it (the "Declare the
 * machine" fix, the "Declare host spec" command), with a note for the reader.
 */
export function hostFileText(machine: DeclaredMachine, note = ''): string {
  return [
    '; The machine these files are deployed to. deploylint sizes the numbers in its fixes',
    `; (workers, threads, memory and task limits) for it.${note ? ` ${note}` : ''}`,
    '[host]',
    `cpus = ${machine.cpus}`,
    `memory = ${mib(machine.memoryMiB)}`,
    machine.distro ? `distro = ${machine.distro}` : '; distro = debian-12',
    '',
  ].join('\n');
}
