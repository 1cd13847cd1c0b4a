import assert from 'node:assert/strict';
import { detectKind } from '../../server/src/core/engine/detect';
import type { DocumentInput } from '../../server/src/core/engine/document';
import type { FileReport } from '../../server/src/core/engine/lint';
import type { HostSpec } from '../../server/src/core/host/host-spec';
import { Linter } from '../../server/src/core/linter';
import { MemoryFiles } from '../../server/src/core/model/file-access';
import type { Finding, FileKind } from '../../server/src/core/model/finding';
import { applyEdits } from '../../server/src/core/text/edits';
import { underlinedRange } from './text';

export const linter = new Linter();

export interface LintSetup {
  /** Other files of the same run (checked too), by absolute path. */
  readonly others?: Readonly<Record<string, string>>;
  /** Files that can be read (an app module) but are not checked themselves. */
  readonly files?: Readonly<Record<string, string>>;
  readonly host?: HostSpec;
  readonly kind?: FileKind;
}

/** Lints one file (plus any others of the run) and returns every report. */
export function lintFiles(path: string, text: string, setup: LintSetup = {}): FileReport[] {
  const entries: [string, string][] = [[path, text], ...Object.entries(setup.others ?? {})];
  const documents: DocumentInput[] = entries.map(([documentPath, documentText]) => {
    const kind = documentPath === path && setup.kind ? setup.kind : detectKind(documentPath, documentText, linter.isNginxDirective);
    assert.ok(kind, `test setup: cannot tell the kind of ${documentPath}`);
    return { path: documentPath, text: documentText, kind };
  });
  return linter.lint({ documents, files: new MemoryFiles([...entries, ...Object.entries(setup.files ?? {})]), ...(setup.host ? { host: setup.host } : {}) });
}

/** The findings of one file. */
export function lint(path: string, text: string, setup: LintSetup = {}): readonly Finding[] {
  return lintFiles(path, text, setup).find((report) => report.path === path)!.findings;
}

export function findingsOf(rule: string, path: string, text: string, setup: LintSetup = {}): readonly Finding[] {
  return lint(path, text, setup).filter((finding) => finding.rule === rule);
}

/** What a user sees of each finding of a rule: the underlined text and the message. */
export function seen(rule: string, path: string, text: string, setup: LintSetup = {}): { underlined: string; message: string; severity: string }[] {
  return findingsOf(rule, path, text, setup).map((finding) => ({
    underlined: underlinedRange(text, finding.range),
    message: finding.message,
    severity: finding.severity,
  }));
}

/** What a finding shows: the underlined text, the message, and each related place as file:line and message. */
export function shown(rule: string, path: string, text: string, setup: LintSetup = {}): { underlined: string; severity: string; message: string; related: string[] }[] {
  return findingsOf(rule, path, text, setup).map((finding) => ({
    underlined: underlinedRange(text, finding.range),
    severity: finding.severity,
    message: finding.message,
    related: finding.related.map((related) => `${related.path.slice(related.path.lastIndexOf('/') + 1)}:${related.range.start.line + 1} ${related.message}`),
  }));
}

/**
 * The fix contract every rule keeps: applying the fix removes the finding it belongs
 * to, adds no new finding, and applying the rule's fixes again changes nothing.
 * Returns the fixed text.
 */
export function assertFixRoundTrip(rule: string, path: string, text: string, options: { fixTitle?: RegExp; setup?: LintSetup } = {}): string {
  const setup = options.setup ?? {};
  const before = lint(path, text, setup);
  const target = before.find((finding) => finding.rule === rule && finding.fixes.length > 0);
  assert.ok(target, `expected a ${rule} finding with a fix`);
  const fix = options.fixTitle ? target.fixes.find((candidate) => options.fixTitle!.test(candidate.title)) : target.fixes[0];
  assert.ok(fix, `expected a fix titled ${options.fixTitle}; have ${target.fixes.map((f) => f.title).join(' | ')}`);
  const fixed = applyEdits(text, fix.edits.filter((edit) => edit.path === path));
  assert.ok(fixed !== undefined, 'fix edits overlap');

  const after = lint(path, fixed, setup);
  // Numbers are masked: a fix that moves a figure in another finding (an exposure score, a line) has not introduced it.
  const key = (finding: Finding) => `${finding.rule}: ${finding.message.replace(/\d+(\.\d+)?/g, 'N')}`;
  const beforeKeys = before.map(key);
  const remaining = [...beforeKeys];
  remaining.splice(remaining.indexOf(key(target)), 1);
  const added = after.map(key).filter((k) => {
    const index = remaining.indexOf(k);
    if (index >= 0) {
      remaining.splice(index, 1);
      return false;
    }
    return true;
  });
  assert.deepEqual(added, [], 'the fix introduced findings');
  assert.equal(
    after.filter((finding) => finding.rule === rule).length,
    before.filter((finding) => finding.rule === rule).length - 1,
    'the fixed finding is still reported',
  );

  // Idempotence: the same fix offered again on the fixed text, if any, must change nothing.
  const again = after.find((finding) => finding.rule === rule && finding.fixes.some((candidate) => candidate.title === fix.title));
  if (again) {
    const secondFix = again.fixes.find((candidate) => candidate.title === fix.title)!;
    assert.notDeepEqual(secondFix.edits, fix.edits, 'the same fix is offered again at the same place');
  }
  return fixed;
}
