import type { ParsedDocument } from '../../engine/document';
import type { RuleContext } from '../../engine/rule';
import { parseHostIni, type HostSpecProblem } from '../../host/ini-file';
import { hostComment } from '../../host/inline';

/** The rule ids a `[rules]` section may name, asked for when a .deploylint.ini is checked. */
export type KnownRuleIds = () => ReadonlySet<string>;

/** Both hostspec rules read the same problems; a document is read once. */
const cache = new WeakMap<ParsedDocument, readonly HostSpecProblem[]>();

/**
 * What is wrong with the machine a document declares: the whole file for a
 * .deploylint.ini, its `deploylint: host` comment for the three other kinds.
 */
export function hostProblemsOf(document: ParsedDocument, knownRuleIds: KnownRuleIds): readonly HostSpecProblem[] {
  const cached = cache.get(document);
  if (cached) return cached;
  const text = document.source.text;
  const problems = document.kind === 'hostspec' ? parseHostIni(text, knownRuleIds()).problems : (hostComment(document.comments, text)?.problems ?? []);
  cache.set(document, problems);
  return problems;
}

/** Reports the problems that belong to one rule, with their fixes as edits in this document. */
export function reportHostProblems(rule: HostSpecProblem['rule'], document: ParsedDocument, context: RuleContext, knownRuleIds: KnownRuleIds): void {
  for (const problem of hostProblemsOf(document, knownRuleIds)) {
    if (problem.rule !== rule) continue;
    context.report({
      span: problem.span,
      message: problem.message,
      severity: problem.severity,
      fixes: (problem.fixes ?? []).map((fix, index) => ({
        title: fix.title,
        // A rename is a guess at what was meant; removing a line that changes nothing is not.
        safe: fix.safe === true,
        ...(index === 0 ? { preferred: true } : {}),
        edits: [{ span: fix.span, newText: fix.newText }],
      })),
    });
  }
}
