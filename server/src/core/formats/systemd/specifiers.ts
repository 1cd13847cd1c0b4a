import { compareVersions, versionInRange, type Version } from '../../model/version';
import type { Span } from '../../text/source-text';
import type { UnitEntry } from './model';
import { valueToSource } from './parser';

/** A `%x` specifier systemd resolves when it loads a unit. */
export interface UnitSpecifier {
  /** The character after the `%`. */
  readonly letter: string;
  readonly meaning: string;
  /**
   * The release that added it, as the NEWS file of systemd 252 states it. Absent for the
   * oldest ones (`%n %N %p %P %i %I %f %t %%`), which predate every release NEWS mentions.
   */
  readonly since?: string;
  /** Deprecated since 233; systemd 252 still resolves it but warns that it does not work as intended. */
  readonly deprecated?: true;
}

/**
 * The specifiers of unit files. Source: the "Specifiers" table of systemd.unit(5)
 * (man/systemd.unit.xml upstream, and the systemd.unit.5 of systemd 252 as Debian 12 ships
 * it, which lists all of these); releases from the NEWS file of systemd 252, since the
 * stored man page predates its "Added in version" notes. `%c`, `%r`, `%R` are missing from
 * the page; systemd 252 accepts them with a deprecation warning. Checked against
 * `systemd-analyze verify` 252: every letter and digit not in this table is refused.
 */
export const UNIT_SPECIFIERS: readonly UnitSpecifier[] = [
  { letter: 'a', since: '246', meaning: 'Architecture' },
  { letter: 'A', since: '249', meaning: 'Operating system image version' },
  { letter: 'b', since: '190', meaning: 'Boot ID' },
  { letter: 'B', since: '246', meaning: 'Operating system build ID' },
  { letter: 'C', since: '236', meaning: 'Cache directory root' },
  { letter: 'd', since: '251', meaning: 'Credentials directory' },
  { letter: 'E', since: '239', meaning: 'Configuration directory root' },
  { letter: 'f', meaning: 'Unescaped filename' },
  { letter: 'g', since: '240', meaning: 'User group' },
  { letter: 'G', since: '240', meaning: 'User GID' },
  { letter: 'h', since: '187', meaning: 'User home directory' },
  { letter: 'H', since: '190', meaning: 'Host name' },
  { letter: 'i', meaning: 'Instance name' },
  { letter: 'I', meaning: 'Unescaped instance name' },
  { letter: 'j', since: '239', meaning: 'Final component of the prefix' },
  { letter: 'J', since: '239', meaning: 'Unescaped final component of the prefix' },
  { letter: 'l', since: '246', meaning: 'Short host name' },
  { letter: 'L', since: '236', meaning: 'Log directory root' },
  { letter: 'm', since: '190', meaning: 'Machine ID' },
  { letter: 'M', since: '249', meaning: 'Operating system image identifier' },
  { letter: 'n', meaning: 'Full unit name' },
  { letter: 'N', meaning: 'Full unit name without the type suffix' },
  { letter: 'o', since: '246', meaning: 'Operating system ID' },
  { letter: 'p', meaning: 'Prefix name' },
  { letter: 'P', meaning: 'Unescaped prefix name' },
  { letter: 'q', since: '251', meaning: 'Pretty host name' },
  { letter: 's', since: '187', meaning: 'User shell' },
  { letter: 'S', since: '236', meaning: 'State directory root' },
  { letter: 't', meaning: 'Runtime directory root' },
  { letter: 'T', since: '239', meaning: 'Directory for temporary files' },
  { letter: 'u', since: '187', meaning: 'User name' },
  { letter: 'U', since: '197', meaning: 'User UID' },
  { letter: 'v', since: '206', meaning: 'Kernel release' },
  { letter: 'V', since: '239', meaning: 'Directory for larger and persistent temporary files' },
  { letter: 'w', since: '246', meaning: 'Operating system version ID' },
  { letter: 'W', since: '246', meaning: 'Operating system variant ID' },
  { letter: 'y', since: '251', meaning: 'The path to the fragment' },
  { letter: 'Y', since: '251', meaning: 'The directory of the fragment' },
  { letter: '%', meaning: 'Single percent sign' },
  { letter: 'c', meaning: 'Control group path of the unit', deprecated: true },
  { letter: 'r', meaning: 'Root control group path of systemd', deprecated: true },
  { letter: 'R', meaning: 'Parent directory of the root control group path', deprecated: true },
];

/** Since this release systemd refuses a value with an unknown specifier (NEWS of 236); before, it kept the text. */
export const UNKNOWN_SPECIFIERS_REFUSED_SINCE = '236';

const BY_LETTER: ReadonlyMap<string, UnitSpecifier> = new Map(UNIT_SPECIFIERS.map((specifier) => [specifier.letter, specifier]));

/** A specifier written in a value. */
export interface SpecifierUse {
  /** As written, e.g. "%i". */
  readonly text: string;
  readonly letter: string;
  /** Undefined for a letter or digit systemd (of the release asked about) does not know. */
  readonly specifier: UnitSpecifier | undefined;
  readonly span: Span;
}

/**
 * Specifiers in a string, by offset, as systemd's specifier_printf() reads them: `%%` is a
 * percent sign, `%` before a letter or digit is a specifier (known or not), `%` before
 * anything else (or at the end) stays as written.
 */
export function scanSpecifiers(text: string): { offset: number; letter: string }[] {
  const found: { offset: number; letter: string }[] = [];
  for (let index = text.indexOf('%'); index >= 0 && index + 1 < text.length; index = text.indexOf('%', index)) {
    const letter = text[index + 1]!;
    if (letter === '%' || isAsciiAlphanumeric(letter.charCodeAt(0))) {
      found.push({ offset: index, letter });
      index += 2;
    } else {
      index += 1;
    }
  }
  return found;
}

/**
 * The specifiers in an entry's value with their spans in the source, and those systemd
 * refuses. `systemd-analyze verify` words a refusal "Failed to resolve unit specifiers in
 * …: Invalid slot"; what follows depends on the key (`ExecStart=` fails the unit,
 * `Description=` is ignored). Not every key resolves specifiers at all: that is the
 * caller's knowledge. With a `release`, specifiers added later count as unknown, and
 * before 236 nothing is refused.
 */
export function specifiersInValue(entry: UnitEntry, release?: Version): { uses: SpecifierUse[]; unknown: SpecifierUse[] } {
  const uses: SpecifierUse[] = [];
  const unknown: SpecifierUse[] = [];
  const refuses = release === undefined || compareVersions(release, UNKNOWN_SPECIFIERS_REFUSED_SINCE) >= 0;
  for (const { offset, letter } of scanSpecifiers(entry.value)) {
    const use: SpecifierUse = { text: `%${letter}`, letter, specifier: unitSpecifier(letter, release), span: valueToSource(entry, offset, offset + 2) };
    uses.push(use);
    if (!use.specifier && refuses) unknown.push(use);
  }
  return { uses, unknown };
}

/** The specifier systemd knows by this letter (in `release`, when given), if any. */
export function unitSpecifier(letter: string, release?: Version): UnitSpecifier | undefined {
  const specifier = BY_LETTER.get(letter);
  if (!specifier || release === undefined) return specifier;
  return versionInRange(release, specifier.since) ? specifier : undefined;
}

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}
