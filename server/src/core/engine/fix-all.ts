import type { DocumentInput } from './document';
import type { FileReport } from './lint';
import type { FileEdit, Fix } from '../model/finding';
import { applyEdits, rangesOverlap } from '../text/edits';
import { addTo } from '../model/groups';

/** Passes of fix-all: each pass can unblock fixes that collided in the one before. */
const MAX_FIX_PASSES = 10;

export interface AppliedFix {
  readonly path: string;
  readonly rule: string;
  readonly title: string;
}

/**
 * One pass of `--fix`: takes the first safe fix of every finding, keeps those whose
 * edits do not collide with a fix already taken, and applies them. Returns the new
 * texts of the files that changed. The caller checks again and repeats, because one
 * fix can make room for another.
 */
function applySafeFixes(reports: readonly FileReport[], texts: ReadonlyMap<string, string>): { texts: Map<string, string>; applied: AppliedFix[] } {
  const taken = new Map<string, FileEdit[]>();
  const applied: AppliedFix[] = [];
  for (const report of reports) {
    for (const finding of report.findings) {
      const fix = finding.fixes.find((candidate) => candidate.safe);
      if (!fix || collides(fix, taken)) continue;
      for (const edit of fix.edits) addTo(taken, edit.path, edit);
      applied.push({ path: report.path, rule: finding.rule, title: fix.title });
    }
  }

  const changed = new Map<string, string>();
  for (const [path, edits] of taken) {
    const before = texts.get(path);
    if (before === undefined) continue;
    const after = applyEdits(before, edits);
    if (after !== undefined && after !== before) changed.set(path, after);
  }
  return { texts: changed, applied };
}

function collides(fix: Fix, taken: ReadonlyMap<string, readonly FileEdit[]>): boolean {
  return fix.edits.some((edit) => (taken.get(edit.path) ?? []).some((other) => rangesOverlap(edit.range, other.range)));
}

/**
 * Every safe fix the documents have, as `deploylint --fix` and the editor's "Fix all in
 * workspace" apply them: a pass takes the fixes that do not collide, the documents are
 * checked again (`lintAgain`), and passes repeat while they change something. Returns
 * the documents as they end up, their findings, and what was applied.
 */
export function fixAll(
  original: readonly DocumentInput[],
  firstReports: FileReport[],
  lintAgain: (documents: readonly DocumentInput[]) => FileReport[],
): { documents: DocumentInput[]; reports: FileReport[]; applied: AppliedFix[] } {
  let documents = [...original];
  let reports = firstReports;
  const applied: AppliedFix[] = [];
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const texts = new Map(documents.map((document) => [document.path, document.text]));
    const outcome = applySafeFixes(reports, texts);
    if (outcome.texts.size === 0) break;
    applied.push(...outcome.applied);
    documents = documents.map((document) => {
      const text = outcome.texts.get(document.path);
      return text === undefined ? document : { ...document, text };
    });
    reports = lintAgain(documents);
  }
  return { documents, reports, applied };
}
