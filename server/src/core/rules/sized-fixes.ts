import { dirName } from '../engine/deployed-paths';
import { HOST_FILE, nearestHostFile } from '../engine/host-layers';
import type { FixDraft, RuleContext } from '../engine/rule';
import { mib } from '../host/sizing';

/*
 * What every fix that writes numbers from the sizing model shares, whatever the format:
 * a title that shows the arithmetic and the machine (or that it was assumed), whether
 * `--fix` may apply it, and the offer to declare the machine.
 */

/**
 * A fix title that shows its arithmetic, and says so when the machine was assumed rather
 * than declared: "Use 2 gthread workers × 2 threads (1 CPU, 1G: workers = …)".
 */
export function sizedTitle(action: string, arithmetic: string, context: RuleContext): string {
  const host = context.host;
  const machine = `${host.cpus} CPU${host.cpus === 1 ? '' : 's'}, ${mib(host.memoryMiB)}`;
  const assumed = host.assumed.has('cpus') || host.assumed.has('memory');
  return `${action} (${assumed ? `assuming ${machine}, no host declared` : machine}: ${arithmetic})`;
}

/**
 * Whether `--fix` may apply a sized fix by itself: only when the CPUs and memory it is
 * sized for were declared. Numbers worked out for the assumed 1 CPU, 1 GiB machine are a
 * proposal for a human to read, never an edit made unseen.
 */
export function sizedFixIsSafe(context: RuleContext): boolean {
  return !context.host.assumed.has('cpus') && !context.host.assumed.has('memory');
}

/**
 * When no machine is declared and no .deploylint.ini is on the way up from the file: a
 * fix that creates one beside it, holding the assumption the titles used, for the user to
 * correct. Empty otherwise.
 */
export function declareHostFixes(context: RuleContext): FixDraft[] {
  if (sizedFixIsSafe(context) || nearestHostFile(context.document.path, context.workspace)) return [];
  const folder = dirName(context.document.path);
  const host = context.host;
  const text = [
    '; The machine these files are deployed to. deploylint sizes the numbers in its fixes',
    '; (workers, threads, memory and task limits) for it. Change the values to the real ones.',
    '[host]',
    `cpus = ${host.cpus}`,
    `memory = ${mib(host.memoryMiB)}`,
    '; distro = debian-12',
    '',
  ].join('\n');
  return [{ title: `Declare the machine in ${HOST_FILE} (the fixes assume ${host.cpus} CPU, ${mib(host.memoryMiB)})`, safe: false, edits: [], creates: [{ path: `${folder === '/' ? '' : folder}/${HOST_FILE}`, text }] }];
}

