import type { Rule } from '../../engine/rule';
import { hostspecInvalidValue } from './invalid-value';
import type { KnownRuleIds } from './support';
import { hostspecUnknownKey } from './unknown-key';

export type { KnownRuleIds } from './support';

/**
 * The rules that check host declarations. `knownRuleIds` answers which ids a `[rules]`
 * section may name; it is a function because the list of all rules includes these two,
 * so it cannot be imported here without a cycle. It is called when a .deploylint.ini is
 * checked, never before.
 */
export function hostspecRules(knownRuleIds: KnownRuleIds): Rule[] {
  return [hostspecUnknownKey(knownRuleIds), hostspecInvalidValue(knownRuleIds)];
}
