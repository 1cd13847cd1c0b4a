import type { MergedUnit } from '../../engine/merged-unit';
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

/** Directives that belong together: an added one goes after the last of its group already written. */
const GROUPS: readonly (readonly string[])[] = [
  ['Description', 'Documentation'],
  ['After', 'Wants', 'Requires', 'BindsTo', 'PartOf', 'Before'],
  ['StartLimitIntervalSec', 'StartLimitBurst', 'StartLimitAction'],
  ['Type', 'NotifyAccess', 'PIDFile', 'BusName', 'ExitType'],
  ['User', 'Group', 'DynamicUser', 'SupplementaryGroups'],
  ['WorkingDirectory', 'RuntimeDirectory', 'StateDirectory', 'LogsDirectory', 'CacheDirectory', 'ConfigurationDirectory'],
  ['Environment', 'EnvironmentFile', 'LoadCredential', 'SetCredential', 'PassEnvironment', 'UnsetEnvironment'],
  ['ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'],
  ['Restart', 'RestartSec', 'RestartSteps', 'RestartMaxDelaySec', 'RestartPreventExitStatus', 'SuccessExitStatus'],
  ['TimeoutStartSec', 'TimeoutStopSec', 'TimeoutSec', 'KillMode', 'KillSignal', 'FinalKillSignal', 'SendSIGKILL'],
  ['MemoryLow', 'MemoryHigh', 'MemoryMax', 'MemorySwapMax', 'TasksMax', 'CPUQuota', 'CPUWeight', 'IOWeight'],
  ['LimitNOFILE', 'LimitNPROC', 'LimitCORE', 'LimitAS', 'LimitMEMLOCK'],
];

/** Where systemd documentation puts the sections, which is the order a new one is placed in. */
const SECTION_ORDER = ['Unit', 'Service', 'Socket', 'Timer', 'Path', 'Mount', 'Install'];

/**
 * Edits giving each directive of a section its value in a merged unit: an assignment that
 * decides the value already (in the unit file or a drop-in) is rewritten where it is, so
 * nothing is written twice; a missing one is added to the unit file (to the winning
 * drop-in when the unit file is not in the workspace), after the related directives, or
 * at the end of the section, or in a new section where the section order puts it.
 */
export function setDirectives(service: MergedUnit, section: string, values: readonly (readonly [string, string])[]): EditDraft[] {
  const edits: EditDraft[] = [];
  const missing: [string, string][] = [];
  for (const [key, value] of values) {
    const deciding = service.assignments(section, key).at(-1);
    if (deciding && deciding.entry.value !== '') {
      if (deciding.entry.value !== value) edits.push({ document: deciding.document, span: deciding.entry.valueSpan, newText: value });
    } else {
      missing.push([key, value]);
    }
  }
  if (missing.length === 0) return edits;
  const target = service.editable;
  const unit = target.unit!;
  const source = target.source;
  const sections = unit.sections.filter((candidate) => candidate.name === section);
  if (sections.length === 0) return [...edits, { document: target, ...newSection(source, unit, section, missing.map(([key, value]) => `${key}=${value}`)) }];
  // Grouped by where each goes, so two additions at one place become one edit in the order given.
  const byAnchor = new Map<number, string[]>();
  const last = sections.at(-1)!;
  const sectionEnd = last.entries.at(-1)?.span.end ?? last.headerSpan.end;
  for (const [key, value] of missing) {
    const group = GROUPS.find((members) => members.includes(key));
    const related = sections.flatMap((candidate) => candidate.entries).filter((entry) => group?.includes(entry.key)).at(-1);
    const anchor = afterLine(source, related?.span.end ?? sectionEnd);
    byAnchor.set(anchor, [...(byAnchor.get(anchor) ?? []), `${key}=${value}`]);
  }
  for (const [anchor, lines] of byAnchor) {
    const needsBreak = anchor === source.length && !/[\r\n]$/.test(source.text);
    edits.push({ document: target, span: { start: anchor, end: anchor }, newText: `${needsBreak ? source.eol : ''}${lines.map((line) => `${line}${source.eol}`).join('')}` });
  }
  return edits;
}

/** A new section before the first section that comes after it in SECTION_ORDER, else at the end; a blank line apart from its neighbours. */
function newSection(source: SourceText, unit: UnitFile, section: string, lines: readonly string[]): Omit<EditDraft, 'document'> {
  const rank = (name: string) => {
    const index = SECTION_ORDER.indexOf(name);
    return index < 0 ? SECTION_ORDER.length - 1 : index;
  };
  const before = unit.sections.find((candidate) => rank(candidate.name) > rank(section));
  if (!before) return addToSection(source, unit, section, lines);
  const eol = source.eol;
  // Comment lines right above the header belong to it: the new section goes above them.
  let line = source.positionAt(before.headerSpan.start).line;
  while (line > 0 && /^[ \t]*[#;]/.test(source.slice({ start: source.lineStart(line - 1), end: source.lineEnd(line - 1) }))) line--;
  const at = source.lineStart(line);
  return { span: { start: at, end: at }, newText: `[${section}]${eol}${lines.map((line) => `${line}${eol}`).join('')}${eol}` };
}
