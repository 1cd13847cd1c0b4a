import type { Version } from './version';

/**
 * The releases the checked files will run under. They decide which settings and
 * directives exist: `RestartSteps=` needs systemd 254, `eventlet` workers are gone from
 * gunicorn 26. Without a declaration the newest releases we know are assumed.
 */
export interface Targets {
  readonly gunicorn: Version;
  readonly systemd: Version;
  readonly nginx: Version;
  readonly python: Version;
  /** What decided them, for messages: "debian-12", "declared", "newest known". */
  readonly origin: string;
}
