import { parse as parseIni } from 'ini';
import type { Severity } from '../model/finding';
import { parseVersion } from '../model/version';
import type { Span } from '../text/source-text';
import { closestName } from '../text/suggest';
import type { HostSpec, Program } from './host-spec';
import { DISTRO_PRESETS, distroPreset } from './presets';
import { parseMemoryMiB } from './sizes';
import type { Workload } from './sizing';

/** Something wrong in a .deploylint.ini, with the text to underline. */
export interface HostSpecProblem {
  readonly span: Span;
  readonly message: string;
  readonly rule: 'hostspec/unknown-key' | 'hostspec/invalid-value';
  readonly severity: Severity;
}

const KEYS: Readonly<Record<string, readonly string[]>> = {
  host: ['cpus', 'memory', 'distro', 'container'],
  versions: ['gunicorn', 'systemd', 'nginx', 'python'],
  app: ['worker_memory', 'workload'],
};
const SEVERITIES = ['error', 'warning', 'info', 'off'];

interface Line {
  readonly section: string | undefined;
  readonly key: string;
  readonly keySpan: Span;
  readonly value: string;
  readonly valueSpan: Span;
}

/**
 * Reads a .deploylint.ini: values through the `ini` package (the format people know), and
 * each line's position by a scan of our own, because `ini` keeps none and every problem
 * must underline its key or value.
 */
export function parseHostIni(text: string, knownRuleIds: ReadonlySet<string> = new Set()): { spec: HostSpec; problems: HostSpecProblem[] } {
  const values = safeParse(text);
  const problems: HostSpecProblem[] = [];
  const versions: Partial<Record<Program, string>> = {};
  const rules: Record<string, Severity | 'off'> = {};
  let spec: Omit<HostSpec, 'versions' | 'rules'> = {};
  const invalid = (span: Span, message: string) => problems.push({ span, message, rule: 'hostspec/invalid-value', severity: 'error' });
  const unknown = (span: Span, message: string) => problems.push({ span, message, rule: 'hostspec/unknown-key', severity: 'warning' });

  for (const line of scanLines(text)) {
    const section = line.section;
    // Take the value as `ini` read it (comments stripped, quotes removed) when it has one.
    const value = String((section !== undefined ? values[section]?.[line.key] : values[line.key]) ?? line.value).trim();
    if (section === undefined) {
      unknown(line.keySpan, `"${line.key}" is outside any section; put it under [host], [versions], [app] or [rules]`);
    } else if (section === 'rules') {
      if (knownRuleIds.size > 0 && !knownRuleIds.has(line.key)) {
        const suggestion = closestName(line.key, [...knownRuleIds]);
        unknown(line.keySpan, `"${line.key}" is no deploylint rule${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
      } else if (!SEVERITIES.includes(value)) {
        invalid(line.valueSpan, `The severity of ${line.key} must be error, warning, info or off, not "${value}"`);
      } else {
        rules[line.key] = value as Severity | 'off';
      }
    } else if (!KEYS[section]) {
      unknown(line.keySpan, `[${section}] is no section deploylint reads (it reads [host], [versions], [app] and [rules])`);
    } else if (!KEYS[section]!.includes(line.key)) {
      const suggestion = closestName(line.key, KEYS[section]!);
      unknown(line.keySpan, `"${line.key}" is not a key of [${section}] (known: ${KEYS[section]!.join(', ')})${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
    } else if (section === 'versions') {
      if (parseVersion(value)) versions[line.key as Program] = value;
      else invalid(line.valueSpan, `${line.key} must be a version such as 1.22 or 252, not "${value}"`);
    } else {
      const read = readHostValue(line.key, value);
      if ('error' in read) invalid(line.valueSpan, read.error);
      else spec = { ...spec, ...read };
    }
  }
  if (spec.workerMemoryMiB !== undefined && spec.memoryMiB !== undefined && spec.workerMemoryMiB >= spec.memoryMiB) {
    const line = scanLines(text).find((candidate) => candidate.key === 'worker_memory');
    if (line) invalid(line.valueSpan, `worker_memory (${line.value}) is not below the host's memory: no worker would fit`);
  }
  return { spec: { ...spec, versions, rules }, problems };
}

/** One [host]/[app] value, or what is wrong with it. */
export function readHostValue(key: string, value: string): Partial<HostSpec> | { error: string } {
  switch (key) {
    case 'cpus':
      return /^\d+$/.test(value) && Number(value) >= 1 ? { cpus: Number(value) } : { error: `cpus must be a whole number of at least 1, not "${value}"` };
    case 'memory':
    case 'worker_memory': {
      const size = parseMemoryMiB(value);
      if (size === undefined || size <= 0) return { error: `${key} must be a size such as 512M or 1G (K, M, G are powers of 1024), not "${value}"` };
      return key === 'memory' ? { memoryMiB: size } : { workerMemoryMiB: size };
    }
    case 'distro': {
      if (distroPreset(value)) return { distro: value.toLowerCase() };
      const ids = DISTRO_PRESETS.map((preset) => preset.id);
      const suggestion = closestName(value.toLowerCase(), ids);
      return { error: `"${value}" is no distro deploylint knows (${ids.join(', ')})${suggestion ? `; did you mean "${suggestion}"?` : ''}` };
    }
    case 'container':
      return /^(true|false|yes|no|1|0)$/i.test(value) ? { container: /^(true|yes|1)$/i.test(value) } : { error: `container must be true or false, not "${value}"` };
    case 'workload':
      return ['io', 'cpu', 'mixed'].includes(value) ? { workload: value as Workload } : { error: `workload must be io, cpu or mixed, not "${value}"` };
    default:
      return { error: `unknown key "${key}"` };
  }
}

function safeParse(text: string): Record<string, Record<string, unknown> | undefined> {
  try {
    return parseIni(text) as Record<string, Record<string, unknown> | undefined>;
  } catch {
    return {};
  }
}

/** `key = value` lines with their sections and spans; comments and blank lines skipped. */
function scanLines(text: string): Line[] {
  const lines: Line[] = [];
  let section: string | undefined;
  let offset = 0;
  for (const raw of text.split('\n')) {
    const lineStart = offset;
    offset += raw.length + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith(';') || trimmed.startsWith('#')) continue;
    const header = /^\[([^\]]*)\]/.exec(trimmed);
    if (header) {
      section = header[1]!.trim();
      continue;
    }
    const equals = raw.indexOf('=');
    if (equals < 0) continue;
    const key = raw.slice(0, equals).trim();
    const keyStart = lineStart + raw.indexOf(key);
    const afterEquals = raw.slice(equals + 1);
    const comment = /\s[;#]/.exec(afterEquals);
    const valueText = (comment ? afterEquals.slice(0, comment.index) : afterEquals).trim();
    const valueStart = lineStart + equals + 1 + afterEquals.indexOf(valueText);
    lines.push({ section, key, keySpan: { start: keyStart, end: keyStart + key.length }, value: valueText, valueSpan: { start: valueStart, end: valueStart + valueText.length } });
  }
  return lines;
}
