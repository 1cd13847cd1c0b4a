import { dirName } from '../../engine/deployed-paths';
import type { ParsedDocument } from '../../engine/document';
import type { MergedUnit, PlacedEntry } from '../../engine/merged-unit';
import type { EditDraft, FixDraft, Rule, RuleContext } from '../../engine/rule';
import type { NewFile } from '../../model/finding';
import type { UnitWord } from '../../formats/systemd/exec';
import { compareVersions } from '../../model/version';
import { afterLine } from '../../text/line-edits';
import { removeEntry } from './edits';

/** systemd NEWS, "CHANGES WITH 247": SetCredential= and LoadCredential= added. */
const CREDENTIALS_SINCE = '247';

/** Last parts of a variable name that say it holds a secret (`DB_PASSWORD`, `GITHUB_TOKEN`). */
const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'PASSPHRASE', 'SECRET', 'TOKEN', 'APIKEY', 'PRIVATEKEY', 'SECRETKEY', 'AUTHTOKEN']);
/** What comes before `KEY` when the key is a secret (`API_KEY`, `SECRET_KEY`), unlike `CACHE_KEY` or `SORT_KEY`. */
const SECRET_KEY_KINDS = new Set(['API', 'PRIVATE', 'ACCESS', 'SIGNING', 'ENCRYPTION', 'MASTER', 'SECRET', 'HMAC', 'FERNET', 'JWT', 'APP', 'AUTH', 'SESSION', 'LICENSE', 'CRYPT', 'CRYPTO']);
/** Values that switch something on or off rather than hold a secret (`REQUIRE_PASSWORD=yes`). */
const SWITCHES = new Set(['', 'true', 'false', 'yes', 'no', 'on', 'off', '0', '1', 'none', 'null']);
/** `scheme://user:password@host`: group 1 is the password. */
const URL_PASSWORD = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@:\s]*:([^/?#@\s]+)@/;
/** Folders systemd loads system units from; a workspace holding one mirrors the machine's file system below it. */
const UNIT_FOLDER = /^(.*?)\/(?:etc|run|lib|usr\/lib|usr\/local\/lib)\/systemd\/system\//;

/**
 * Passwords, tokens and keys written into `Environment=`. systemd.exec(5), Environment=
 * (since v240): "environment variables set for a unit are exposed to unprivileged clients via
 * D-Bus IPC", so any local user reads them with `systemctl show`, "and propagated down the
 * process tree". `EnvironmentFile=` is read by the service manager from its own file system
 * when the service starts (so a root-owned file of mode 0600 does), and only its path is a
 * unit property; `LoadCredential=` (since 247) passes the secret as a file only the
 * service's user can read.
 *
 * A name counts as a secret by its last part (PASSWORD, SECRET, TOKEN, API_KEY, …), so
 * `SECRET_KEY_FILE=/path` and `TOKEN_EXPIRY=3600` do not; any value that is a URL with a
 * password counts (`DATABASE_URL=postgres://app:pw@db/app`). Empty values, `${…}` references,
 * paths and on/off switches are not secrets.
 */
export const secretInEnvironment: Rule = {
  id: 'systemd/secret-in-environment',
  severity: 'warning',
  summary: 'A password, token or key in Environment=: any local user can read it with systemctl show',

  service(service, context) {
    for (const { placed, words, problems } of service.environment()) {
      // systemd ignores the whole assignment when a word is broken; systemd/syntax says so.
      if (problems.length > 0) continue;
      for (const word of words) {
        const equals = word.text.indexOf('=');
        if (equals <= 0) continue;
        const name = word.text.slice(0, equals);
        const value = word.text.slice(equals + 1);
        const kind = secretKind(name, value);
        if (!kind) continue;
        const shown = service.name.replace(/@\.service$/, '@<instance>.service');
        context.report({
          document: placed.document,
          span: word.span,
          message: `${name} ${kind === 'url' ? 'has a password in its URL' : 'is a secret'} in Environment=: any local user can read it with systemctl show ${shown} (systemd exposes Environment= to unprivileged D-Bus clients), and every program the app starts inherits it`,
          fixes: [environmentFileFix(service, placed, words, word, name, value, context), ...credentialFix(placed, words, word, name, context)],
        });
      }
    }
  },
};

function secretKind(name: string, value: string): 'name' | 'url' | undefined {
  if (SWITCHES.has(value.toLowerCase()) || isReference(value)) return undefined;
  const password = value.includes('@') ? URL_PASSWORD.exec(value)?.[1] : undefined;
  if (password !== undefined) return isReference(password) ? undefined : 'url';
  // A path names the file the secret is in (`%d/…` is the credentials directory).
  if (/^(\/|%[A-Za-z]\/)\S*$/.test(value)) return undefined;
  return secretName(name) ? 'name' : undefined;
}

function isReference(value: string): boolean {
  return value.startsWith('$') || value.includes('${');
}

/** Endings a secret's name can have, tested before the name is split into its parts. */
const SECRET_ENDINGS = [...SECRET_WORDS, 'PWD', 'KEY', 'BASE'];

function secretName(name: string): boolean {
  let length = name.length;
  while (length > 0 && '_.-'.includes(name[length - 1]!)) length--;
  const upper = name.slice(0, length).toUpperCase();
  // Most names end in none of them: no need to split those.
  if (!SECRET_ENDINGS.some((ending) => upper.endsWith(ending))) return false;
  const parts = upper.split(/[_.-]+/).filter((part) => part !== '');
  const last = parts.at(-1);
  const before = parts.at(-2);
  if (last === undefined) return false;
  // PGPASSWORD: a program's prefix written into the word.
  if (SECRET_WORDS.has(last) || /(PASSWORD|PASSWD)$/.test(last)) return true;
  // MYSQL_PWD is MySQL's password variable; PWD alone is the working directory.
  if (last === 'PWD') return parts.length > 1;
  if (last === 'KEY') return before !== undefined && SECRET_KEY_KINDS.has(before);
  // Rails' SECRET_KEY_BASE.
  return last === 'BASE' && before === 'KEY' && parts.at(-3) === 'SECRET';
}

/** Fix (a): the variable goes to an EnvironmentFile= (the unit's own, or a new one under /etc). */
function environmentFileFix(service: MergedUnit, placed: PlacedEntry, words: readonly UnitWord[], word: UnitWord, name: string, value: string, context: RuleContext): FixDraft {
  const existing = service.list('Service', 'EnvironmentFile').at(-1);
  const path = existing ? existing.entry.value.replace(/^-/, '') : `/etc/${unitStem(service.name)}/env`;
  const edits = existing ? removal(placed, words, word) : replacement(placed, words, word, `EnvironmentFile=${path}`);
  // The file can hold the value only when it is written as it is (specifiers are not expanded in an environment file).
  const copy = word.raw.includes('%') ? undefined : workspaceCopy(path, placed.document.path, context);
  const creates: NewFile[] = copy ? [{ path: copy, text: environmentFile(service.name, name, value) }] : [];
  const reads = existing ? `${path}, which EnvironmentFile= reads already` : `EnvironmentFile=${path}`;
  const action = copy
    ? 'creates the file; keep it mode 0600, owned by root'
    : existing
      ? `add ${name}=… there; keep the file mode 0600, owned by root`
      : `create that file on the server with mode 0600, owned by root, holding ${name}=…`;
  return {
    title: `Move ${name} to ${reads} (${action})`,
    // The file must exist on the server with the value in it, or the service starts without it.
    safe: false,
    preferred: true,
    edits,
    ...(creates.length > 0 ? { creates } : {}),
  };
}

/** Fix (b): `LoadCredential=` (systemd 247), which the app must read from $CREDENTIALS_DIRECTORY. */
function credentialFix(placed: PlacedEntry, words: readonly UnitWord[], word: UnitWord, name: string, context: RuleContext): FixDraft[] {
  if (compareVersions(context.targets.systemd, CREDENTIALS_SINCE) < 0) return [];
  // /etc/credstore/ is where systemd (251+) looks for credentials by name; an absolute path works from 247.
  const line = `LoadCredential=${name}:/etc/credstore/${name}`;
  return [
    {
      title: `Pass ${name} as a credential: ${line} (write the value to that file, mode 0600; the app reads it from $CREDENTIALS_DIRECTORY/${name})`,
      // The app must change to read the file instead of the variable.
      safe: false,
      edits: replacement(placed, words, word, line),
    },
  ];
}

/** `trunk8.service` → `trunk8`; `app@.service` → `app`. */
function unitStem(name: string): string {
  return name.replace(/\.service$/, '').replace(/@.*$/, '') || 'app';
}

/** Deletes one assignment of an Environment= line, or the whole line when it is the only one. */
function removal(placed: PlacedEntry, words: readonly UnitWord[], word: UnitWord): EditDraft[] {
  const document = placed.document;
  if (words.length === 1) return [{ document, ...removeEntry(document.source, placed.entry) }];
  return [{ document, span: wordRemoval(words, word), newText: '' }];
}

/** Puts a directive in place of one assignment: the whole line when it is the only one, else a line after it. */
function replacement(placed: PlacedEntry, words: readonly UnitWord[], word: UnitWord, line: string): EditDraft[] {
  const document = placed.document;
  if (words.length === 1) return [{ document, span: placed.entry.span, newText: line }];
  return [{ document, span: wordRemoval(words, word), newText: '' }, lineAfter(document, placed.entry.span.end, line)];
}

/** The word with the blanks that separate it from its neighbour. */
function wordRemoval(words: readonly UnitWord[], word: UnitWord): { start: number; end: number } {
  const index = words.indexOf(word);
  const next = words[index + 1];
  if (next) return { start: word.span.start, end: next.span.start };
  return { start: words[index - 1]!.span.end, end: word.span.end };
}

function lineAfter(document: ParsedDocument, offset: number, line: string): EditDraft {
  const source = document.source;
  const at = afterLine(source, offset);
  const needsBreak = at === source.length && !/[\r\n]$/.test(source.text);
  return { document, span: { start: at, end: at }, newText: `${needsBreak ? source.eol : ''}${line}${source.eol}` };
}

/**
 * Where the deployed file is in the workspace, when the fix may create it there: the
 * workspace mirrors the machine below a folder holding `etc/systemd/system/` (the unit's
 * file system image), or the file lies beside or below the unit itself. Undefined for a
 * path with specifiers or wildcards, a file that exists, or one beyond what the run may read.
 */
function workspaceCopy(deployed: string, unitPath: string, context: RuleContext): string | undefined {
  if (!deployed.startsWith('/') || /[%*?[]/.test(deployed)) return undefined;
  const image = UNIT_FOLDER.exec(unitPath);
  const root = image ? image[1]! : dirName(unitPath);
  const copy = image ? `${root}${deployed}` : deployed;
  if (root !== '' && root !== '/' && !copy.startsWith(`${root}/`)) return undefined;
  if (context.workspace.document(copy)) return undefined;
  const read = context.workspace.files.read(copy);
  return !read.ok && read.reason === 'missing' ? copy : undefined;
}

function environmentFile(unitName: string, name: string, value: string): string {
  return [
    `# Environment of ${unitName}: systemd reads this file as root when the service starts.`,
    '# It holds secrets: keep it mode 0600, owned by root, and out of version control.',
    `${name}=${environmentFileValue(value)}`,
    '',
  ].join('\n');
}

/**
 * A value as an environment file reads it back unchanged: systemd's own write_env_var()
 * (src/basic/env-file.c) double-quotes a value with control characters, blanks or
 * SHELL_NEED_QUOTES characters, escaping SHELL_NEED_ESCAPE ones (`"\`$`) with a backslash.
 */
function environmentFileValue(value: string): string {
  if (!/[\x00-\x1f\x7f\s"\\`$*?[\]'()<>|&;!]/.test(value)) return value;
  return `"${value.replace(/["\\`$]/g, (character) => `\\${character}`)}"`;
}
