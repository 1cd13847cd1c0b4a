/**
 * The backslash escapes C gave to most configuration languages, as Python string
 * literals and systemd's unit parser both read them (systemd adds `\s`).
 */
export const C_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};
