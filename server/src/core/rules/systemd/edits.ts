import type { EditDraft } from '../../engine/rule';
import type { UnitEntry, UnitFile } from '../../formats/systemd/model';
import { afterLine, statementRemoval } from '../../text/line-edits';
import type { SourceText } from '../../text/source-text';

/**
 * An edit adding `Key=Value` lines to a section: after its last assignment (the last
 * section of that name, as systemd merges repeats), or, when the file has no such
 * section, a new section at the end of the file, after a blank line.
 */
export function addToSection(source: SourceText, unit: UnitFile, section: string, lines: readonly string[]): EditDraft {
  const eol = source.eol;
  const existing = unit.sections.filter((candidate) => candidate.name === section);
  const last = existing[existing.length - 1];
  if (last) {
    const anchor = last.entries[last.entries.length - 1]?.span ?? last.headerSpan;
    const at = afterLine(source, anchor.end);
    const needsBreak = at === source.length && !/[\r\n]$/.test(source.text);
    return { span: { start: at, end: at }, newText: `${needsBreak ? eol : ''}${lines.map((line) => `${line}${eol}`).join('')}` };
  }
  const text = source.text;
  const ending = text === '' ? '' : /(\r?\n){2}$/.test(text) ? '' : /\r?\n$/.test(text) ? eol : `${eol}${eol}`;
  return { span: { start: text.length, end: text.length }, newText: `${ending}[${section}]${eol}${lines.map((line) => `${line}${eol}`).join('')}` };
}

/** An edit deleting an assignment with its line(s). */
export function removeEntry(source: SourceText, entry: UnitEntry): EditDraft {
  return { span: statementRemoval(source, entry.span, '#;'), newText: '' };
}
