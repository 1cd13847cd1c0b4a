import type { ParsedDocument } from '../../engine/document';
import { effectiveUse, type GunicornRun, type PlacedUse } from '../../engine/gunicorn-runs';
import type { EditDraft, RuleContext } from '../../engine/rule';
import { toPython, type PyValue } from '../../formats/gunicorn/value';
import { afterLine, indentationAt, statementRemoval } from '../../text/line-edits';

/**
 * Fixes that change a gunicorn setting where it lives: a flag on the command line is
 * changed on the command line, an assignment in gunicorn.conf.py in the file, in the
 * file's own style. A setting that is nowhere yet goes next to its neighbours: into the
 * config file when the run has one, else onto the command line.
 */

/** Settings that belong together, in the order a tidy config lists them. */
const NEIGHBOURS: readonly (readonly string[])[] = [
  ['bind', 'backlog'],
  ['workers', 'worker_class', 'threads', 'worker_connections', 'max_requests', 'max_requests_jitter', 'timeout', 'graceful_timeout', 'keepalive'],
];

/** Edits that give `name` the value, at the place that decides it or next to its neighbours. */
export function setSetting(run: GunicornRun, name: string, value: PyValue, context: RuleContext): EditDraft[] {
  const use = effectiveUse(run, name);
  if (use) return [replaceValue(use, value)];
  if (run.config && (!run.command || settingsIn(run, run.config).length > 0)) return [addToConfig(run, run.config, name, value)];
  if (run.command && run.launcher) {
    const addition = addToCommand(run, name, value, context);
    if (addition) return [addition];
  }
  return run.config ? [addToConfig(run, run.config, name, value)] : [];
}

/** Several settings at once, each where it belongs. */
export function setSettings(run: GunicornRun, values: readonly (readonly [string, PyValue])[], context: RuleContext): EditDraft[] {
  return values.flatMap(([name, value]) => setSetting(run, name, value, context));
}

/** Removes an assignment (its whole line when it has one to itself) or a flag with its value. */
export function removeUse(use: PlacedUse): EditDraft {
  const source = use.document.source;
  if (use.layer === 'config') return { document: use.document, span: statementRemoval(source, use.span, '#'), newText: '' };
  if (inExecForm(use.document, use.span)) return { document: use.document, span: execFormRemoval(source.text, use.span), newText: '' };
  // A flag alone on a continued line goes with its line; one among others with the space before it.
  const lineStart = source.lineStart(source.positionAt(use.span.start).line);
  const before = source.text.slice(lineStart, use.span.start);
  const after = /^[ \t]*\\\r?\n/.exec(source.text.slice(use.span.end));
  if (before.trim() === '' && after) return { document: use.document, span: { start: lineStart, end: use.span.end + after[0].length }, newText: '' };
  let start = use.span.start;
  while (start > 0 && (source.text[start - 1] === ' ' || source.text[start - 1] === '\t')) start--;
  return { document: use.document, span: { start, end: use.span.end }, newText: '' };
}

/** The value as the place expects it: Python in the config file, in the file's quotes; a word on a command line. */
export function writtenValue(value: PyValue, document: ParsedDocument, layer: PlacedUse['layer']): string {
  if (layer !== 'config') return value.kind === 'string' ? value.value : value.kind === 'bool' ? (value.value ? 'true' : 'false') : toPython(value);
  return toPython(value, preferredQuote(document));
}

function replaceValue(use: PlacedUse, value: PyValue): EditDraft {
  const exec = use.layer !== 'config' && inExecForm(use.document, use.span);
  if (use.layer !== 'config' && use.option?.value === undefined) {
    // A switch (--reload, --daemon): present means true, so false means taking it away.
    const flag = use.option?.flag ?? '';
    return value.kind === 'bool' && !value.value ? removeUse(use) : { document: use.document, span: use.span, newText: exec ? JSON.stringify(flag) : flag };
  }
  return rewriteValue(use, writtenValue(value, use.document, use.layer));
}

/**
 * Puts text the place already reads (a Python literal in the config file, a word on a
 * command line) where the use's value is, keeping quoted words and exec-form arrays valid.
 */
export function rewriteValue(use: PlacedUse, written: string): EditDraft {
  const exec = use.layer !== 'config' && inExecForm(use.document, use.span);
  if (use.option && use.valueSpan.start === use.option.span.start) {
    // A value attached to its flag in a quoted word (`'--workers=2'`, and every word of an
    // exec-form array) has only the whole word as its span: write the whole word again.
    const word = `${use.option.flag}${use.option.flag.startsWith('--') ? '=' : ''}${written}`;
    return { document: use.document, span: use.option.span, newText: exec ? JSON.stringify(word) : quoteWord(word) };
  }
  return { document: use.document, span: use.valueSpan, newText: exec ? JSON.stringify(written) : written };
}

function settingsIn(run: GunicornRun, document: ParsedDocument): PlacedUse[] {
  return run.uses.filter((use) => use.document === document);
}

/** After the last neighbour in the file (the group's earlier members preferred), else at the end. */
function addToConfig(run: GunicornRun, config: ParsedDocument, name: string, value: PyValue): EditDraft {
  const line = `${name} = ${writtenValue(value, config, 'config')}\n`;
  const neighbour = neighbourOf(settingsIn(run, config), name);
  const source = config.source;
  if (neighbour) return { document: config, span: at(afterLine(source, neighbour.span.end)), newText: `${indentationAt(source, neighbour.span.start)}${line}` };
  const end = source.length;
  const separator = end === 0 || source.text.endsWith('\n') ? '' : '\n';
  return { document: config, span: at(end), newText: `${separator}${line}` };
}

/** `--flag value` after the last option, on a line of its own when the command is written one option per line. */
function addToCommand(run: GunicornRun, name: string, value: PyValue, context: RuleContext): EditDraft | undefined {
  const setting = context.knowledge.gunicorn.setting(name);
  const flag = setting?.flags.find((candidate) => candidate.startsWith('--')) ?? setting?.flags[0];
  const command = run.command!.command;
  const launcher = run.launcher!;
  if (!flag) return undefined;
  const word = value.kind === 'bool' ? flag : `${flag} ${quoteWord(writtenValue(value, launcher, 'command'))}`;
  const options = command.options.filter((option) => option.span.start >= (command.program?.span.end ?? 0));
  const neighbour = neighbourOf(settingsIn(run, launcher).filter((use) => use.layer === 'command'), name);
  const anchor = neighbour?.span ?? options.at(-1)?.span ?? command.program?.span;
  if (!anchor) return undefined;
  const source = launcher.source;
  if (inExecForm(launcher, anchor)) {
    const words = value.kind === 'bool' ? [flag] : [flag, writtenValue(value, launcher, 'command')];
    return { document: launcher, span: at(anchor.end), newText: words.map((item) => `, ${JSON.stringify(item)}`).join('') };
  }
  const continued = /^[ \t]*\\\r?\n/.exec(source.text.slice(anchor.end));
  if (continued && source.text.slice(source.lineStart(source.positionAt(anchor.start).line), anchor.start).trim() === '') {
    const nextLine = anchor.end + continued[0].length;
    return { document: launcher, span: at(nextLine), newText: `${indentationAt(source, anchor.start)}${word} \\\n` };
  }
  return { document: launcher, span: at(anchor.end), newText: ` ${word}` };
}

function neighbourOf(uses: readonly PlacedUse[], name: string): PlacedUse | undefined {
  const group = NEIGHBOURS.find((members) => members.includes(name));
  if (!group) return undefined;
  const rank = (use: PlacedUse) => group.indexOf(use.setting.name);
  const inGroup = uses.filter((use) => rank(use) >= 0);
  // Prefer the last setting that comes before this one in the group, then any member.
  const earlier = inGroup.filter((use) => rank(use) < group.indexOf(name));
  return (earlier.length > 0 ? earlier : inGroup).reduce<PlacedUse | undefined>((last, use) => (!last || use.span.start > last.span.start ? use : last), undefined);
}

function preferredQuote(document: ParsedDocument): '"' | "'" {
  const bindings = document.gunicornConfig?.bindings ?? [];
  let single = 0;
  let double = 0;
  for (const binding of bindings) {
    if (binding.value.kind !== 'string') continue;
    const opening = document.source.text[binding.valueSpan.start];
    if (opening === "'") single++;
    else if (opening === '"') double++;
  }
  return single > double ? "'" : '"';
}

function quoteWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function at(offset: number) {
  return { start: offset, end: offset };
}

/**
 * Whether the word at the span is an element of a Dockerfile's exec-form array
 * (`CMD ["gunicorn", "-w", "2"]`): each word there is a JSON string after `[` or `,`.
 * Text written there must keep the array valid JSON, or Docker runs the line as a shell
 * command instead.
 */
function inExecForm(document: ParsedDocument, span: { start: number }): boolean {
  if (!/dockerfile|containerfile/i.test(document.path.slice(document.path.lastIndexOf('/') + 1))) return false;
  const text = document.source.text;
  if (text[span.start] !== '"') return false;
  const before = skipBack(text, span.start);
  return text[before - 1] === ',' || text[before - 1] === '[';
}

/** Removing words from an exec-form array: with the comma before them, or the one after them when they come first. */
function execFormRemoval(text: string, span: { start: number; end: number }) {
  const before = skipBack(text, span.start);
  if (text[before - 1] === ',') return { start: before - 1, end: span.end };
  const after = /^[\s\\]*,[ \t]*/.exec(text.slice(span.end));
  return { start: span.start, end: span.end + (after ? after[0].length : 0) };
}

/** The offset after the last character before `from` that is not blank or a line continuation. */
function skipBack(text: string, from: number): number {
  let index = from;
  while (index > 0 && /[\s\\]/.test(text[index - 1]!)) index--;
  return index;
}

