import type { Rule } from '../../engine/rule';
import { splitExecValue } from '../../formats/systemd/exec';
import type { UnitProblem } from '../../formats/systemd/model';
import type { Severity } from '../../model/finding';

/** What systemd does about a problem decides how serious it is: only a warning it prints and gets past is not an error. */
function severityOf(problem: UnitProblem): Severity {
  return problem.effect === 'warning' ? 'warning' : 'error';
}

export const syntax: Rule = {
  id: 'systemd/syntax',
  severity: 'error',
  summary: 'Lines systemd cannot parse: a bad section header (the unit fails to load), a line without "=", an assignment before any section',

  unit(unit, context) {
    for (const problem of unit.problems) context.report({ span: problem.span, message: problem.message, severity: severityOf(problem) });
    for (const orphan of unit.orphans) {
      context.report({ span: orphan.span, message: `Assignment outside of any section: systemd ignores ${orphan.key}=` });
    }
    for (const section of unit.sections) {
      for (const entry of section.entries) {
        if (!entry.key.startsWith('Exec') || entry.value === '') continue;
        for (const problem of splitExecValue(entry).problems) context.report({ span: problem.span, message: problem.message, severity: severityOf(problem) });
      }
    }
  },

  document(document, context) {
    if (!document.unit) return;
    for (const problem of document.encodingProblems) {
      context.report({ span: problem.span, message: 'Bytes that are not UTF-8: systemd refuses to load this file' });
    }
  },
};
