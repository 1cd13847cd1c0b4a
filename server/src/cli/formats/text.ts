import type { Severity } from '../../core/model/finding';
import { displayPath, type RunReport } from './report';

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

/**
 * For people at a terminal: one block per file with findings, `line:column severity
 * message rule`, 1-based as editors show them, then a one-line summary.
 */
export function formatText(report: RunReport, color: boolean): string {
  const paint = (code: string, text: string) => (color ? `${code}${text}${COLORS.reset}` : text);
  const lines: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  let fixable = 0;
  let filesWithFindings = 0;

  for (const file of report.files) {
    if (file.findings.length === 0) continue;
    filesWithFindings++;
    lines.push(paint(COLORS.bold, displayPath(file.path, report.cwd)));
    const locations = file.findings.map((f) => `${f.range.start.line + 1}:${f.range.start.character + 1}`);
    const width = Math.max(...locations.map((location) => location.length));
    file.findings.forEach((finding, index) => {
      counts[finding.severity]++;
      if (finding.fixes.some((fix) => fix.safe)) fixable++;
      const severity = paint(COLORS[finding.severity], finding.severity.padEnd(7));
      lines.push(`  ${locations[index]!.padEnd(width)}  ${severity}  ${finding.message}  ${paint(COLORS.dim, finding.rule)}`);
    });
    lines.push('');
  }

  const checked = `${report.files.length} ${report.files.length === 1 ? 'file' : 'files'} checked`;
  const total = counts.error + counts.warning + counts.info;
  if (total === 0) {
    lines.push(`No problems: ${checked}.`);
  } else {
    const parts = (['error', 'warning', 'info'] as const)
      .filter((severity) => counts[severity] > 0)
      .map((severity) => paint(COLORS[severity], plural(counts[severity], severity)));
    const fixNote = fixable > 0 ? `; ${fixable} fixable with --fix` : '';
    lines.push(`${parts.join(', ')} in ${filesWithFindings} of ${checked}${fixNote}.`);
  }
  return `${lines.join('\n')}\n`;
}

function plural(count: number, severity: Severity): string {
  if (severity === 'info') return `${count} info`;
  return `${count} ${severity}${count === 1 ? '' : 's'}`;
}
