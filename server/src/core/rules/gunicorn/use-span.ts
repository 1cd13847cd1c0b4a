import type { PlacedUse } from '../../engine/gunicorn-runs';
import type { Span } from '../../text/source-text';

/**
 * What a finding about a setting underlines: in gunicorn.conf.py the name (or the value,
 * when the value is the problem); on a command line the flag with its value.
 */
export function useSpan(use: PlacedUse, part: 'name' | 'value' = 'name'): Span {
  if (part === 'value') return use.valueSpan;
  return use.layer === 'config' ? use.nameSpan : use.span;
}
