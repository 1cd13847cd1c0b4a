import { C_ESCAPES } from '../escapes';

/**
 * Decoding Python literals as CPython reads them, for the constant values of a config
 * file. Returns undefined for what is not a plain constant (f-strings, bytes, complex).
 */

export function decodeNumber(text: string): { value: number; integer: boolean } | undefined {
  const digits = text.replace(/_/g, '');
  if (/[jJ]$/.test(digits)) return undefined; // complex
  const prefix = digits.slice(0, 2).toLowerCase();
  if (prefix === '0x' || prefix === '0o' || prefix === '0b') {
    const radix = prefix === '0x' ? 16 : prefix === '0o' ? 8 : 2;
    const value = Number.parseInt(digits.slice(2), radix);
    return Number.isNaN(value) ? undefined : { value, integer: true };
  }
  if (/^\d+$/.test(digits)) {
    // "0022" is a syntax error in Python 3; callers report it, we still give the value.
    return { value: Number.parseInt(digits, 10), integer: true };
  }
  const value = Number(digits);
  return Number.isNaN(value) ? undefined : { value, integer: false };
}

/** Whether a decimal integer literal has a leading zero, which Python 3 rejects ("0022"). */
export function isLegacyOctal(text: string): boolean {
  const digits = text.replace(/_/g, '');
  return digits.length > 1 && digits[0] === '0' && /^\d+$/.test(digits) && /[1-9]/.test(digits);
}

/**
 * The value of one string literal (`'a'`, `r"\d"`, `"""x"""`, `u'é'`). Bytes and
 * f-strings are not plain text values: undefined.
 */
export function decodeString(literal: string): string | undefined {
  let index = 0;
  let raw = false;
  while (index < literal.length && /[rRbBuUfF]/.test(literal[index]!)) {
    const prefix = literal[index]!.toLowerCase();
    if (prefix === 'b' || prefix === 'f') return undefined;
    if (prefix === 'r') raw = true;
    index++;
  }
  const quote = literal[index];
  if (quote !== '"' && quote !== "'") return undefined;
  const triple = literal.startsWith(quote.repeat(3), index);
  const delimiter = triple ? quote.repeat(3) : quote;
  const bodyStart = index + delimiter.length;
  const bodyEnd = literal.endsWith(delimiter) && literal.length - delimiter.length >= bodyStart
    ? literal.length - delimiter.length
    : literal.length; // unterminated: the parser reports it; keep what is there
  const body = literal.slice(bodyStart, bodyEnd);
  return raw ? body : unescapePython(body);
}

/** Resolves backslash escapes as a non-raw Python string literal does. */
export function unescapePython(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char !== '\\' || i + 1 >= body.length) {
      out += char;
      continue;
    }
    const next = body[i + 1]!;
    if (next === '\n') {
      i++; // a backslash-newline joins lines and adds nothing
      continue;
    }
    const simple = C_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const hexLength = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const hex = body.slice(i + 2, i + 2 + hexLength);
      const codePoint = /^[0-9a-fA-F]+$/.test(hex) ? Number.parseInt(hex, 16) : -1;
      if (hex.length === hexLength && codePoint >= 0 && codePoint <= 0x10ffff) {
        out += String.fromCodePoint(codePoint);
        i += 1 + hexLength;
        continue;
      }
    }
    if (next >= '0' && next <= '7') {
      let end = i + 1;
      while (end < body.length && end < i + 4 && body[end]! >= '0' && body[end]! <= '7') end++;
      out += String.fromCharCode(Number.parseInt(body.slice(i + 1, end), 8));
      i = end - 1;
      continue;
    }
    // Unknown escapes (and \N{...}) stay as written, as Python keeps them.
    out += char;
  }
  return out;
}
