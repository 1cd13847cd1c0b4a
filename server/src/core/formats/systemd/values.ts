/**
 * The value syntaxes of systemd's common parsers, as its parse_boolean(), parse_sec()
 * and parse_size() accept them. Pure checks: they say whether systemd would accept a
 * value, and what it means when that is a number.
 */

const TRUE_WORDS = new Set(['1', 'yes', 'y', 'true', 't', 'on']);
const FALSE_WORDS = new Set(['0', 'no', 'n', 'false', 'f', 'off']);

export function parseBoolean(value: string): boolean | undefined {
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/** Seconds per time unit, as systemd's time-util names them. */
const TIME_UNITS: Readonly<Record<string, number>> = {
  seconds: 1, second: 1, sec: 1, s: 1,
  minutes: 60, minute: 60, min: 60, m: 60,
  hours: 3600, hour: 3600, hr: 3600, h: 3600,
  days: 86400, day: 86400, d: 86400,
  weeks: 604800, week: 604800, w: 604800,
  months: 2629800, month: 2629800, M: 2629800,
  years: 31557600, year: 31557600, y: 31557600,
  msec: 1e-3, ms: 1e-3,
  usec: 1e-6, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6,
  nsec: 1e-9, ns: 1e-9,
};

/**
 * A time span in seconds ("90", "1min 30s", "500ms", "infinity" is Infinity), or
 * undefined when systemd would refuse it. A bare number counts in `defaultUnit`.
 */
export function parseTimespan(value: string, defaultUnit = 1): number | undefined {
  const text = value.trim();
  if (text === 'infinity') return Infinity;
  if (text === '') return undefined;
  let total = 0;
  let index = 0;
  while (index < text.length) {
    while (text[index] === ' ' || text[index] === '\t') index++;
    if (index >= text.length) break;
    const numberStart = index;
    while (index < text.length && /[0-9.]/.test(text[index]!)) index++;
    const digits = text.slice(numberStart, index);
    if (digits === '' || !/^(\d+(\.\d*)?|\.\d+)$/.test(digits)) return undefined;
    while (text[index] === ' ' || text[index] === '\t') index++;
    const unitStart = index;
    while (index < text.length && /[^\s0-9.]/.test(text[index]!)) index++;
    const unit = text.slice(unitStart, index);
    const factor = unit === '' ? defaultUnit : TIME_UNITS[unit];
    if (factor === undefined) return undefined;
    total += Number(digits) * factor;
  }
  return total;
}

const SIZE_FACTORS: Readonly<Record<string, number>> = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5, E: 1024 ** 6 };

/** A size in bytes ("512M", "1.5G", "4096"), base 1024; undefined when systemd would refuse it. */
export function parseSize(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGTPEB]?)\s*$/.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * SIZE_FACTORS[match[2]!]!;
}

/**
 * What a memory limit (MemoryMax=, MemoryHigh=, …) sets: bytes, 'infinity', or a share
 * of physical memory ("50%"). Undefined when systemd would refuse it.
 */
export function parseMemoryLimit(value: string): { bytes: number } | { percent: number } | 'infinity' | undefined {
  const text = value.trim();
  if (text === 'infinity') return 'infinity';
  const percent = /^(\d+(?:\.\d+)?)(%|‰|‱)$/.exec(text);
  if (percent) {
    const scale = percent[2] === '%' ? 1 : percent[2] === '‰' ? 0.1 : 0.01;
    return { percent: Number(percent[1]) * scale };
  }
  const bytes = parseSize(text);
  return bytes === undefined ? undefined : { bytes };
}
