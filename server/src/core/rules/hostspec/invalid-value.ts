import type { Rule } from '../../engine/rule';
import { reportHostProblems, type KnownRuleIds } from './support';

/**
 * A host declaration value deploylint cannot use (cpus = 0, memory = lots, an unknown
 * distro, a bad version or severity), a key with no value, or a key set twice.
 */
export function hostspecInvalidValue(knownRuleIds: KnownRuleIds): Rule {
  return {
    id: 'hostspec/invalid-value',
    severity: 'error',
    summary: 'A value in .deploylint.ini or a "deploylint: host" comment that deploylint cannot use (cpus = 0, memory = lots): it is ignored and sizing falls back',

    document(document, context) {
      reportHostProblems('hostspec/invalid-value', document, context, knownRuleIds);
    },
  };
}
