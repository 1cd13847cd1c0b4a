import type { NginxDirective } from '../../formats/nginx/model';
import { afterLine, indentationAt, statementRemoval } from '../../text/line-edits';
import type { SourceText, Span } from '../../text/source-text';
import { nearestEntries, ownEntries, type Level } from './levels';

/** One change to an nginx file, in the shape fixes carry (the caller names the document when it is not the checked one). */
export interface NginxEdit {
  readonly span: Span;
  readonly newText: string;
}

/** Whether only spaces, tabs or a comment follow an offset on its line. */
function restOfLineIsEmpty(source: SourceText, offset: number): boolean {
  const lineEnd = source.lineEnd(source.positionAt(offset).line);
  const rest = source.text.slice(offset, lineEnd).trim();
  return rest === '' || rest.startsWith('#');
}

/** Whether only spaces or tabs come before an offset on its line. */
function startsItsLine(source: SourceText, offset: number): boolean {
  const lineStart = source.lineStart(source.positionAt(offset).line);
  return source.text.slice(lineStart, offset).trim() === '';
}

/**
 * Inserts statements right after a directive. When the directive ends its line (a comment
 * may follow), each statement gets a line of its own below it at the directive's
 * indentation; when more follows on the same line (`location / { proxy_pass x; }`), the
 * statements go on that line, just after the directive, so they stay inside its block.
 */
export function insertAfterDirective(source: SourceText, directive: NginxDirective, statements: readonly string[]): NginxEdit {
  if (restOfLineIsEmpty(source, directive.span.end)) {
    const indentation = indentationAt(source, directive.span.start);
    const at = afterLine(source, directive.span.end);
    const atEnd = at === source.length && !/[\r\n]$/.test(source.text);
    const lines = statements.map((statement) => `${indentation}${statement}`).join(source.eol);
    return { span: { start: at, end: at }, newText: atEnd ? `${source.eol}${lines}` : `${lines}${source.eol}` };
  }
  return { span: { start: directive.span.end, end: directive.span.end }, newText: statements.map((statement) => ` ${statement}`).join('') };
}

/**
 * Inserts statements just before a directive: on lines of their own at its indentation
 * when it starts its line, else on its line before it.
 */
export function insertBeforeDirective(source: SourceText, directive: NginxDirective, statements: readonly string[]): NginxEdit {
  if (startsItsLine(source, directive.span.start)) {
    const indentation = indentationAt(source, directive.span.start);
    const at = source.lineStart(source.positionAt(directive.span.start).line);
    return { span: { start: at, end: at }, newText: statements.map((statement) => `${indentation}${statement}${source.eol}`).join('') };
  }
  return { span: { start: directive.span.start, end: directive.span.start }, newText: statements.map((statement) => `${statement} `).join('') };
}

/**
 * Inserts statements as the first ones of a block: after the line of its `{`, indented
 * like the block's first directive (or one level deeper than the block, four spaces).
 */
export function insertAtBlockStart(source: SourceText, block: NginxDirective, statements: readonly string[]): NginxEdit | undefined {
  const body = block.block;
  if (!body) return undefined;
  const first = body.directives[0];
  if (first && startsItsLine(source, first.span.start)) return insertBeforeDirective(source, first, statements);
  if (!restOfLineIsEmpty(source, body.openSpan.end)) {
    return { span: { start: body.openSpan.end, end: body.openSpan.end }, newText: statements.map((statement) => ` ${statement}`).join('') };
  }
  const indentation = `${indentationAt(source, block.span.start)}    `;
  const at = afterLine(source, body.openSpan.end);
  return { span: { start: at, end: at }, newText: statements.map((statement) => `${indentation}${statement}${source.eol}`).join('') };
}

/** Removes a directive, with its line when it has the line to itself. */
export function removeDirective(source: SourceText, directive: NginxDirective): NginxEdit {
  return { span: statementRemoval(source, directive.span, '#'), newText: '' };
}

/**
 * Removes one argument of a directive that has others: its line when it has the line to
 * itself, else with the space that separated it from the argument before it (or after it,
 * when it comes first). A comment between arguments is left alone. Undefined for a
 * directive's only argument, which the directive cannot lose.
 */
export function removeArgument(source: SourceText, directive: NginxDirective, index: number): NginxEdit | undefined {
  const argument = directive.args[index];
  const before = directive.args[index - 1];
  const after = directive.args[index + 1];
  if (!argument || (!before && !after)) return undefined;
  const line = statementRemoval(source, argument.span, '#');
  if (line.start !== argument.span.start || line.end !== argument.span.end) return { span: line, newText: '' };
  const plainGap = (start: number, end: number) => !source.text.slice(start, end).includes('#');
  if (before && plainGap(before.span.end, argument.span.start)) return { span: { start: before.span.end, end: argument.span.end }, newText: '' };
  if (after && plainGap(argument.span.end, after.span.start)) return { span: { start: argument.span.start, end: after.span.start }, newText: '' };
  return { span: argument.span, newText: '' };
}

/** Replaces a directive's arguments (all of them, as written) with new text. */
export function replaceArguments(directive: NginxDirective, newText: string): NginxEdit | undefined {
  const first = directive.args[0];
  const last = directive.args[directive.args.length - 1];
  if (!first || !last) return undefined;
  return { span: { start: first.span.start, end: last.span.end }, newText };
}

/** A value written as one nginx word: bare when nginx reads it back unchanged, else double-quoted. */
export function nginxWord(value: string): string {
  if (value !== '' && !/[\s;{}"'#\\]/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The text of a directive as written in its file, from its name to its `;`. */
export function directiveText(source: SourceText, directive: NginxDirective): string {
  return source.slice(directive.span);
}

/** Proxy settings to give the location a proxy_pass sits in. */
export interface ProxyChange {
  /** Set `proxy_http_version 1.1`. */
  readonly http11?: boolean;
  /** `proxy_set_header` lines to set: the header's name and its value as written (`""`, `$http_upgrade`). */
  readonly headers: readonly { readonly name: string; readonly value: string }[];
}

/**
 * Edits that give the location around a proxy_pass the settings asked for. New lines go
 * just after the proxy_pass (before the `if` or `limit_except` block holding it, since
 * neither accepts these directives); a setting the location already writes is rewritten in
 * place. A location with no proxy_set_header of its own inherits the outer ones, and would
 * lose them all with its first one: those are repeated with it. Undefined when the setting
 * to change comes from an included file, which the fix cannot rewrite without changing
 * every place that includes it.
 */
export function proxyLocationEdits(
  proxyPass: NginxDirective,
  ancestors: readonly NginxDirective[],
  source: SourceText,
  levels: readonly Level[],
  change: ProxyChange,
): NginxEdit[] | undefined {
  let index = levels.length - 1;
  while (index >= 0 && levels[index]!.context !== 'location') index--;
  const location = levels[index];
  if (!location?.block) return undefined;
  const edits: NginxEdit[] = [];
  const statements: string[] = [];
  if (change.http11) {
    const own = ownEntries(location, 'proxy_http_version');
    const last = own[own.length - 1];
    if (last?.via) return undefined;
    const edit = last ? replaceArguments(last.directive, '1.1') : undefined;
    if (edit) edits.push(edit);
    else statements.push('proxy_http_version 1.1;');
  }
  if (change.headers.length > 0) {
    const own = ownEntries(location, 'proxy_set_header');
    const changing = new Set(change.headers.map((header) => header.name.toLowerCase()));
    if (own.length === 0) {
      const inherited = nearestEntries(levels.slice(0, index), 'proxy_set_header')?.entries ?? [];
      for (const entry of inherited) {
        if (!changing.has(entry.directive.args[0]?.value.toLowerCase() ?? '')) statements.push(directiveText(entry.file.source, entry.directive));
      }
    }
    for (const header of change.headers) {
      const existing = own.filter((entry) => entry.directive.args[0]?.value.toLowerCase() === header.name.toLowerCase());
      const last = existing[existing.length - 1];
      if (!last) {
        statements.push(`proxy_set_header ${header.name} ${header.value};`);
        continue;
      }
      if (last.via) return undefined;
      const name = last.directive.args[0]!;
      edits.push({ span: { start: name.span.start, end: last.directive.args[last.directive.args.length - 1]!.span.end }, newText: `${source.slice(name.span)} ${header.value}` });
    }
  }
  if (statements.length > 0) {
    if (index === levels.length - 1) {
      edits.push(insertAfterDirective(source, proxyPass, statements));
    } else {
      // The block inside the location that holds the proxy_pass (an if, a limit_except).
      const holder = ancestors[ancestors.indexOf(location.block) + 1];
      if (!holder) return undefined;
      edits.push(insertBeforeDirective(source, holder, statements));
    }
  }
  return edits;
}
