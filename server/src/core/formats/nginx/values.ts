/** Seconds in each unit nginx accepts in a time value (ngx_parse_time() in src/core/ngx_parse.c), largest first. */
const TIME_UNITS: readonly (readonly [string, number])[] = [
  ['y', 365 * 24 * 3600],
  ['M', 30 * 24 * 3600],
  ['w', 7 * 24 * 3600],
  ['d', 24 * 3600],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
  ['ms', 0.001],
];

/**
 * A time value as nginx reads it, in seconds: `30`, `30s`, `1m30s`, `1h 30m`, `500ms`.
 * Each unit at most once and from the largest down; a bare number is seconds. Undefined
 * for a value nginx refuses, or one with a variable. A scan, not a regular expression:
 * the value comes from the user's file.
 */
export function parseNginxTime(value: string): number | undefined {
  let total = 0;
  let rank = -1;
  let index = 0;
  let parts = 0;
  while (index < value.length) {
    if (value[index] === ' ') {
      index++;
      continue;
    }
    const digitsStart = index;
    while (index < value.length && value[index]! >= '0' && value[index]! <= '9') index++;
    if (index === digitsStart) return undefined;
    const number = Number(value.slice(digitsStart, index));
    const unitStart = index;
    while (index < value.length && /[a-zA-Z]/.test(value[index]!)) index++;
    const unit = value.slice(unitStart, index);
    const unitRank = unit === '' ? TIME_UNITS.findIndex(([name]) => name === 's') : TIME_UNITS.findIndex(([name]) => name === unit);
    if (unitRank < 0 || unitRank <= rank) return undefined;
    rank = unitRank;
    total += number * TIME_UNITS[unitRank]![1];
    parts++;
  }
  return parts > 0 ? total : undefined;
}
