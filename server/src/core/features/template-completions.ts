import { HOST_FILE } from '../engine/host-layers';
import { unitTypeOf } from '../formats/systemd/unit-name';
import type { AssumedField, Host } from '../host/resolve';
import { LIMIT_NOFILE, mib } from '../host/sizing';
import type { Span } from '../text/source-text';
import type { CompletionEntry } from './completion';
import type { FeatureContext } from './hover';
import { gunicornConfig, gunicornService, gunicornSocket, layoutText, machineText, nginxSite, templateNumbers, type FilledTemplate, type TemplateNumbers } from './templates';

/**
 * The template for the kind of file being edited, filled in for the machine it is
 * deployed to: a gunicorn config, a service or socket unit, an nginx site. The caller
 * decides that the cursor is where a whole file's text may go. The documentation shows
 * the arithmetic of every number, and what was assumed for lack of a declaration.
 */
export function templateCompletions(context: FeatureContext, span: Span): CompletionEntry[] {
  const { document, host } = context;
  const numbers = templateNumbers(host);
  if (document.gunicornConfig) {
    return [sizedEntry('gunicorn config', layoutText(numbers.layout), gunicornConfig(numbers), host, numbers, span)];
  }
  if (document.nginx) {
    return [sizedEntry('nginx site for gunicorn', `proxy_read_timeout ${numbers.readTimeout.value}s`, nginxSite(numbers), host, numbers, span)];
  }
  const unitType = document.unit ? unitTypeOf(document.path) : undefined;
  if (unitType === 'service') {
    const limits = `MemoryMax=${mib(numbers.memory.memoryMax.value)}, TasksMax=${numbers.tasksMax.value}, LimitNOFILE=${LIMIT_NOFILE}`;
    return [sizedEntry('gunicorn service', limits, gunicornService(numbers), host, numbers, span)];
  }
  if (unitType === 'socket') {
    const documentation = "systemd holds gunicorn's listening socket and hands it over when the service starts, so connections wait through a restart; only nginx's user may connect.";
    return [{ label: 'deploylint: gunicorn socket', kind: 'snippet', detail: 'ListenStream=/run/<app>.sock', documentation, insertText: gunicornSocket().body, span }];
  }
  return [];
}

function sizedEntry(what: string, detail: string, template: FilledTemplate, host: Host, numbers: TemplateNumbers, span: Span): CompletionEntry {
  const arithmetic = template.arithmetic.map((line) => `- ${line}`).join('\n');
  return { label: `deploylint: ${what} sized for this host`, kind: 'snippet', detail, documentation: `${sizedFor(host, numbers)}\n\n${arithmetic}`, insertText: template.body, span };
}

/** The assumptions the sizing model makes for what nobody declared, as the documentation names them. */
const ASSUMPTIONS: readonly (readonly [AssumedField, (host: Host) => string])[] = [
  ['cpus', (host) => `${host.cpus} CPU${host.cpus === 1 ? '' : 's'}`],
  ['memory', (host) => `${mib(host.memoryMiB)} of memory`],
  ['worker_memory', (host) => `${mib(host.workerMemoryMiB)} per worker`],
  ['workload', (host) => `a ${host.workload} workload`],
];

/** Which machine the numbers are for, who declared it, and what had to be assumed. */
function sizedFor(host: Host, numbers: TemplateNumbers): string {
  const machine = host.declaredBy ? `Sized for ${machineText(numbers)}, declared by ${host.declaredBy}.` : `No machine declared: sized for ${machineText(numbers)}, deploylint's assumption.`;
  const assumed = ASSUMPTIONS.filter(([field]) => host.assumed.has(field)).map(([, text]) => text(host));
  if (assumed.length === 0) return machine;
  return `${machine} Assumed: ${assumed.join(', ')}. ${HOST_FILE} declares these (\`[host] cpus, memory\`, \`[app] worker_memory, workload\`).`;
}
