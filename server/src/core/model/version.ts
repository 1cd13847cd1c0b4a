/**
 * Dotted release numbers ("1.22.1", "26.0", "252") compared part by part; missing parts
 * count as zero, so "26" equals "26.0.0".
 */
export type Version = string;

/** Releases are compared constantly (every directive, every rule) and are few: parse each once. */
const parsed = new Map<string, number[] | undefined>();

export function parseVersion(text: string): number[] | undefined {
  if (parsed.has(text)) return parsed.get(text);
  const trimmed = text.trim();
  const parts = /^\d+(\.\d+){0,3}$/.test(trimmed) ? trimmed.split('.').map(Number) : undefined;
  if (parsed.size < 10_000) parsed.set(text, parts);
  return parts;
}

export function compareVersions(a: Version, b: Version): number {
  const left = parseVersion(a) ?? [];
  const right = parseVersion(b) ?? [];
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** Whether `target` lies in [since, removed): an absent bound is open. */
export function versionInRange(target: Version, since?: Version, removed?: Version): boolean {
  if (since !== undefined && compareVersions(target, since) < 0) return false;
  if (removed !== undefined && compareVersions(target, removed) >= 0) return false;
  return true;
}
