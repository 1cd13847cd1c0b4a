/**
 * "Did you mean …?" for a misspelt name: the closest candidate by edit distance
 * (adjacent swaps count as one edit), compared without case and without the `_`/`-`
 * difference, within a distance that grows with the name's length.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = normalise(name);
  const limit = Math.max(1, Math.min(3, Math.floor(wanted.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const normalised = normalise(candidate);
    if (Math.abs(normalised.length - wanted.length) > limit) continue;
    const distance = editDistance(wanted, normalised, limit);
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/-/g, '_');
}

/** Optimal string alignment distance, giving up (returning limit + 1) once it exceeds limit. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  let previousPrevious: number[] = [];
  let previous = Array.from({ length: columns }, (_, j) => j);
  for (let i = 1; i < rows; i++) {
    const current = [i];
    let rowMinimum = i;
    for (let j = 1; j < columns; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, previousPrevious[j - 2]! + 1);
      }
      current.push(value);
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > limit) return limit + 1;
    previousPrevious = previous;
    previous = current;
  }
  return previous[columns - 1]!;
}
