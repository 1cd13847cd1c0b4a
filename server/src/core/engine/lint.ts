import type { Knowledge } from '../knowledge/knowledge';
import type { FileAccess } from '../model/file-access';
import type { FileKind, Finding, Fix, Severity } from '../model/finding';
import type { Host } from '../host/resolve';
import { comparePositions, type Span } from '../text/source-text';
import { statementRemoval } from '../text/line-edits';
import { coveringId, suppressionsIn } from './suppressions';
import { parseDocument, type DocumentInput, type ParsedDocument } from './document';
import type { FindingDraft, FixDraft, Rule, RuleContext } from './rule';
import { Workspace } from './workspace';

export interface LintOptions {
  readonly knowledge: Knowledge;
  readonly files: FileAccess;
  /** The machine and releases a document is checked against (its own comment, the nearest .deploylint.ini, settings). */
  readonly hostFor: (document: ParsedDocument, workspace: Workspace) => Host;
  readonly rules: readonly Rule[];
  /** A severity decided by the user for a rule in a file, or 'off'; undefined keeps the default. */
  readonly severityFor?: (rule: string, path: string) => Severity | 'off' | undefined;
}

export interface FileReport {
  readonly path: string;
  readonly kind: FileKind;
  readonly findings: readonly Finding[];
}

/**
 * Parses every document, then checks each against the others: the whole job of one run.
 * `parse` may hand back documents parsed earlier in the run (the CLI parses nginx files
 * once to find what they include).
 */
export function lintDocuments(inputs: readonly DocumentInput[], options: LintOptions, parse = (input: DocumentInput) => parseDocument(input, options.knowledge)): FileReport[] {
  const documents = inputs.map(parse);
  const workspace = new Workspace(documents, options.files, options.knowledge);
  return documents.map((document) => ({
    path: document.path,
    kind: document.kind,
    findings: checkDocument(document, workspace, options),
  }));
}

export function checkDocument(document: ParsedDocument, workspace: Workspace, options: LintOptions): Finding[] {
  const steps = checkDocumentByRule(document, workspace, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * checkDocument one rule at a time: it pauses after each rule, so that a caller can do
 * other work in between (the language server answers requests while a big file is
 * checked), and returns the findings when done.
 */
export function* checkDocumentByRule(document: ParsedDocument, workspace: Workspace, options: LintOptions): Generator<void, Finding[], void> {
  const findings: Finding[] = [];
  const host = options.hostFor(document, workspace);
  const seenFindings = new Set<string>();
  for (const rule of options.rules) {
    const chosen = host.rules[rule.id] ?? options.severityFor?.(rule.id, document.path);
    if (chosen === 'off') continue;
    let kept = 0;
    let leftOut = 0;
    const context: RuleContext = {
      document,
      knowledge: options.knowledge,
      host,
      targets: host.targets,
      workspace,
      // The user's choice for the rule beats a rule's own per-finding severity.
      report: (draft) => {
        // A run's rule may judge a value that lives in the run's other file: that file reports it.
        if (draft.document !== undefined && draft.document !== document) return;
        // A config file run by two units is judged twice; the user sees one finding.
        const key = `${rule.id} ${draft.span.start} ${draft.span.end} ${draft.message}`;
        if (seenFindings.has(key)) return;
        if (kept >= MAX_FINDINGS_PER_RULE) {
          leftOut++;
          return;
        }
        seenFindings.add(key);
        kept++;
        findings.push(toFinding(rule.id, chosen ?? draft.severity ?? rule.severity, draft, document));
      },
    };
    try {
      runRule(rule, document, context);
    } catch (error) {
      // A bug in one rule must not hide what the others found, nor pass as "all clear".
      findings.push(fileFinding(INTERNAL_ERROR, `deploylint could not finish rule ${rule.id} on this file (${String(error)}); please report it`));
    }
    if (leftOut > 0) {
      findings.push(fileFinding(TOO_MANY_FINDINGS, `${rule.id} reported more than ${MAX_FINDINGS_PER_RULE} findings in this file: the first ${MAX_FINDINGS_PER_RULE} are kept, ${leftOut} more were left out`));
    }
    yield;
  }
  return applySuppressions(findings, document, options, host).sort(
    // Rule ids in code-unit order: the same on every machine, whatever its locale (and without loading ICU's collation, ~3 MiB).
    (a, b) => comparePositions(a.range.start, b.range.start) || comparePositions(a.range.end, b.range.end) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );
}

export const UNUSED_SUPPRESSION = 'deploylint/unused-suppression';
export const INTERNAL_ERROR = 'deploylint/internal-error';
export const TOO_MANY_FINDINGS = 'deploylint/too-many-findings';

/**
 * Findings one rule keeps for one file, at most. A finding costs a few kilobytes: the two
 * million duplicate options of a hostile 10 MB command line would need gigabytes, and
 * nobody reads past the first thousands anyway.
 */
export const MAX_FINDINGS_PER_RULE = 5_000;

/** A finding about the whole file, at its start. */
function fileFinding(rule: string, message: string): Finding {
  return { rule, severity: 'warning', message, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, fixes: [], related: [] };
}

/**
 * Drops the findings a `deploylint: disable…` comment covers, and reports each rule id
 * (or id-less comment) that covered nothing: a suppression left behind after a fix, or a
 * misspelt id, would otherwise hide the next real finding on that line without anyone
 * noticing.
 */
function applySuppressions(findings: Finding[], document: ParsedDocument, options: LintOptions, host: Host): Finding[] {
  const suppressions = suppressionsIn(document.comments, document.source);
  if (suppressions.length === 0) return findings;
  const used = new Set<string>();
  const kept = findings.filter((finding) => {
    let covered = false;
    suppressions.forEach((suppression, index) => {
      const id = coveringId(suppression, finding);
      if (id === undefined) return;
      used.add(`${index} ${id}`);
      covered = true;
    });
    return !covered;
  });
  const severity = host.rules[UNUSED_SUPPRESSION] ?? options.severityFor?.(UNUSED_SUPPRESSION, document.path) ?? 'info';
  if (severity === 'off') return kept;
  const known = new Set(options.rules.map((rule) => rule.id));
  const source = document.source;
  suppressions.forEach((suppression, index) => {
    const where = suppression.scope === 'file' ? 'in this file' : 'on the next line';
    if (suppression.rules.length === 0) {
      if (used.has(`${index} *`)) return;
      kept.push(unused(document, suppression.span, `this suppression covers nothing: no finding ${where}`, statementRemoval(source, suppression.span, ''), severity));
      return;
    }
    for (const rule of suppression.rules) {
      if (used.has(`${index} ${rule.id}`)) continue;
      const message = known.has(rule.id) ? `no ${rule.id} finding ${where}: this suppression covers nothing` : `"${rule.id}" is no deploylint rule: this suppression covers nothing`;
      // The last id goes with its comment; one of several goes with its comma.
      const removal =
        suppression.rules.length === 1 ? statementRemoval(source, suppression.span, '') : idRemoval(source.text, rule.span);
      kept.push(unused(document, rule.span, message, removal, severity));
    }
  });
  return kept;
}

function unused(document: ParsedDocument, span: Span, message: string, removal: Span, severity: Severity): Finding {
  const source = document.source;
  return {
    rule: UNUSED_SUPPRESSION,
    severity,
    message,
    range: source.rangeOf(span),
    fixes: [{ title: 'Remove the unused suppression', safe: true, preferred: true, edits: [{ path: document.path, range: source.rangeOf(removal), newText: '' }] }],
    related: [],
  };
}

/** A rule id with the comma before it (or after it, for the first). */
function idRemoval(text: string, span: Span): Span {
  let start = span.start;
  while (start > 0 && /[ \t]/.test(text[start - 1]!)) start--;
  if (text[start - 1] === ',') return { start: start - 1, end: span.end };
  let end = span.end;
  while (/[ \t]/.test(text[end] ?? '')) end++;
  if (text[end] !== ',') return span;
  end++;
  while (/[ \t]/.test(text[end] ?? '')) end++;
  return { start: span.start, end };
}

function runRule(rule: Rule, document: ParsedDocument, context: RuleContext): void {
  if (rule.gunicornConfig && document.gunicornConfig) rule.gunicornConfig(document.gunicornConfig, context);
  if (rule.gunicornCommand) for (const site of document.gunicornCommands) rule.gunicornCommand(site, context);
  if (rule.gunicornRun) for (const run of context.workspace.runsOf(document)) rule.gunicornRun(run, context);
  if (rule.unit && document.unit) rule.unit(document.unit, context);
  if (rule.service) for (const service of context.workspace.unitsOf(document)) if (service.name.endsWith('.service')) rule.service(service, context);
  if (rule.nginx && document.nginx) rule.nginx(document.nginx, context);
  rule.document?.(document, context);
}

/**
 * The fixes whose edits stay before where the reading of the file they edit becomes a
 * guess (an unterminated quote in nginx): past it, a fix written for the guessed structure
 * can move where nginx's string ends, and leave the file worse than it was.
 */
function reliableFixes(fixes: readonly FixDraft[], document: ParsedDocument): readonly FixDraft[] {
  return fixes.filter((fix) =>
    fix.edits.every((edit) => {
      const target: Pick<ParsedDocument, 'path' | 'guessedFrom'> = edit.document ?? document;
      return target.guessedFrom === undefined || edit.span.end <= target.guessedFrom;
    }),
  );
}

function toFinding(rule: string, severity: Severity, draft: FindingDraft, document: ParsedDocument): Finding {
  return {
    rule,
    severity,
    message: draft.message,
    range: document.source.rangeOf(draft.span),
    fixes: reliableFixes(draft.fixes ?? [], document).map(
      (fix): Fix => ({
        title: fix.title,
        safe: fix.safe,
        ...(fix.preferred ? { preferred: true } : {}),
        ...(fix.creates ? { creates: fix.creates } : {}),
        edits: fix.edits.map((edit) => {
          const target = edit.document ?? document;
          return { path: target.path, range: target.source.rangeOf(edit.span), newText: edit.newText };
        }),
      }),
    ),
    related: (draft.related ?? []).map((related) => ({
      path: related.document.path,
      range: related.document.source.rangeOf(related.span),
      message: related.message,
    })),
  };
}
