import type { Rule } from '../../engine/rule';
import { reportHostProblems, type KnownRuleIds } from './support';

/**
 * A key, section or rule id deploylint does not read in a host declaration: in a
 * .deploylint.ini, or in a `# deploylint: host` comment of the other kinds.
 */
export function hostspecUnknownKey(knownRuleIds: KnownRuleIds): Rule {
  return {
    id: 'hostspec/unknown-key',
    severity: 'warning',
    summary: 'A key, section or rule id in .deploylint.ini or a "deploylint: host" comment that deploylint does not read: the line changes nothing',

    document(document, context) {
      reportHostProblems('hostspec/unknown-key', document, context, knownRuleIds);
    },
  };
}
