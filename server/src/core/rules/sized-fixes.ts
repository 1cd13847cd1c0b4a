import { dirName } from '../engine/deployed-paths';
import { HOST_FILE, nearestHostFile } from '../engine/host-layers';
import type { FixDraft, RuleContext } from '../engine/rule';
import { hostFileText } from '../host/ini-file';
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
  return `${action} (${machineAsSized(context)}: ${arithmetic})`;
}

/** The machine a fix is sized for, saying which of its CPUs and memory were assumed. */
function machineAsSized(context: RuleContext): string {
  const host = context.host;
  const cpus = `${host.cpus} CPU${host.cpus === 1 ? '' : 's'}`;
  const memory = mib(host.memoryMiB);
  const cpusAssumed = host.assumed.has('cpus');
  const memoryAssumed = host.assumed.has('memory');
  if (cpusAssumed && memoryAssumed) return `assuming ${cpus}, ${memory}, no host declared`;
  if (cpusAssumed) return `${memory} declared, assuming ${cpus}`;
  if (memoryAssumed) return `${cpus} declared, assuming ${memory}`;
  return `${cpus}, ${memory}`;
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
  const text = hostFileText({ cpus: host.cpus, memoryMiB: host.memoryMiB }, 'Change the values to the real ones.');
  return [{ title: `Declare the machine in ${HOST_FILE} (the fixes assume ${host.cpus} CPU, ${mib(host.memoryMiB)})`, safe: false, edits: [], creates: [{ path: `${folder === '/' ? '' : folder}/${HOST_FILE}`, text }] }];
}

