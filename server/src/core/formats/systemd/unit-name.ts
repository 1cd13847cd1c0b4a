/**
 * Unit names and the files around them, as pure string helpers: what type a file is for,
 * whether a name is a template or an instance, and which drop-in directories systemd
 * reads for a unit. Rules from systemd's unit-name.c and the drop-in search of
 * unit_file_find_dirs(); releases from the NEWS file of systemd 252.
 */

/** The unit types of systemd 252, as the suffix of a unit name. */
export const UNIT_TYPES = ['service', 'socket', 'target', 'device', 'mount', 'automount', 'swap', 'timer', 'path', 'slice', 'scope'] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

const TYPE_SET: ReadonlySet<string> = new Set(UNIT_TYPES);

/** systemd's UNIT_NAME_MAX: the longest unit name, in bytes. */
const UNIT_NAME_MAX = 255;

export interface UnitName {
  /** The whole name, e.g. "app@blue.service". */
  readonly name: string;
  readonly type: UnitType;
  /** Before the first "@", or the whole name without its suffix: "app". */
  readonly prefix: string;
  /** After the first "@" up to the suffix: "blue"; empty for a template; absent for a plain unit. */
  readonly instance?: string;
  readonly kind: 'plain' | 'template' | 'instance';
}

/**
 * Reads a unit name as systemd's unit_name_is_valid() does: a known type after the last
 * dot; letters, digits and `:-_.\` (plus `@` in instance names); a prefix before the first
 * `@`; at most 255 bytes. Undefined when systemd would not accept the name.
 */
export function parseUnitName(name: string): UnitName | undefined {
  if (name.length === 0 || utf8Length(name) > UNIT_NAME_MAX) return undefined;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const type = name.slice(dot + 1);
  if (!isUnitType(type)) return undefined;
  const stem = name.slice(0, dot);
  const at = stem.indexOf('@');
  if (at < 0) {
    return isValidPrefix(stem) ? { name, type, prefix: stem, kind: 'plain' } : undefined;
  }
  const prefix = stem.slice(0, at);
  const instance = stem.slice(at + 1);
  if (!isValidPrefix(prefix) || !isValidInstance(instance)) return undefined;
  return { name, type, prefix, instance, kind: instance === '' ? 'template' : 'instance' };
}

export function isUnitType(text: string): text is UnitType {
  return TYPE_SET.has(text);
}

/** The template an instance is made from: "app@blue.service" → "app@.service". */
export function templateOf(name: string): string | undefined {
  const parsed = parseUnitName(name);
  return parsed?.kind === 'instance' ? `${parsed.prefix}@.${parsed.type}` : undefined;
}

/**
 * What a file path configures: a unit file (`app.service`), a drop-in for one unit
 * (`app.service.d/override.conf` belongs to `app.service`), or a type-wide drop-in
 * (`service.d/limits.conf`, every service, since systemd 244).
 */
export type UnitFileRole =
  | { readonly role: 'unit'; readonly unit: UnitName }
  | { readonly role: 'drop-in'; readonly unit: UnitName }
  | { readonly role: 'type-drop-in'; readonly type: UnitType };

export function unitFileRole(path: string): UnitFileRole | undefined {
  const parts = path.split('/');
  const name = parts[parts.length - 1] ?? '';
  const folder = parts[parts.length - 2] ?? '';
  if (name.endsWith('.conf') && folder.endsWith('.d')) {
    const owner = folder.slice(0, -2);
    if (isUnitType(owner)) return { role: 'type-drop-in', type: owner };
    const unit = parseUnitName(owner);
    return unit ? { role: 'drop-in', unit } : undefined;
  }
  const unit = parseUnitName(name);
  return unit ? { role: 'unit', unit } : undefined;
}

/**
 * The unit type a file is for: its own suffix, or that of its drop-in folder (`service.d/`
 * included). Lenient on purpose: "my app.service" is no valid unit name, but its checks are
 * still those of a service.
 */
export function unitTypeOf(path: string): UnitType | undefined {
  const parts = path.split('/');
  const name = parts[parts.length - 1] ?? '';
  const folder = parts[parts.length - 2] ?? '';
  const owner = name.endsWith('.conf') && folder.endsWith('.d') ? folder.slice(0, -2) : name;
  const type = owner.slice(owner.lastIndexOf('.') + 1);
  return isUnitType(type) ? type : undefined;
}

/** Whether the file is a drop-in (`*.d/*.conf`), which systemd merges into its unit. */
export function isDropIn(path: string): boolean {
  const parts = path.split('/');
  return (parts[parts.length - 1] ?? '').endsWith('.conf') && (parts[parts.length - 2] ?? '').endsWith('.d');
}

/** A directory whose `*.conf` files systemd merges into a unit. */
export interface DropInDirectory {
  /** The directory name, e.g. "app@.service.d" (relative to each unit search path). */
  readonly name: string;
  /**
   * Why it applies: the unit's own name, its template, a shorter dash prefix
   * (`foo-.service.d` for `foo-bar.service`), or the whole type (`service.d`).
   */
  readonly reason: 'unit' | 'template' | 'prefix' | 'type';
  /**
   * The first systemd release that reads it, from the NEWS of systemd 252: unit drop-ins
   * 198, dash prefixes 239, type-wide 244. NEWS does not date the template directories.
   */
  readonly since?: string;
}

const DROP_IN_SINCE: Readonly<Record<DropInDirectory['reason'], string | undefined>> = { unit: '198', template: undefined, prefix: '239', type: '244' };

/**
 * The drop-in directories systemd reads for a unit, in the order its unit_file_find_dirs()
 * visits them: the name, its template, then each shorter dash prefix (each with its own
 * template), and last the type-wide directory. Checked against systemd-analyze verify 252:
 * for `foo-bar@baz.service` it reads `foo-bar@baz.service.d`, `foo-bar@.service.d`,
 * `foo-.service.d`, `foo-@baz.service.d`, `foo-@.service.d` and `service.d`. Aliases add
 * their own directories; they are not known from the name. Empty for an invalid name.
 */
export function dropInDirectories(name: string): DropInDirectory[] {
  const unit = parseUnitName(name);
  if (!unit) return [];
  const found: DropInDirectory[] = [];
  const seen = new Set<string>();
  const add = (directory: string, reason: DropInDirectory['reason']) => {
    if (seen.has(directory)) return;
    seen.add(directory);
    const since = DROP_IN_SINCE[reason];
    found.push(since === undefined ? { name: directory, reason } : { name: directory, reason, since });
  };

  // Iterative form of systemd's recursion: each step is a name, and how it was reached.
  const pending: { unit: UnitName; reason: DropInDirectory['reason'] }[] = [{ unit, reason: 'unit' }];
  while (pending.length > 0) {
    const step = pending.shift()!;
    const current = step.unit;
    add(`${current.name}.d`, step.reason);
    const next: { unit: UnitName; reason: DropInDirectory['reason'] }[] = [];
    if (current.kind === 'instance') {
      const template = parseUnitName(`${current.prefix}@.${current.type}`);
      if (template) next.push({ unit: template, reason: step.reason === 'prefix' ? 'prefix' : 'template' });
    }
    const shorter = shorterDashPrefix(current.prefix);
    if (shorter !== undefined) {
      const built = parseUnitName(current.kind === 'instance' ? `${shorter}@${current.instance}.${current.type}` : `${shorter}.${current.type}`);
      if (built) next.push({ unit: built, reason: 'prefix' });
    }
    // Depth first, as the recursion: a template's own prefixes come before the instance's.
    pending.unshift(...next);
  }
  add(`${unit.type}.d`, 'type');
  return found;
}

/**
 * The prefix cut after its last inner dash ("foo-bar" → "foo-"), or undefined when there is
 * none. A trailing dash is dropped first, once ("foo-" → "foo" → none), so each step
 * shortens by one component; a leading dash ends the search.
 */
function shorterDashPrefix(prefix: string): string | undefined {
  let current = prefix;
  let chopped = false;
  for (;;) {
    const dash = current.lastIndexOf('-');
    if (dash <= 0) return undefined;
    if (dash + 1 < current.length || chopped) {
      const shorter = current.slice(0, dash + 1);
      return isValidPrefix(shorter) ? shorter : undefined;
    }
    current = current.slice(0, dash);
    chopped = true;
  }
}

function isValidPrefix(prefix: string): boolean {
  return prefix.length > 0 && allIn(prefix, false);
}

function isValidInstance(instance: string): boolean {
  return allIn(instance, true);
}

/** systemd's VALID_CHARS: ASCII letters and digits and `:-_.\`; `@` too where allowed. */
function allIn(text: string, allowAt: boolean): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const alphanumeric = (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
    if (alphanumeric || code === 58 || code === 45 || code === 95 || code === 46 || code === 92) continue;
    if (allowAt && code === 64) continue;
    return false;
  }
  return true;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}
