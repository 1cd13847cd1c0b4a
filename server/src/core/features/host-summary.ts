import { HOST_FILE } from '../engine/host-layers';
import type { Host, HostLayer } from '../host/resolve';
import { mib } from '../host/sizing';

/** The machine that applies to a file, as the editor's status bar shows it. */
export interface HostSummary {
  /** "1 CPU · 1G · debian-12", or "host: not declared". */
  readonly text: string;
  /** Markdown: where each part comes from, and the releases the file is checked against. */
  readonly tooltip: string;
  /** The .deploylint.ini that applies, when one does: clicking the item opens it. */
  readonly hostFile?: string;
}

/**
 * Sums up a resolved host for a glance: the CPUs and memory (or that they were not
 * declared, when the sized fixes assume them), and the distro whose versions apply.
 * `layers` are the declarations the host was resolved from, nearest first.
 */
export function summarizeHost(host: Host, layers: readonly HostLayer[]): HostSummary {
  const declared = !host.assumed.has('cpus') || !host.assumed.has('memory');
  const distro = layers.find((layer) => layer.spec.distro !== undefined)?.spec.distro;
  const machine = `${host.cpus} CPU${host.cpus === 1 ? '' : 's'} · ${mib(host.memoryMiB)}`;
  const text = declared ? [machine, distro].filter(Boolean).join(' · ') : distro ? `host: not declared · ${distro}` : 'host: not declared';
  const assumed = [...host.assumed].sort();
  const tooltip = [
    declared ? `Declared by ${host.declaredBy ?? 'settings'}.` : `No machine declared: sized fixes assume ${host.cpus} CPU, ${mib(host.memoryMiB)}.`,
    assumed.length > 0 && declared ? `Assumed: ${assumed.join(', ')}.` : undefined,
    `Checked against gunicorn ${host.targets.gunicorn}, systemd ${host.targets.systemd}, nginx ${host.targets.nginx}.`,
  ]
    .filter(Boolean)
    .join('\n\n');
  const hostFile = layers.find((layer) => layer.origin.endsWith(`/${HOST_FILE}`))?.origin;
  return { text, tooltip, ...(hostFile ? { hostFile } : {}) };
}
