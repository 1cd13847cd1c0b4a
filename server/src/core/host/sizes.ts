/**
 * Memory sizes as systemd and the host spec write them: a number with K, M, G or T
 * (base 1024, as systemd reads them). Returned in MiB, the unit the sizing model uses.
 */
export function parseMemoryMiB(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT])i?B?\s*$/i.exec(text);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2]!.toUpperCase();
  const factor = unit === 'K' ? 1 / 1024 : unit === 'M' ? 1 : unit === 'G' ? 1024 : 1024 * 1024;
  return amount * factor;
}
