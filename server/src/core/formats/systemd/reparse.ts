import { countEndingBy, countLeading, countStartingBefore, editBetween, moveSpan, type Mutable } from '../../text/changed-range';
import type { UnitEntry, UnitFile, UnitSection, ValuePiece } from './model';
import { parseUnit, readUnitFrom, type UnitResume } from './parser';

/**
 * An earlier version of a unit file and its parse, handed over: reparseUnit moves the
 * entries after the edit in place, so the parse must not be read afterwards.
 */
export interface PreviousUnit {
  readonly text: string;
  readonly unit: UnitFile;
}

/**
 * Parses a new version of a unit file, reusing the previous parse where the edit cannot
 * have changed it: the result is what `parseUnit(text)` gives, but a keystroke in a
 * 2,000-line unit reads a line or two instead of all of them.
 *
 * systemd's reader carries little from one logical line to the next: the section open, and
 * whether a byte order mark was seen. So reading resumes at the line of the last entry or
 * header that starts before the edit, in the section open there, and stops at a line in
 * the unchanged tail where the previous parse also started an entry or header, in a section
 * of the same name: from there both read the same lines the same way. The entries and
 * sections after it are the previous parse's, moved in place; the section open at the stop
 * gets the previous entries that followed. Not attempted when the previous parse had
 * problems, or when either text has a carriage return, NUL or byte order mark (line breaks
 * and marks that change how lines are split): the file is read whole.
 */
export function reparseUnit(previous: PreviousUnit, text: string): UnitFile {
  const old = previous.unit;
  if (old.problems.length > 0 || hasAwkwardCharacters(previous.text) || hasAwkwardCharacters(text)) return parseUnit(text);
  const edit = editBetween(previous.text, text);
  const marks = lineMarks(old, previous.text);
  let resumeMark = countLeading(marks, (mark) => mark.lineStart <= edit.start) - 1;
  while (resumeMark >= 0 && !startsLogicalLine(previous.text, marks[resumeMark]!.lineStart)) resumeMark--;
  const resumeAt = resumeMark >= 0 ? marks[resumeMark]!.lineStart : 0;
  const before = resumeMark >= 0 ? stateAt(old, marks[resumeMark]!) : { closed: 0, resume: { orphans: [] } };
  const reading = readUnitFrom(text, resumeAt, before.resume, (offset, section) => {
    if (offset < edit.end) return false;
    const mark = markAt(marks, offset - edit.shift);
    return mark !== undefined && openSectionAt(old, mark)?.name === section && startsLogicalLine(previous.text, mark.lineStart);
  });
  const kept = old.sections.slice(0, before.closed);
  const comments = old.comments.slice(0, countEndingBy(old.comments, resumeAt));
  if (reading.stoppedAt === undefined) {
    return { sections: [...kept, ...reading.sections], orphans: reading.orphans, comments: [...comments, ...reading.comments], problems: reading.problems };
  }
  const previousStop = reading.stoppedAt - edit.shift;
  const after = stateAt(old, markAt(marks, previousStop)!);
  const followingComments = old.comments.slice(countStartingBefore(old.comments, previousStop));
  const followingSections = old.sections.slice(after.closed + (after.resume.section ? 1 : 0));
  // What the section (or the orphans) open at the stop held after it in the previous parse.
  const openBefore = after.resume.section ? old.sections[after.closed]!.entries : old.orphans;
  const followingEntries = openBefore.slice(after.resume.section ? after.resume.section.entries.length : after.resume.orphans.length);
  if (edit.shift !== 0) {
    for (const entry of followingEntries) moveEntry(entry, edit.shift);
    for (const section of followingSections) moveSection(section, edit.shift);
    for (const comment of followingComments) moveSpan(comment.span, edit.shift);
  }
  const open = reading.open ? [{ ...reading.open, entries: [...reading.open.entries, ...followingEntries] }] : [];
  return {
    sections: [...kept, ...reading.sections, ...open, ...followingSections],
    orphans: reading.open || after.resume.section ? reading.orphans : [...reading.orphans, ...followingEntries],
    comments: [...comments, ...reading.comments, ...followingComments],
    problems: reading.problems,
  };
}

/** Carriage returns and NULs end lines in ways a shift can change; a byte order mark is dropped once per file. */
function hasAwkwardCharacters(text: string): boolean {
  return text.includes('\r') || text.includes('\0') || text.includes('\uFEFF');
}

/** The start of the line of an entry or a section header, in source order. */
interface LineMark {
  readonly lineStart: number;
  /** The section it is in (a header: the section it opens); -1 before the first header. */
  readonly section: number;
  /** Its place among the section's entries (or the orphans); -1 for a header. */
  readonly entry: number;
}

/** Every entry and header of a parse by the start of its line (comments do not count: one may sit inside a continuation). */
function lineMarks(unit: UnitFile, text: string): LineMark[] {
  const marks: LineMark[] = [];
  const lineOf = (offset: number) => (offset === 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1);
  unit.orphans.forEach((entry, index) => marks.push({ lineStart: lineOf(entry.span.start), section: -1, entry: index }));
  unit.sections.forEach((section, sectionIndex) => {
    marks.push({ lineStart: lineOf(section.headerSpan.start), section: sectionIndex, entry: -1 });
    section.entries.forEach((entry, index) => marks.push({ lineStart: lineOf(entry.span.start), section: sectionIndex, entry: index }));
  });
  return marks;
}

/**
 * Whether a line starts a logical line: the nearest line before it that is not a comment
 * (comment lines may sit inside a continuation) does not end in an unescaped backslash.
 * An entry's key can sit on a later line of its logical line, after lines of blanks; read
 * from the key's line, the entry comes out the same, but the logical line's length, which
 * systemd holds against LONG_LINE_MAX, would not.
 */
function startsLogicalLine(text: string, lineStart: number): boolean {
  let end = lineStart - 1;
  while (end >= 0) {
    const start = end === 0 ? 0 : text.lastIndexOf('\n', end - 1) + 1;
    let first = start;
    while (first < end && (text[first] === ' ' || text[first] === '\t')) first++;
    if (first < end && (text[first] === '#' || text[first] === ';')) {
      end = start - 1;
      continue;
    }
    let backslashes = 0;
    while (end - 1 - backslashes >= start && text[end - 1 - backslashes] === '\\') backslashes++;
    return backslashes % 2 === 0;
  }
  return true;
}

function markAt(marks: readonly LineMark[], lineStart: number): LineMark | undefined {
  const index = countLeading(marks, (mark) => mark.lineStart < lineStart);
  const mark = marks[index];
  return mark?.lineStart === lineStart ? mark : undefined;
}

/** The reader's state at the start of a mark's line: the sections closed before it, and what is open. */
function stateAt(unit: UnitFile, mark: LineMark): { closed: number; resume: UnitResume } {
  if (mark.section === -1) return { closed: 0, resume: { orphans: unit.orphans.slice(0, mark.entry) } };
  // A header closes the section before it: at its line, that one is still open, whole.
  const openIndex = mark.entry === -1 ? mark.section - 1 : mark.section;
  if (openIndex === -1) return { closed: 0, resume: { orphans: unit.orphans } };
  const open = unit.sections[openIndex]!;
  const entries = mark.entry === -1 ? open.entries : open.entries.slice(0, mark.entry);
  return { closed: openIndex, resume: { orphans: unit.orphans, section: { name: open.name, nameSpan: open.nameSpan, headerSpan: open.headerSpan, entries } } };
}

function openSectionAt(unit: UnitFile, mark: LineMark): UnitSection | undefined {
  const openIndex = mark.entry === -1 ? mark.section - 1 : mark.section;
  return openIndex >= 0 ? unit.sections[openIndex] : undefined;
}

function moveSection(section: UnitSection, shift: number): void {
  moveSpan(section.nameSpan, shift);
  moveSpan(section.headerSpan, shift);
  for (const entry of section.entries) moveEntry(entry, shift);
}

function moveEntry(entry: UnitEntry, shift: number): void {
  moveSpan(entry.keySpan, shift);
  moveSpan(entry.valueSpan, shift);
  moveSpan(entry.span, shift);
  for (const piece of entry.pieces) (piece as Mutable<ValuePiece>).sourceOffset += shift;
}

