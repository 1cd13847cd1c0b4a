import type { Knowledge } from '../knowledge/knowledge';
import type { FileAccess } from '../model/file-access';
import type { FileKind, Finding, Fix, Severity } from '../model/finding';
import type { Host } from '../host/resolve';
import { comparePositions, type Span } from '../text/source-text';
import { statementRemoval } from '../text/line-edits';
import { coveringId, suppressionsIn } from './suppressions';
import { parseDocument, type DocumentInput, type ParsedDocument } from './document';
import type { FindingDraft, Rule, RuleContext } from './rule';
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
  const findings: Finding[] = [];
  const host = options.hostFor(document, workspace);
  const seenFindings = new Set<string>();
  for (const rule of options.rules) {
    const chosen = host.rules[rule.id] ?? options.severityFor?.(rule.id, document.path);
    if (chosen === 'off') continue;
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
        seenFindings.add(key);
        findings.push(toFinding(rule.id, chosen ?? draft.severity ?? rule.severity, draft, document));
      },
    };
    try {
      runRule(rule, document, context);
    } catch (error) {
      // A bug in one rule must not hide what the others found, nor pass as "all clear".
      findings.push({
        rule: 'deploylint/internal-error',
        severity: 'warning',
        message: `deploylint could not finish rule ${rule.id} on this file (${String(error)}); please report it`,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        fixes: [],
        related: [],
      });
    }
  }
  return applySuppressions(findings, document, options, host).sort(
    (a, b) => comparePositions(a.range.start, b.range.start) || comparePositions(a.range.end, b.range.end) || a.rule.localeCompare(b.rule),
  );
}

export const UNUSED_SUPPRESSION = 'deploylint/unused-suppression';

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

function toFinding(rule: string, severity: Severity, draft: FindingDraft, document: ParsedDocument): Finding {
  return {
    rule,
    severity,
    message: draft.message,
    range: document.source.rangeOf(draft.span),
    fixes: (draft.fixes ?? []).map(
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
