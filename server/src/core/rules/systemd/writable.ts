import type { MergedUnit, PlacedEntry } from '../../engine/merged-unit';
import { parseBoolean } from '../../formats/systemd/values';
import { normalizePath } from '../../text/paths';

/*
 * Where a service may write, as systemd sets it up before it starts the program: the
 * folders it creates for the service (RuntimeDirectory= and friends, owned by its User=),
 * the paths ReadWritePaths= opens, and what ProtectSystem= makes read-only. Shared by the
 * rules that add sandboxing (systemd/hardening) and those that check what gunicorn writes
 * (stack/writable-paths).
 */

/** The directory settings whose folders systemd creates for the service, and where each lives. */
const CREATED_FOLDERS: readonly (readonly [string, string])[] = [
  ['RuntimeDirectory', '/run'],
  ['LogsDirectory', '/var/log'],
  ['StateDirectory', '/var/lib'],
  ['CacheDirectory', '/var/cache'],
];

/** The words of a list setting as the service ends up with it (after its last reset). */
export function listWords(service: MergedUnit, key: string): string[] {
  return service.list('Service', key).flatMap((placed) => placed.entry.value.split(/\s+/).filter(Boolean));
}

/** Whether a path is one of the folders or inside one. */
export function under(path: string, folders: readonly string[]): boolean {
  return folders.some((folder) => path === folder || path.startsWith(folder.endsWith('/') ? folder : `${folder}/`));
}

/** `/var/run` is a symlink to `/run` on every systemd system: paths are compared as `/run`. */
export function canonicalPath(path: string): string {
  return normalizePath(path.replace(/^\/var\/run(?=\/|$)/, '/run'));
}

/** The folder a ReadWritePaths=, RuntimeDirectory=, LogsDirectory=, StateDirectory= or CacheDirectory= entry stands for. */
export function folderOfEntry(key: string, entry: string): string {
  const base = CREATED_FOLDERS.find(([name]) => name === key)?.[1];
  // `-` and `+` prefix a ReadWritePaths= entry; `:link` follows a directory entry (systemd 255).
  const path = base ? `${base}/${entry.replace(/:.*$/, '')}` : entry.replace(/^[-+]+/, '');
  return canonicalPath(path);
}

/** The folders systemd creates for the service, owned by its user, each with the setting that names it. */
export function createdFolders(service: MergedUnit): { folder: string; key: string }[] {
  return CREATED_FOLDERS.flatMap(([key]) => listWords(service, key).map((entry) => ({ folder: folderOfEntry(key, entry), key })));
}

/** Every folder the service may write to whatever ProtectSystem= says: those systemd creates for it and its ReadWritePaths=. */
export function openedFolders(service: MergedUnit): string[] {
  return [...createdFolders(service).map((created) => created.folder), ...listWords(service, 'ReadWritePaths').map((entry) => folderOfEntry('ReadWritePaths', entry))];
}

/** A boolean setting's value as the service ends up with it, or undefined when it is unset or unreadable. */
export function booleanSetting(service: MergedUnit, key: string): boolean | undefined {
  return parseBoolean(service.value('Service', key)?.entry.value ?? '');
}

/** What ProtectSystem= leaves read-only, and what decides it. */
export interface SystemProtection {
  readonly mode: 'yes' | 'full' | 'strict';
  /** The ProtectSystem= assignment, or the DynamicUser=yes that implies strict. */
  readonly decidedBy: PlacedEntry;
  /** With strict: the trees that stay writable; otherwise: the trees made read-only. */
  readonly trees: readonly string[];
}

/** The API file systems, and the trees strict leaves to ProtectHome= (protect_system_strict_table in systemd's namespace.c). */
const STRICT_EXCEPTIONS = ['/dev', '/proc', '/sys', '/home', '/root', '/run/user'];
export const TEMPORARY_FOLDERS = ['/tmp', '/var/tmp'];

/**
 * The file system protection in force: ProtectSystem=yes makes /usr, /boot and /efi
 * read-only, `full` /etc as well, `strict` everything but the API file systems, the home
 * trees, the service's own folders, its ReadWritePaths= and, with PrivateTmp=, its private
 * /tmp and /var/tmp. DynamicUser=yes implies strict and PrivateTmp= (systemd.exec(5)).
 * Undefined when nothing is protected.
 */
export function systemProtection(service: MergedUnit): SystemProtection | undefined {
  const dynamicUser = booleanSetting(service, 'DynamicUser') === true ? service.value('Service', 'DynamicUser') : undefined;
  const written = service.value('Service', 'ProtectSystem');
  const value = written?.entry.value.trim().toLowerCase();
  const mode = value === 'strict' || value === 'full' ? value : value !== undefined && parseBoolean(value) === true ? 'yes' : undefined;
  // systemd raises a weaker ProtectSystem= to strict under DynamicUser=yes (unit_patch_contexts()).
  const strictBy = mode === 'strict' ? written : dynamicUser;
  if (strictBy) return { mode: 'strict', decidedBy: strictBy, trees: strictExceptions(service, dynamicUser !== undefined) };
  if (!written || !mode) return undefined;
  return { mode, decidedBy: written, trees: mode === 'full' ? ['/usr', '/boot', '/efi', '/etc'] : ['/usr', '/boot', '/efi'] };
}

function strictExceptions(service: MergedUnit, dynamicUser: boolean): string[] {
  const privateTmp = dynamicUser || booleanSetting(service, 'PrivateTmp') === true;
  return [...STRICT_EXCEPTIONS, ...(privateTmp ? TEMPORARY_FOLDERS : []), ...openedFolders(service)];
}

/** Whether the protection lets the service write into a folder. */
export function writableUnder(protection: SystemProtection | undefined, folder: string, service: MergedUnit): boolean {
  if (!protection) return true;
  if (protection.mode === 'strict') return under(folder, protection.trees);
  return !under(folder, protection.trees) || under(folder, openedFolders(service));
}

/**
 * The entries to add so that each folder stays writable: a folder under /run becomes a
 * RuntimeDirectory= (systemd creates it, owned by the service's user, and removes it at
 * stop), one under /var/log a LogsDirectory=, any other a ReadWritePaths=. Folders the
 * unit already makes writable, the API file systems (/dev/shm) and, with a private /tmp,
 * the temporary folders need nothing.
 */
export function writableLists(service: MergedUnit, folders: readonly string[], tmpPrivate: boolean): [string, string[]][] {
  const covered = openedFolders(service);
  const runtime: string[] = [];
  const logs: string[] = [];
  const paths: string[] = [];
  const sorted = [...new Set(folders.map(canonicalPath))].sort();
  const chosen: string[] = [];
  for (const folder of sorted) {
    if (under(folder, ['/dev', '/proc', '/sys']) || (tmpPrivate && under(folder, TEMPORARY_FOLDERS))) continue;
    if (under(folder, covered) || under(folder, chosen)) continue;
    chosen.push(folder);
    if (folder.startsWith('/run/')) runtime.push(folder.slice('/run/'.length));
    else if (folder.startsWith('/var/log/')) logs.push(folder.slice('/var/log/'.length));
    else paths.push(folder);
  }
  return [
    ['ReadWritePaths', paths],
    ['RuntimeDirectory', runtime],
    ['LogsDirectory', logs],
  ];
}

/**
 * The values that add entries to list settings: appended to the assignment that decides
 * each (setDirectives rewrites that one), so the entries before it are kept.
 */
export function extendedLists(service: MergedUnit, lists: readonly (readonly [string, readonly string[]])[]): [string, string][] {
  return lists
    .filter(([, additions]) => additions.length > 0)
    .map(([key, additions]) => {
      const current = service.value('Service', key)?.entry.value;
      return [key, current ? `${current} ${additions.join(' ')}` : additions.join(' ')];
    });
}
