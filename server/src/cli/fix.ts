import type { FileReport } from '../core/engine/lint';
import type { FileEdit, Fix } from '../core/model/finding';
import { applyEdits, rangesOverlap } from '../core/text/edits';

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
export function applySafeFixes(reports: readonly FileReport[], texts: ReadonlyMap<string, string>): { texts: Map<string, string>; applied: AppliedFix[] } {
  const taken = new Map<string, FileEdit[]>();
  const applied: AppliedFix[] = [];
  for (const report of reports) {
    for (const finding of report.findings) {
      const fix = finding.fixes.find((candidate) => candidate.safe);
      if (!fix || collides(fix, taken)) continue;
      for (const edit of fix.edits) {
        const list = taken.get(edit.path);
        if (list) list.push(edit);
        else taken.set(edit.path, [edit]);
      }
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
