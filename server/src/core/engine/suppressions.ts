import type { Comment } from '../formats/common';
import type { Finding, Fix } from '../model/finding';
import type { SourceText, Span } from '../text/source-text';
import type { ParsedDocument } from './document';

/**
 * Suppression comments, written the same way in every format:
 *
 *   # deploylint: disable-next-line=gunicorn/duplicate-setting,gunicorn/unknown-setting -- why
 *   # deploylint: disable=systemd/runs-as-root -- the whole file
 *
 * Without `=ids` a comment covers every rule. The reason after ` -- ` is for the reader.
 */
export interface Suppression {
  readonly scope: 'next-line' | 'file';
  /** The rule ids, each with its span for "unused" findings; empty means every rule. */
  readonly rules: readonly { readonly id: string; readonly span: Span }[];
  /** The line a next-line suppression covers (0-based). */
  readonly line: number;
  /** The whole comment. */
  readonly span: Span;
}

const DIRECTIVE = /^\s*deploylint\s*:\s*(disable-next-line|disable)(?=\s|=|$)/;

/** The suppression comments of a document, in order. */
export function suppressionsIn(comments: readonly Comment[], source: SourceText): Suppression[] {
  const found: Suppression[] = [];
  for (const comment of comments) {
    const match = DIRECTIVE.exec(comment.text);
    if (!match) continue;
    // Where comment.text starts in the source: after the marker (#, ;).
    const textStart = comment.span.end - comment.text.length;
    let rest = comment.text.slice(match[0].length);
    const reason = rest.indexOf(' --');
    if (reason >= 0) rest = rest.slice(0, reason);
    const rules: { id: string; span: Span }[] = [];
    const equals = /^\s*=\s*/.exec(rest);
    if (equals) {
      let offset = textStart + match[0].length + equals[0].length;
      for (const piece of rest.slice(equals[0].length).split(',')) {
        const id = piece.trim();
        const leading = piece.length - piece.trimStart().length;
        if (id !== '') rules.push({ id, span: { start: offset + leading, end: offset + leading + id.length } });
        offset += piece.length + 1;
      }
    }
    found.push({
      scope: match[1] === 'disable' ? 'file' : 'next-line',
      rules,
      line: source.positionAt(comment.span.start).line + 1,
      span: comment.span,
    });
  }
  return found;
}

/** Whether a suppression covers a finding, and through which of its ids ('*' for all). */
export function coveringId(suppression: Suppression, finding: Finding): string | undefined {
  if (suppression.scope === 'next-line' && finding.range.start.line !== suppression.line) return undefined;
  if (suppression.rules.length === 0) return '*';
  return suppression.rules.find((rule) => rule.id === finding.rule)?.id;
}

/**
 * The comment line that suppresses a rule on the line of a finding, indented like that
 * line, as text to insert at the line's start.
 */
function suppressionComment(source: SourceText, line: number, rule: string, marker: '#' | ';' = '#'): { offset: number; text: string } {
  const start = source.lineStart(line);
  const indentation = /^[ \t]*/.exec(source.slice({ start, end: source.lineEnd(line) }))![0];
  return { offset: start, text: `${indentation}${marker} deploylint: disable-next-line=${rule}${source.eol}` };
}

/**
 * The fix "Suppress rule on this line" for a finding of a document: a comment line above
 * the finding's line. Undefined where deploylint reads no comments (a Procfile, a shell
 * script, .deploylint.ini), and for the finding about an unused suppression itself.
 */
export function suppressionFix(document: ParsedDocument, finding: Finding): Fix | undefined {
  const readsComments = document.unit !== undefined || document.nginx !== undefined || document.gunicornConfig !== undefined;
  if (!readsComments || finding.rule.startsWith('deploylint/')) return undefined;
  const { offset, text } = suppressionComment(document.source, finding.range.start.line, finding.rule);
  const at = document.source.rangeOf({ start: offset, end: offset });
  return { title: `Suppress ${finding.rule} on this line`, safe: false, edits: [{ path: document.path, range: at, newText: text }] };
}
