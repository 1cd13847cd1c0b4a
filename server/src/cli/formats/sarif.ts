import type { Log, ReportingDescriptor, Result } from 'sarif';
import { ruleDocsUrl } from '../../core/engine/rule-docs';
import type { Rule } from '../../core/engine/rule';
import type { Severity } from '../../core/model/finding';
import type { Range } from '../../core/text/source-text';
import { displayPath, type RunReport } from './report';
import { groupBy } from '../../core/model/groups';

const LEVEL: Record<Severity, Result.level> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * SARIF 2.1.0, the format code-scanning services read. Regions are 1-based with UTF-16
 * columns (SARIF's default column kind), ends exclusive as SARIF defines them.
 */
export function formatSarif(report: RunReport, rules: readonly Rule[], toolVersion: string): string {
  const ruleIndex = new Map<string, number>();
  const descriptors: ReportingDescriptor[] = [];
  const describe = (id: string): number => {
    let index = ruleIndex.get(id);
    if (index === undefined) {
      const rule = rules.find((candidate) => candidate.id === id);
      index = descriptors.length;
      ruleIndex.set(id, index);
      descriptors.push({
        id,
        shortDescription: { text: rule?.summary ?? id },
        helpUri: ruleDocsUrl(id),
        defaultConfiguration: { level: LEVEL[rule?.severity ?? 'warning'] },
      });
    }
    return index;
  };

  const artifacts = report.files.map((file) => ({ location: { uri: uriOf(file.path, report.cwd) } }));
  const results: Result[] = report.files.flatMap((file, artifactIndex) =>
    file.findings.map((finding): Result => ({
      ruleId: finding.rule,
      ruleIndex: describe(finding.rule),
      level: LEVEL[finding.severity],
      message: { text: finding.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uriOf(file.path, report.cwd), index: artifactIndex },
            region: region(finding.range),
          },
        },
      ],
      ...(finding.related.length > 0
        ? {
            relatedLocations: finding.related.map((related, id) => ({
              id,
              message: { text: related.message },
              physicalLocation: { artifactLocation: { uri: uriOf(related.path, report.cwd) }, region: region(related.range) },
            })),
          }
        : {}),
      ...(finding.fixes.length > 0
        ? {
            fixes: finding.fixes.map((fix) => ({
              description: { text: fix.title },
              artifactChanges: groupByPath(fix.edits).map(([path, edits]) => ({
                artifactLocation: { uri: uriOf(path, report.cwd) },
                replacements: edits.map((edit) => ({
                  deletedRegion: region(edit.range),
                  insertedContent: { text: edit.newText },
                })),
              })),
            })),
          }
        : {}),
    })),
  );

  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'deploylint',
            version: toolVersion,
            informationUri: 'https://github.com/deploylint/deploylint',
            rules: descriptors,
          },
        },
        columnKind: 'utf16CodeUnits',
        artifacts,
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function region(range: Range) {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

/** Relative paths stay relative (SARIF resolves them against the checkout); others become file URIs. */
function uriOf(path: string, cwd: string): string {
  const shown = displayPath(path, cwd);
  if (shown.startsWith('/')) return `file://${encodeURI(shown)}`;
  return encodeURI(shown);
}

function groupByPath<T extends { path: string }>(edits: readonly T[]): [string, T[]][] {
  return [...groupBy(edits, (edit) => edit.path)];
}
