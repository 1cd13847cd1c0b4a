import { chmodSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DocumentInput } from '../core/engine/document';
import type { FileReport } from '../core/engine/lint';
import { Linter } from '../core/linter';
import { severityRank } from '../core/model/finding';
import { parseArguments, USAGE, type CliOptions } from './arguments';
import { collectDocuments } from '../node/collect';
import { describeError, DiskAccess } from '../node/disk-access';
import { fixAll, type AppliedFix } from '../core/engine/fix-all';
import { formatJson } from './formats/json';
import { displayPath } from './formats/report';
import { formatSarif } from './formats/sarif';
import { formatText } from './formats/text';

declare const DEPLOYLINT_VERSION: string;

export interface Streams {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly isTerminal: boolean;
  readonly cwd: string;
}

/** Runs the command line; returns the exit code (0 clean, 1 findings, 2 usage or I/O error). */
export function run(argv: readonly string[], streams: Streams): number {
  const parsed = parseArguments(argv);
  switch (parsed.kind) {
    case 'help':
      streams.stdout(USAGE);
      return 0;
    case 'version':
      streams.stdout(`${version()}\n`);
      return 0;
    case 'error':
      streams.stderr(`deploylint: ${parsed.message}\n${USAGE}`);
      return 2;
    case 'run':
      return check(parsed.options, streams);
  }
}

function check(options: CliOptions, streams: Streams): number {
  const linter = new Linter();
  const access = new DiskAccess(options.paths.map((path) => resolve(streams.cwd, path)));
  const collected = collectDocuments(options.paths, streams.cwd, access, linter.isNginxDirective);
  for (const error of collected.errors) streams.stderr(`deploylint: ${error}\n`);
  for (const note of collected.notes) streams.stderr(`deploylint: note: ${note}\n`);
  if (collected.documents.length === 0 && collected.errors.length === 0) {
    streams.stderr(`deploylint: no gunicorn, systemd or nginx files found in ${options.paths.join(', ')}\n`);
    return 2;
  }

  let documents = [...collected.documents, ...includedDocuments(linter, collected.documents, access, collected.errors)];
  let reports = linter.lint({ documents, files: access, ...(options.host ? { host: options.host, hostOrigin: '--host' } : {}) });

  if (options.fix) {
    const fixed = fixInPlace(linter, documents, reports, access, options, collected.boms);
    if ('error' in fixed) {
      streams.stderr(`deploylint: ${fixed.error}\n`);
      return 2;
    }
    documents = fixed.documents;
    reports = fixed.reports;
    reportFixes(fixed.applied, options, streams);
  }

  const report = { files: reports, cwd: streams.cwd };
  if (options.format === 'json') streams.stdout(formatJson(report));
  else if (options.format === 'sarif') streams.stdout(formatSarif(report, linter.rules, version()));
  else streams.stdout(formatText(report, options.color ?? (streams.isTerminal && !process.env.NO_COLOR)));

  if (collected.errors.length > 0) return 2;
  if (options.failOn === 'none') return 0;
  const threshold = severityRank(options.failOn);
  return reports.some((file) => file.findings.some((finding) => severityRank(finding.severity) >= threshold)) ? 1 : 0;
}

function fixInPlace(
  linter: Linter,
  original: readonly DocumentInput[],
  firstReports: FileReport[],
  access: DiskAccess,
  options: CliOptions,
  boms: ReadonlySet<string>,
): { documents: DocumentInput[]; reports: FileReport[]; applied: AppliedFix[] } | { error: string } {
  const { documents, reports, applied } = fixAll(original, firstReports, (current) =>
    linter.lint({ documents: current, files: access, ...(options.host ? { host: options.host, hostOrigin: '--host' } : {}) }),
  );

  const changed = documents.filter((document, index) => document.text !== original[index]!.text);
  const written = writeAll(changed, boms);
  return written === undefined ? { documents, reports, applied } : { error: written };
}

/**
 * Writes every changed file, or none: all new contents go to temporary files first, and
 * only when each of those is written are they renamed over the originals.
 */
function writeAll(changed: readonly DocumentInput[], boms: ReadonlySet<string>): string | undefined {
  const staged: { temporary: string; path: string }[] = [];
  for (const document of changed) {
    const temporary = `${document.path}.deploylint-${process.pid}.tmp`;
    try {
      const prefix = boms.has(document.path) ? '\uFEFF' : '';
      writeFileSync(temporary, prefix + document.text, { flag: 'wx' });
      chmodSync(temporary, statSync(document.path).mode);
      staged.push({ temporary, path: document.path });
    } catch (error) {
      for (const file of staged) unlinkSync(file.temporary);
      try {
        unlinkSync(temporary);
      } catch {
        // it was never created
      }
      return `${document.path}: cannot write the fixed file (${describeError(error)}); no file was changed`;
    }
  }
  for (const file of staged) renameSync(file.temporary, file.path);
  return undefined;
}

function reportFixes(applied: readonly AppliedFix[], options: CliOptions, streams: Streams): void {
  // Machine-readable formats keep stdout clean; the account of what changed goes to stderr.
  const write = options.format === 'text' ? streams.stdout : streams.stderr;
  if (applied.length === 0) {
    write('No safe fixes to apply.\n');
    return;
  }
  for (const fix of applied) write(`fixed ${displayPath(fix.path, streams.cwd)}: ${fix.title} (${fix.rule})\n`);
  write('\n');
}

/** What the collected nginx files include, read from disk (within the named folders) and checked as nginx files. */
function includedDocuments(linter: Linter, documents: readonly DocumentInput[], access: DiskAccess, errors: string[]): DocumentInput[] {
  const included: DocumentInput[] = [];
  for (const path of linter.includedNginxFiles(documents, access)) {
    const file = access.readDecoded(path);
    if (!file.ok) {
      errors.push(file.message);
      continue;
    }
    included.push({ path, text: file.text, kind: 'nginx', ...(file.invalidUtf8At.length > 0 ? { invalidUtf8At: file.invalidUtf8At } : {}) });
  }
  return included;
}

function version(): string {
  return typeof DEPLOYLINT_VERSION === 'string' ? DEPLOYLINT_VERSION : 'development';
}
