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

/** A MiB figure the way people write it: "512M", "1G", "1.5G". */
export function formatMiB(mebibytes: number): string {
  if (mebibytes >= 1024 && mebibytes % 1024 === 0) return `${mebibytes / 1024}G`;
  if (mebibytes >= 1024 && (mebibytes * 10) % 1024 === 0) return `${mebibytes / 1024}G`;
  return `${Math.round(mebibytes)}M`;
}
