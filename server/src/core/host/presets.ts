import type { Program } from './host-spec';

/** What a distribution release installs from its own archive: the versions a `distro = …` stands for. */
export interface DistroPreset {
  readonly id: string;
  readonly name: string;
  /** The release's code name ("bookworm"), read as a hint when someone writes it instead of the id. */
  readonly codename: string;
  readonly versions: Readonly<Record<Program, string>>;
  /** Where the versions were read. */
  readonly source: string;
}

/*
 * How the numbers are written:
 * - systemd: the upstream release the package is built from (Debian's 252.39 is the
 *   systemd-stable 252.39 point release of v252: fixes only, so the table's "since 254"
 *   questions are answered by 252);
 * - nginx, gunicorn: the upstream version of the distro's package (`nginx`, `gunicorn`),
 *   without the packaging suffix; security updates keep the upstream version;
 * - python: the version of the `python3` package (python3-defaults), the interpreter
 *   `/usr/bin/python3` runs.
 *
 * Only the main archives count (not backports, not PPAs, not pip): a venv's gunicorn is
 * declared with `[versions] gunicorn = …`, which wins over the preset.
 */
export const DISTRO_PRESETS: readonly DistroPreset[] = [
  // packages.debian.org, suite bullseye: systemd 247.3-7+deb11u7, nginx 1.18.0-6.1+deb11u8,
  // gunicorn 20.1.0-1+deb11u1, python3-defaults 3.9.2-3.
  {
    id: 'debian-11',
    name: 'Debian 11 (bullseye)',
    codename: 'bullseye',
    versions: { systemd: '247', nginx: '1.18.0', gunicorn: '20.1.0', python: '3.9.2' },
    source: 'packages.debian.org (bullseye): systemd 247.3-7+deb11u7, nginx 1.18.0-6.1+deb11u8, gunicorn 20.1.0-1+deb11u1, python3 3.9.2-3',
  },
  // packages.debian.org, suite bookworm: systemd 252.39-1~deb12u1, nginx 1.22.1-9+deb12u9,
  // gunicorn 20.1.0-6+deb12u1, python3 3.11.2-1+b1; the same upstream versions with
  // `dpkg -l` on a Debian 12 machine (systemd 252.39-1~deb12u2, nginx 1.22.1-9+deb12u11,
  // gunicorn 20.1.0-6+deb12u1, python3 3.11.2-1+b1).
  {
    id: 'debian-12',
    name: 'Debian 12 (bookworm)',
    codename: 'bookworm',
    versions: { systemd: '252', nginx: '1.22.1', gunicorn: '20.1.0', python: '3.11.2' },
    source: 'packages.debian.org (bookworm) and dpkg -l on Debian 12: systemd 252.39, nginx 1.22.1-9, gunicorn 20.1.0-6, python3 3.11.2-1',
  },
  // packages.debian.org, suite trixie: systemd 257.9-1~deb13u1, nginx 1.26.3-3+deb13u7,
  // gunicorn 23.0.0-1, python3-defaults 3.13.5-1.
  {
    id: 'debian-13',
    name: 'Debian 13 (trixie)',
    codename: 'trixie',
    versions: { systemd: '257', nginx: '1.26.3', gunicorn: '23.0.0', python: '3.13.5' },
    source: 'packages.debian.org (trixie): systemd 257.9-1~deb13u1, nginx 1.26.3-3+deb13u7, gunicorn 23.0.0-1, python3 3.13.5-1',
  },
  // packages.ubuntu.com, jammy and jammy-updates: systemd 249.11-0ubuntu3.x, nginx
  // 1.18.0-6ubuntu14.x, gunicorn 20.1.0-2 (universe), python3 3.10.6-1~22.04 (3.10.4 at release).
  {
    id: 'ubuntu-22.04',
    name: 'Ubuntu 22.04 LTS (jammy)',
    codename: 'jammy',
    versions: { systemd: '249', nginx: '1.18.0', gunicorn: '20.1.0', python: '3.10.6' },
    source: 'packages.ubuntu.com (jammy, jammy-updates): systemd 249.11-0ubuntu3, nginx 1.18.0-6ubuntu14, gunicorn 20.1.0-2, python3 3.10.6-1~22.04',
  },
  // packages.ubuntu.com, noble and noble-updates: systemd 255.4-1ubuntu8.x, nginx
  // 1.24.0-2ubuntu7.x, gunicorn 20.1.0-6 (universe; noble-updates 20.1.0-6ubuntu0.1),
  // python3 3.12.3-0ubuntu2.1. Noble's own gunicorn is 20.1.0 (not 22.0.0, as one might
  // guess from its release date).
  {
    id: 'ubuntu-24.04',
    name: 'Ubuntu 24.04 LTS (noble)',
    codename: 'noble',
    versions: { systemd: '255', nginx: '1.24.0', gunicorn: '20.1.0', python: '3.12.3' },
    source: 'packages.ubuntu.com (noble, noble-updates): systemd 255.4-1ubuntu8, nginx 1.24.0-2ubuntu7, gunicorn 20.1.0-6, python3 3.12.3-0ubuntu2',
  },
  // Not included: Ubuntu 20.04 (focal). Its systemd (245.4-4ubuntu3) and gunicorn (20.0.4-3)
  // were confirmed on packages.ubuntu.com, its nginx and python3 were not, and standard
  // support ended in May 2025. Ubuntu 25.04 (plucky) reached its end of life in January 2026.
];

/** The preset with this id (any case, spaces around ignored). */
export function distroPreset(id: string): DistroPreset | undefined {
  const wanted = id.trim().toLowerCase();
  return DISTRO_PRESETS.find((preset) => preset.id === wanted);
}
