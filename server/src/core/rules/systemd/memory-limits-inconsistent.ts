import type { PlacedEntry } from '../../engine/merged-unit';
import type { Rule } from '../../engine/rule';
import { parseMemoryLimit } from '../../formats/systemd/values';
import { memoryPlan, mib } from '../../host/sizing';
import { declareHostFixes, sizedFixIsSafe, sizedTitle } from '../sized-fixes';
import { setDirectives } from './edits';

const MIB = 1024 * 1024;

/** A memory limit as systemd reads it, other than `infinity`. */
type Limit = { bytes: number } | { percent: number };

/**
 * Memory limits that cannot work as written:
 *
 * - `MemoryHigh=` at or above `MemoryMax=`. MemoryHigh= is where the kernel starts
 *   throttling the service and reclaiming its memory; MemoryMax= is where it OOM-kills
 *   (systemd.resource-control(5); the cgroup v2 memory.high and memory.max). A soft limit
 *   that is not below the hard one never acts first.
 * - `MemoryMax=` at or above the memory of the declared machine: it can never be reached,
 *   the machine runs out first, and the kernel's OOM killer picks a victim anywhere. Judged
 *   only when the memory is declared: against the assumed 1G it would be a guess.
 *
 * Percentages are of the machine's physical memory (systemd's physical_memory_scale()),
 * so a percentage and a size are compared only on a declared machine.
 */
export const memoryLimitsInconsistent: Rule = {
  id: 'systemd/memory-limits-inconsistent',
  severity: 'warning',
  summary: 'MemoryHigh= not below MemoryMax=, or MemoryMax= not below the memory of the declared machine',

  service(service, context) {
    const high = limitOf(service.value('Service', 'MemoryHigh'));
    const max = limitOf(service.value('Service', 'MemoryMax'));
    const declared = !context.host.assumed.has('memory');
    const machineBytes = context.host.memoryMiB * MIB;

    if (high && max) {
      const compared = compare(high.limit, max.limit, declared ? machineBytes : undefined);
      if (compared !== undefined && compared >= 0) {
        const proposed = eightyPercent(max.limit);
        context.report({
          document: high.placed.document,
          span: high.placed.entry.span,
          message: `MemoryHigh=${high.placed.entry.value} is not below MemoryMax=${max.placed.entry.value}: the throttling and reclaim MemoryHigh= asks for never start before the hard limit, where the kernel OOM-kills a process of the service instead`,
          fixes: proposed
            ? [
                {
                  title: `Set MemoryHigh=${proposed.value} (${proposed.arithmetic})`,
                  // The service is now slowed down from that point on, where it ran freely before: a person decides.
                  safe: false,
                  preferred: true,
                  edits: setDirectives(service, 'Service', [['MemoryHigh', proposed.value]]),
                },
              ]
            : [],
        });
      }
    }

    if (max && declared && 'bytes' in max.limit && max.limit.bytes >= machineBytes) {
      const plan = memoryPlan(context.host.memoryMiB);
      const values: [string, string][] = [['MemoryMax', mib(plan.memoryMax.value)]];
      const arithmetic = [`MemoryMax = ${plan.memoryMax.arithmetic}`];
      // MemoryHigh= is kept when it is below the new MemoryMax=; otherwise (or when unset) it gets the model's value too.
      const highAgainstNew = high ? compare(high.limit, { bytes: plan.memoryMax.value * MIB }, machineBytes) : undefined;
      if (highAgainstNew === undefined || highAgainstNew >= 0) {
        values.push(['MemoryHigh', mib(plan.memoryHigh.value)]);
        arithmetic.push(`MemoryHigh = ${plan.memoryHigh.arithmetic}`);
      }
      const machine = `${mib(context.host.memoryMiB)}${context.host.declaredBy ? `, declared in ${context.host.declaredBy}` : ''}`;
      context.report({
        document: max.placed.document,
        span: max.placed.entry.span,
        message: `MemoryMax=${max.placed.entry.value} ${max.limit.bytes === machineBytes ? 'is all the memory' : 'is more than the memory'} the machine has (${machine}): the limit is never reached, so a leak fills the machine and the kernel's OOM killer picks a victim anywhere on it`,
        fixes: [
          {
            title: sizedTitle(`Set ${values.map(([key, value]) => `${key}=${value}`).join(', ')}`, arithmetic.join('; '), context),
            safe: sizedFixIsSafe(context),
            preferred: true,
            edits: setDirectives(service, 'Service', values),
          },
          ...declareHostFixes(context),
        ],
      });
    }
  },
};

/** The deciding assignment and what it sets; undefined when unset, `infinity` (no limit) or not a value systemd accepts. */
function limitOf(placed: PlacedEntry | undefined): { placed: PlacedEntry; limit: Limit } | undefined {
  const limit = placed ? parseMemoryLimit(placed.entry.value) : undefined;
  return placed && limit && limit !== 'infinity' ? { placed, limit } : undefined;
}

/**
 * The sign of a − b for two finite limits; undefined when a percentage meets a size and
 * the machine's memory is not known.
 */
function compare(a: Limit, b: Limit, machineBytes: number | undefined): number | undefined {
  if ('percent' in a && 'percent' in b) return Math.sign(a.percent - b.percent);
  const bytes = (limit: Limit) => ('bytes' in limit ? limit.bytes : machineBytes === undefined ? undefined : (limit.percent / 100) * machineBytes);
  const left = bytes(a);
  const right = bytes(b);
  return left === undefined || right === undefined ? undefined : Math.sign(left - right);
}

/**
 * The sizing model's MemoryHigh for a given MemoryMax: 80 % of it, rounded down to
 * 16 MiB (a whole percent for a percentage); undefined when that leaves nothing.
 */
function eightyPercent(max: Limit): { value: string; arithmetic: string } | undefined {
  if ('percent' in max) {
    const percent = Math.floor(max.percent * 0.8);
    return percent > 0 ? { value: `${percent}%`, arithmetic: `80% of MemoryMax=${max.percent}%, rounded down = ${percent}%` } : undefined;
  }
  const maxMiB = max.bytes / MIB;
  const rounded = Math.floor((maxMiB * 0.8) / 16) * 16;
  if (rounded <= 0) return undefined;
  return { value: mib(rounded), arithmetic: `80% of MemoryMax=${mib(maxMiB)}, rounded down to 16M = ${mib(rounded)}` };
}
