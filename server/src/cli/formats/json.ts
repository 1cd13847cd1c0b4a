import type { RunReport } from './report';
import { displayPath } from './report';

/**
 * The JSON contract CI tools build on (version 1): every checked file, with its kind and
 * findings; 0-based lines and UTF-16 characters, as LSP counts them.
 */
export function formatJson(report: RunReport): string {
  const files = report.files.map((file) => ({
    path: displayPath(file.path, report.cwd),
    kind: file.kind,
    findings: file.findings.map((finding) => ({
      rule: finding.rule,
      severity: finding.severity,
      message: finding.message,
      range: finding.range,
      fixes: finding.fixes.map((fix) => ({
        title: fix.title,
        edits: fix.edits.map((edit) => ({
          path: displayPath(edit.path, report.cwd),
          range: edit.range,
          newText: edit.newText,
        })),
      })),
    })),
  }));
  return `${JSON.stringify({ version: 1, files })}\n`;
}
