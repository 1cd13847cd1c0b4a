import type { Comment } from '../formats/common';
import type { Span } from '../text/source-text';
import { closestName } from '../text/suggest';
import { HOST_OPTION_KEYS, readHostValue, suggestedDistro, withHostValue, type HostSpec, type HostValue } from './host-spec';
import type { HostSpecFix, HostSpecProblem } from './ini-file';

/** `deploylint: host` at the start of a comment's text; the colon may have spaces around it. */
const MARKER = /^\s*deploylint\s*:\s*host(?=$|[\s,])/;

/**
 * `# deploylint: host cpus=1 memory=1G distro=debian-12`: a file declaring its own
 * machine, in any of the three formats (the parsers hand over their comments). Pairs are
 * separated by spaces or commas, with no spaces around `=`; the keys are those of
 * `--host` (cpus, memory, distro, container, worker_memory, workload, and a program's
 * version). When a key is given twice the last one counts.
 *
 * The first such comment is the declaration; a later one is reported and ignored. Give
 * `text` (the document's text) when you have it: spans are then checked against it.
 * Never throws; every span lies inside the comment's.
 */
export function hostComment(comments: readonly Comment[], text?: string): { spec: HostSpec; span: Span; problems: HostSpecProblem[] } | undefined {
  const declarations = comments.filter((comment) => MARKER.test(comment.text));
  const first = declarations[0];
  if (!first) return undefined;
  const problems: HostSpecProblem[] = [];
  const spec = readDeclaration(first, text, problems);
  for (const extra of declarations.slice(1)) {
    const start = textStart(extra, text);
    const marker = MARKER.exec(extra.text)![0];
    const lead = marker.length - marker.trimStart().length;
    problems.push({
      span: { start: Math.min(start + lead, extra.span.end), end: Math.min(start + marker.length, extra.span.end) },
      message: `Only the first "deploylint: host" comment of a file counts${text !== undefined ? ` (line ${lineOf(text, first.span.start)})` : ''}: this one is ignored; merge its pairs into that one`,
      rule: 'hostspec/invalid-value',
      severity: 'warning',
    });
  }
  problems.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return { spec, span: first.span, problems };
}

/** Where the comment's text starts in the document: right after its marker character(s). */
function textStart(comment: Comment, text: string | undefined): number {
  const guess = comment.span.end - comment.text.length;
  if (text === undefined || text.slice(guess, comment.span.end) === comment.text) return Math.max(comment.span.start, guess);
  // A parser whose span does not end with the text: find the text inside the span.
  const found = text.slice(comment.span.start, comment.span.end).indexOf(comment.text);
  return found >= 0 ? comment.span.start + found : comment.span.start;
}

function readDeclaration(comment: Comment, text: string | undefined, problems: HostSpecProblem[]): HostSpec {
  const base = textStart(comment, text);
  const marker = MARKER.exec(comment.text)![0];
  const body = comment.text.slice(marker.length);
  const bodyStart = base + marker.length;
  const limit = comment.span.end;
  const clamp = (span: Span): Span => ({ start: Math.min(span.start, limit), end: Math.min(span.end, limit) });

  interface Pair {
    readonly key: string;
    readonly keySpan: Span;
    readonly value: string;
    readonly valueSpan: Span;
    readonly pairSpan: Span;
  }
  const pairs: Pair[] = [];
  /** A run of words that are not key=value pairs, reported once. */
  let stray: Span | undefined;
  const flushStray = () => {
    if (!stray) return;
    const written = text !== undefined ? text.slice(stray.start, stray.end) : body.slice(stray.start - bodyStart, stray.end - bodyStart);
    problems.push({
      span: clamp(stray),
      message: `"${written}" is not a key=value pair: a host comment reads pairs such as cpus=2 memory=1G, separated by spaces or commas`,
      rule: 'hostspec/invalid-value',
      severity: 'error',
    });
    stray = undefined;
  };

  for (const word of body.matchAll(/[^\s,]+/g)) {
    const start = bodyStart + word.index;
    const written = word[0];
    const equals = written.indexOf('=');
    if (equals <= 0) {
      stray = { start: stray?.start ?? start, end: start + written.length };
      continue;
    }
    flushStray();
    pairs.push({
      key: written.slice(0, equals),
      keySpan: { start, end: start + equals },
      value: written.slice(equals + 1),
      valueSpan: { start: start + equals + 1, end: start + written.length },
      pairSpan: { start, end: start + written.length },
    });
  }
  flushStray();

  const valid: { pair: Pair; read: Exclude<HostValue, { error: string }> }[] = [];
  for (const pair of pairs) {
    if (!HOST_OPTION_KEYS.includes(pair.key)) {
      const suggestion = closestName(pair.key, HOST_OPTION_KEYS);
      problems.push({
        span: clamp(pair.keySpan),
        message: `"${pair.key}" is no host key (${HOST_OPTION_KEYS.join(', ')})${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
        rule: 'hostspec/unknown-key',
        severity: 'warning',
        ...(suggestion ? { fixes: [{ title: `Change to ${suggestion}`, newText: suggestion, span: clamp(pair.keySpan) }] } : {}),
      });
      continue;
    }
    if (pair.value === '') {
      problems.push({ span: clamp(pair.pairSpan), message: `${pair.key} has no value`, rule: 'hostspec/invalid-value', severity: 'error' });
      continue;
    }
    const read = readHostValue(pair.key, pair.value);
    if ('error' in read) {
      const suggestion = pair.key === 'distro' ? suggestedDistro(pair.value) : undefined;
      const fixes: HostSpecFix[] = suggestion ? [{ title: `Change to ${suggestion}`, newText: suggestion, span: clamp(pair.valueSpan) }] : [];
      problems.push({ span: clamp(pair.valueSpan), message: read.error, rule: 'hostspec/invalid-value', severity: 'error', ...(fixes.length > 0 ? { fixes } : {}) });
      continue;
    }
    valid.push({ pair, read });
  }

  // As in .deploylint.ini: of the valid values given for a key, the last one counts.
  let spec: HostSpec = { versions: {} };
  const last = new Map<string, number>();
  valid.forEach(({ pair }, index) => last.set(pair.key, index));
  valid.forEach(({ pair, read }, index) => {
    const later = last.get(pair.key) !== index ? valid[last.get(pair.key)!] : undefined;
    if (later) {
      problems.push({
        span: clamp(pair.pairSpan),
        message: `${pair.key} is given again later in this comment (${later.pair.key}=${later.pair.value}), and the last one counts: this pair changes nothing`,
        rule: 'hostspec/invalid-value',
        severity: 'warning',
      });
      return;
    }
    spec = withHostValue(spec, read);
  });
  return spec;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < text.length; index++) {
    const character = text.charCodeAt(index);
    if (character === 10) line++;
    else if (character === 13 && text.charCodeAt(index + 1) !== 10) line++;
  }
  return line;
}
