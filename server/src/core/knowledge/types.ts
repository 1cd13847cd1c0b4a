/**
 * Shapes of the knowledge tables in `schemas/`. The tables are facts taken from upstream
 * sources by the generators in `schemas/scripts/`; every table records where its facts
 * came from. Summaries are our own words. Rules read these tables and never hard-code
 * what they know.
 */
import type { Version } from '../model/version';

/** Where a table's facts came from, so anyone can check or regenerate them. */
export interface SourceRecord {
  /** Upstream repository or site, e.g. "https://github.com/benoitc/gunicorn". */
  readonly url: string;
  /** The release or tag read, e.g. "26.1.0". */
  readonly ref: string;
  /** Commit id of that ref, when the source is a git repository. */
  readonly commit?: string;
  /** Files within the source the facts were read from. */
  readonly files: readonly string[];
  /** Older releases scanned to find when an entry appeared or disappeared. */
  readonly versionsScanned?: readonly string[];
  /** ISO date the generator ran. */
  readonly generated: string;
  /** Anything a reader must know about how facts were derived. */
  readonly notes?: readonly string[];
}

interface Availability {
  /** First release that has it; absent when it predates the oldest release scanned. */
  readonly since?: Version;
  /** Release from which upstream marks it deprecated (still accepted). */
  readonly deprecated?: Version;
  /** First release that no longer accepts it. */
  readonly removed?: Version;
}

interface Documented {
  /** One line, our own words. */
  readonly summary: string;
  /** Link to the official documentation of this entry. */
  readonly docs: string;
}

// ---------------------------------------------------------------- gunicorn

/** How gunicorn validates a setting's value (named after its validator in config.py). */
export type GunicornValueType =
  | 'int' // validate_pos_int: a non-negative integer
  | 'bool'
  | 'string'
  | 'string-list'
  | 'dict'
  | 'callable' // server hooks and other functions; see `arity`
  | 'class' // worker_class, logger_class: a dotted path or a short name
  | 'file' // a path (validate_file_exists or similar)
  | 'user'
  | 'group'
  | 'chdir'
  | 'hostport'
  | 'address-list'
  | 'octal-int' // umask: int, octal literal on the command line
  | 'other';

export interface GunicornSetting extends Availability, Documented {
  /** Name used in gunicorn.conf.py, e.g. "worker_connections". */
  readonly name: string;
  /** Section of gunicorn's settings documentation, e.g. "Worker Processes". */
  readonly section: string;
  /** Command-line flags, e.g. ["-w", "--workers"]; empty when the file is the only way. */
  readonly flags: readonly string[];
  /** argparse action of the flag: "store" takes a value; the others take none. */
  readonly action?: 'store' | 'store_true' | 'store_false' | 'append' | 'store_const';
  /** The flag may stand alone, its value then being a built-in constant (argparse `nargs='?'`). */
  readonly optionalValue?: boolean;
  readonly type: GunicornValueType;
  /** Name of the validator upstream uses (a fact, for traceability). */
  readonly validator: string;
  /** Default as a JSON value when it is a plain constant. */
  readonly default?: unknown;
  /** Default as upstream documents it, e.g. "2 * cpu_count() + 1" or "'sync'". */
  readonly defaultText: string;
  /** Accepted values when the setting is an enumeration (loglevel, worker_class short names). */
  readonly choices?: readonly string[];
  /** For callables: the number of positional parameters gunicorn calls it with. */
  readonly arity?: number | { readonly min: number; readonly max: number };
  /** For server hooks: the parameter names of upstream's documented signature, e.g. ["server", "worker"]. */
  readonly parameters?: readonly string[];
  /** Environment variable that sets it, when upstream has one. */
  readonly env?: string;
}

export interface GunicornWorkerClass extends Availability, Documented {
  /** Short name accepted by `worker_class`/`-k`, e.g. "gthread". */
  readonly name: string;
  /** Full dotted path gunicorn maps the short name to. */
  readonly path: string;
  /** Whether the class reads `worker_connections`. */
  readonly usesWorkerConnections: boolean;
  /** Whether the class keeps client connections alive (reads `keepalive`). */
  readonly usesKeepalive: boolean;
  /** Python package that must be installed for it (e.g. "gevent"), if any. */
  readonly requires?: string;
}

export interface GunicornKnowledge {
  readonly source: SourceRecord;
  readonly settings: readonly GunicornSetting[];
  readonly workerClasses: readonly GunicornWorkerClass[];
}

// ---------------------------------------------------------------- systemd

export type SystemdSection =
  | 'Unit'
  | 'Install'
  | 'Service'
  | 'Socket'
  | 'Timer'
  | 'Path'
  | 'Mount'
  | 'Automount'
  | 'Swap'
  | 'Slice'
  | 'Scope';

export type SystemdValueType =
  | 'boolean'
  | 'timespan' // "5s", "1min 30s", "infinity"
  | 'timestamp' // calendar events (OnCalendar=)
  | 'size' // "512M", "infinity", or a percentage where allowed
  | 'integer'
  | 'enum'
  | 'command' // Exec*= lines
  | 'path'
  | 'path-list'
  | 'unit-list'
  | 'string'
  | 'string-list'
  | 'environment'
  | 'signal'
  | 'mode' // file mode, octal
  | 'other';

export interface SystemdDirective extends Availability, Documented {
  readonly name: string;
  /** Sections it is accepted in. */
  readonly sections: readonly SystemdSection[];
  readonly type: SystemdValueType;
  /** Accepted words for `enum` (and booleans that take extra words). */
  readonly values?: readonly string[];
  /** The enum also takes every boolean spelling (yes/no, true/false, on/off, 1/0). */
  readonly acceptsBoolean?: boolean;
  /** The enum also takes a plain number (the value behind a word). */
  readonly acceptsNumber?: boolean;
  /**
   * True when each assignment adds to a list (ExecStartPre=, Environment=, After=) and an
   * empty assignment resets it; false when a later assignment replaces an earlier one.
   */
  readonly accumulates: boolean;
  /** Upstream parser function, e.g. "config_parse_sec" (a fact, for traceability). */
  readonly parser?: string;
  /** Name that replaces it, for deprecated or renamed directives. */
  readonly replacement?: string;
  /** How the replacement differs, when a plain rename would be wrong. */
  readonly replacementNote?: string;
}

export interface SystemdKnowledge {
  readonly source: SourceRecord;
  /** Sections each unit type may contain, keyed by suffix ("service", "socket", …). */
  readonly unitTypes: Readonly<Record<string, readonly SystemdSection[]>>;
  readonly directives: readonly SystemdDirective[];
}

// ---------------------------------------------------------------- nginx

/**
 * Contexts a directive may appear in, named after nginx's configuration flags:
 * `sif`/`lif` are `if` blocks in server and location, `limit_except` the block of that name.
 */
export type NginxContext =
  | 'main'
  | 'events'
  | 'http'
  | 'server'
  | 'location'
  | 'upstream'
  | 'sif'
  | 'lif'
  | 'limit_except'
  | 'mail'
  | 'mail-server'
  | 'stream'
  | 'stream-server'
  | 'stream-upstream';

/** Argument count rules, as nginx's NGX_CONF_* flags state them. */
export type NginxArity =
  | 'NOARGS'
  | 'TAKE1'
  | 'TAKE2'
  | 'TAKE3'
  | 'TAKE4'
  | 'TAKE5'
  | 'TAKE6'
  | 'TAKE7'
  | 'TAKE12'
  | 'TAKE13'
  | 'TAKE23'
  | 'TAKE123'
  | 'TAKE1234'
  | 'FLAG'
  | '1MORE'
  | '2MORE'
  | 'ANY';

export interface NginxDirective extends Availability, Documented {
  readonly name: string;
  /** Module that defines it, e.g. "ngx_http_proxy_module". */
  readonly module: string;
  readonly contexts: readonly NginxContext[];
  /** Each entry is one accepted argument form; nginx ORs them. */
  readonly arity: readonly NginxArity[];
  /** Whether it opens a block (`server {`, `location … {`). */
  readonly block: boolean;
  /**
   * Whether it may appear more than once in one block. False when nginx rejects a repeat
   * ("is duplicate") or silently lets the last one win.
   */
  readonly repeatable: boolean;
  /**
   * Set on a directive that is not `repeatable` when nginx accepts the repeat and the
   * later one replaces the earlier (`ip_hash`, upstream `zone`, `ssl_session_cache`):
   * `nginx -t` passes, sometimes with a warning. Absent when nginx refuses the repeat.
   */
  readonly lastWins?: true;
  /**
   * How nginx's own build treats the module: always built (`core`), built unless
   * configured out (`standard`), built only when configured in (`optional`), or not part
   * of nginx (`third-party`). Distributions choose their own set on top of this.
   */
  readonly origin: 'core' | 'standard' | 'optional' | 'third-party';
}

export interface NginxKnowledge {
  readonly source: SourceRecord;
  /** Release line treated as current stable when no version is declared, e.g. "1.30". */
  readonly stable: Version;
  readonly directives: readonly NginxDirective[];
}
