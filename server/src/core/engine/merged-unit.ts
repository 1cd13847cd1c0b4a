import { splitUnitWords, type UnitWord } from '../formats/systemd/exec';
import type { UnitEntry, UnitProblem, UnitSection } from '../formats/systemd/model';
import { dropInDirectories, isDropIn, unitFileRole } from '../formats/systemd/unit-name';
import { baseName, dirName } from './deployed-paths';
import type { ParsedDocument } from './document';

/** One assignment of the merged unit, with the file and section it is written in. */
export interface PlacedEntry {
  readonly document: ParsedDocument;
  readonly section: UnitSection;
  readonly entry: UnitEntry;
}

/** An `Environment=` line the service ends up with, split into its `NAME=value` words. */
export interface EnvironmentLine {
  readonly placed: PlacedEntry;
  readonly words: readonly UnitWord[];
  /** Quoting or escapes systemd refuses: it then ignores the whole line. */
  readonly problems: readonly UnitProblem[];
}

/**
 * A unit as systemd loads it: the unit file, then its drop-ins in the order systemd
 * applies them, read as one. Drop-ins are those of the workspace in the folders systemd
 * reads for the unit's name beside the unit file (`app.service.d/`, `app@.service.d/`,
 * `app-.service.d/`, `service.d/`), sorted by file name across folders, as systemd sorts
 * them. A drop-in whose unit file is not in the workspace is merged on its own.
 */
export class MergedUnit {
  constructor(
    /** The unit's name: `app.service`, `app@.service`. */
    readonly name: string,
    /** The unit file; undefined when only drop-ins are in the workspace. */
    readonly main: ParsedDocument | undefined,
    /** The unit file first, then each drop-in in the order systemd applies it. */
    readonly files: readonly ParsedDocument[],
  ) {}

  /** Every assignment of a key in a section, in the order systemd reads them. */
  assignments(section: string, key: string): PlacedEntry[] {
    const found: PlacedEntry[] = [];
    for (const document of this.files) {
      for (const unitSection of document.unit?.sections ?? []) {
        if (unitSection.name !== section) continue;
        for (const entry of unitSection.entries) if (entry.key === key) found.push({ document, section: unitSection, entry });
      }
    }
    return found;
  }

  /**
   * The assignment that decides a single-valued setting: the last one. Undefined when the
   * key is unset or its last assignment is empty, which resets it to the default.
   */
  value(section: string, key: string): PlacedEntry | undefined {
    const last = this.assignments(section, key).at(-1);
    return last && last.entry.value !== '' ? last : undefined;
  }

  /** The assignments a list setting (`Environment=`, `ReadWritePaths=`) ends up with: those after the last empty one. */
  list(section: string, key: string): PlacedEntry[] {
    const all = this.assignments(section, key);
    let reset = all.length - 1;
    while (reset >= 0 && all[reset]!.entry.value !== '') reset--;
    return all.slice(reset + 1);
  }

  /** The service's `Environment=` lines, split once for all the rules that read them. */
  environment(): readonly EnvironmentLine[] {
    this.environmentLines ??= this.list('Service', 'Environment').map((placed) => {
      const { words, problems } = splitUnitWords(placed.entry);
      return { placed, words, problems };
    });
    return this.environmentLines;
  }

  private environmentLines?: readonly EnvironmentLine[];

  /** Whether any file of the unit has the section. */
  hasSection(section: string): boolean {
    return this.files.some((document) => document.unit?.sections.some((candidate) => candidate.name === section));
  }

  /** The file an added directive goes to: the unit file, else the last drop-in (which wins over the others). */
  get editable(): ParsedDocument {
    return this.main ?? this.files.at(-1)!;
  }
}

/**
 * The merged units of the workspace's unit files and drop-ins, each document in exactly
 * one (type-wide drop-ins such as `service.d/limits.conf` apply to every service and are
 * merged into each unit beside them).
 */
export function mergeUnits(documents: readonly ParsedDocument[]): MergedUnit[] {
  const units = documents.filter((document) => document.unit !== undefined);
  const mains = units.filter((document) => unitFileRole(document.path)?.role === 'unit');
  const dropIns = units.filter((document) => isDropIn(document.path));
  const claimed = new Set<ParsedDocument>();
  const merged: MergedUnit[] = [];
  for (const main of mains) {
    const name = baseName(main.path);
    const folders = new Set(dropInDirectories(name).map((directory) => inFolder(dirName(main.path), directory.name)));
    const own = dropIns.filter((document) => folders.has(dirName(document.path)));
    for (const document of own) claimed.add(document);
    merged.push(new MergedUnit(name, main, [main, ...systemdOrder(own)]));
  }
  // Drop-ins without their unit file: grouped by the unit they are for.
  const orphans = new Map<string, ParsedDocument[]>();
  for (const document of dropIns) {
    if (claimed.has(document)) continue;
    const role = unitFileRole(document.path);
    const name = role?.role === 'drop-in' ? role.unit.name : baseName(dirName(document.path)).slice(0, -2);
    const key = `${dirName(dirName(document.path))}/${name}`;
    orphans.set(key, [...(orphans.get(key) ?? []), document]);
  }
  for (const [key, files] of orphans) merged.push(new MergedUnit(baseName(key), undefined, systemdOrder(files)));
  return merged;
}

function inFolder(folder: string, name: string): string {
  return folder === '/' ? `/${name}` : `${folder}/${name}`;
}

/**
 * systemd reads all drop-ins of a unit sorted by file name, whatever folder they are in;
 * of two with the same name only the first folder's counts (a narrower folder comes first
 * in dropInDirectories, but within the workspace both are kept so neither goes unchecked).
 */
function systemdOrder(files: readonly ParsedDocument[]): ParsedDocument[] {
  return [...files].sort((a, b) => byCodePoints(baseName(a.path), baseName(b.path)) || byCodePoints(a.path, b.path));
}

/** strcmp's order, which systemd sorts by; localeCompare would put `a-b` and `a_b` otherwise. */
function byCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
