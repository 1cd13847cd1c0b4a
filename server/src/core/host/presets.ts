import type { Program } from './host-spec';

/** What a distribution release ships: the versions its own packages install. */
export interface DistroPreset {
  readonly id: string;
  readonly name: string;
  readonly versions: Readonly<Record<Program, string>>;
  /** Where the versions were read. */
  readonly source: string;
}

/**
 * Package versions of the distributions' main archives (security updates keep the upstream
 * version). Sources: packages.debian.org and packages.ubuntu.com, packages `systemd`,
 * `nginx`, `gunicorn` and `python3`; Debian 12 also checked with `dpkg -l` on a Debian 12
 * machine (systemd 252.39, nginx 1.22.1, gunicorn 20.1.0, python3 3.11.2).
 */
export const DISTRO_PRESETS: readonly DistroPreset[] = [
  { id: 'debian-12', name: 'Debian 12 (bookworm)', versions: { systemd: '252', nginx: '1.22.1', gunicorn: '20.1.0', python: '3.11' }, source: 'packages.debian.org/bookworm' },
  { id: 'debian-13', name: 'Debian 13 (trixie)', versions: { systemd: '257', nginx: '1.26.3', gunicorn: '23.0.0', python: '3.13' }, source: 'packages.debian.org/trixie' },
  { id: 'ubuntu-22.04', name: 'Ubuntu 22.04 (jammy)', versions: { systemd: '249', nginx: '1.18.0', gunicorn: '20.1.0', python: '3.10' }, source: 'packages.ubuntu.com/jammy' },
  { id: 'ubuntu-24.04', name: 'Ubuntu 24.04 (noble)', versions: { systemd: '255', nginx: '1.24.0', gunicorn: '22.0.0', python: '3.12' }, source: 'packages.ubuntu.com/noble' },
];

export function distroPreset(id: string): DistroPreset | undefined {
  return DISTRO_PRESETS.find((preset) => preset.id === id.trim().toLowerCase());
}
