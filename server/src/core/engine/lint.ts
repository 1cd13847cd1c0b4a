import type { Knowledge } from '../knowledge/knowledge';
import type { FileAccess } from '../model/file-access';
import type { FileKind, Finding, Fix, Severity } from '../model/finding';
import type { Host } from '../host/resolve';
import { comparePositions } from '../text/source-text';
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

/** Parses every document, then checks each against the others: the whole job of one run. */
export function lintDocuments(inputs: readonly DocumentInput[], options: LintOptions): FileReport[] {
  const documents = inputs.map((input) => parseDocument(input, options.knowledge));
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
  return findings.sort(
    (a, b) => comparePositions(a.range.start, b.range.start) || comparePositions(a.range.end, b.range.end) || a.rule.localeCompare(b.rule),
  );
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
