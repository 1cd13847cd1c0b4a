import type { FlagSpec, GunicornFlags } from '../formats/gunicorn/command-line';
import { compareVersions, versionInRange, type Version } from '../model/version';
import { groupBy } from '../model/groups';
import type {
  GunicornKnowledge,
  GunicornSetting,
  GunicornWorkerClass,
  NginxContext,
  NginxDirective,
  NginxKnowledge,
  SystemdDirective,
  SystemdKnowledge,
  SystemdSection,
} from './types';

/** Indexed, read-only views over the knowledge tables. Built once per process. */
export class Knowledge {
  readonly gunicorn: GunicornIndex;
  readonly systemd: SystemdIndex;
  readonly nginx: NginxIndex;

  constructor(tables: { gunicorn: GunicornKnowledge; systemd: SystemdKnowledge; nginx: NginxKnowledge }) {
    this.gunicorn = new GunicornIndex(tables.gunicorn);
    this.systemd = new SystemdIndex(tables.systemd);
    this.nginx = new NginxIndex(tables.nginx);
  }
}

/** Whether an entry exists in a release: appeared by then and not yet removed. */
export function availableIn(entry: { since?: Version; removed?: Version }, release: Version): boolean {
  return versionInRange(release, entry.since, entry.removed);
}

/** Why an entry is missing from a release: "added in 20.1.0" or "removed in 19.2". */
export function versionGap(entry: { since?: Version; removed?: Version }, release: Version): string {
  return entry.since && compareVersions(release, entry.since) < 0 ? `added in ${entry.since}` : `removed in ${entry.removed}`;
}

export class GunicornIndex implements GunicornFlags {
  private readonly byName = new Map<string, GunicornSetting>();
  private readonly byFlag = new Map<string, FlagSpec>();
  private readonly longFlags: string[] = [];
  private readonly classes = new Map<string, GunicornWorkerClass>();

  constructor(readonly table: GunicornKnowledge) {
    for (const setting of table.settings) {
      this.byName.set(setting.name, setting);
      for (const flag of setting.flags) {
        const takesValue = setting.action === undefined || setting.action === 'store' || setting.action === 'append';
        const value = !takesValue ? 'none' : setting.optionalValue ? 'optional' : 'required';
        this.byFlag.set(flag, { flag, setting: setting.name, value });
        if (flag.startsWith('--')) this.longFlags.push(flag);
      }
    }
    for (const workerClass of table.workerClasses) this.classes.set(workerClass.name, workerClass);
  }

  get release(): Version {
    return this.table.source.ref;
  }

  get settings(): readonly GunicornSetting[] {
    return this.table.settings;
  }

  setting(name: string): GunicornSetting | undefined {
    return this.byName.get(name);
  }

  workerClass(name: string): GunicornWorkerClass | undefined {
    return this.classes.get(name);
  }

  get workerClasses(): readonly GunicornWorkerClass[] {
    return this.table.workerClasses;
  }

  /** argparse accepts any unambiguous prefix of a long flag. */
  lookup(flag: string): FlagSpec | 'ambiguous' | undefined {
    const exact = this.byFlag.get(flag);
    if (exact || !flag.startsWith('--') || flag.length < 3) return exact;
    const candidates = new Set(this.longFlags.filter((long) => long.startsWith(flag)).map((long) => this.byFlag.get(long)!.setting));
    if (candidates.size === 0) return undefined;
    if (candidates.size > 1) return 'ambiguous';
    const long = this.longFlags.find((candidate) => candidate.startsWith(flag))!;
    return this.byFlag.get(long);
  }
}

export class SystemdIndex {
  private readonly byName: ReadonlyMap<string, readonly SystemdDirective[]>;
  private readonly bySection = new Map<string, string[]>();

  constructor(readonly table: SystemdKnowledge) {
    this.byName = byName(table.directives);
    for (const directive of table.directives) {
      for (const section of directive.sections) {
        const names = this.bySection.get(section);
        if (names) names.push(directive.name);
        else this.bySection.set(section, [directive.name]);
      }
    }
  }

  /** The newest systemd release the table was read from. */
  get release(): Version {
    return this.table.source.ref;
  }

  /** Every entry with this name, whatever its section. */
  named(name: string): readonly SystemdDirective[] {
    return this.byName.get(name) ?? [];
  }

  directive(section: string, name: string): SystemdDirective | undefined {
    return this.named(name).find((entry) => (entry.sections as readonly string[]).includes(section));
  }

  /** Sections a unit of this type may contain, or undefined for an unknown type. */
  sectionsOf(unitType: string): readonly SystemdSection[] | undefined {
    return this.table.unitTypes[unitType];
  }

  /** Directive names valid in a section, for did-you-mean and completion. */
  namesIn(section: string): readonly string[] {
    return this.bySection.get(section) ?? [];
  }
}

export class NginxIndex {
  private readonly byName: ReadonlyMap<string, readonly NginxDirective[]>;

  constructor(readonly table: NginxKnowledge) {
    this.byName = byName(table.directives);
  }

  get stable(): Version {
    return this.table.stable;
  }

  /** Every module's entry for this name (`listen` exists in http, mail and stream). */
  named(name: string): readonly NginxDirective[] {
    return this.byName.get(name) ?? [];
  }

  private readonly availableByRelease = new Map<Version, Map<string, readonly NginxDirective[]>>();

  /** The entries for a name that exist in a release (cached: rules ask for every directive). */
  availableIn(name: string, release: Version): readonly NginxDirective[] {
    let byName = this.availableByRelease.get(release);
    if (!byName) {
      byName = new Map();
      this.availableByRelease.set(release, byName);
    }
    let entries = byName.get(name);
    if (!entries) {
      entries = this.named(name).filter((entry) => availableIn(entry, release));
      byName.set(name, entries);
    }
    return entries;
  }

  private readonly allowedByRelease = new Map<Version, Map<NginxContext, Map<string, readonly NginxDirective[]>>>();

  /** The entries for a name that exist in a release and may appear in a context (cached like `availableIn`). */
  allowedIn(name: string, release: Version, where: NginxContext): readonly NginxDirective[] {
    let byContext = this.allowedByRelease.get(release);
    if (!byContext) {
      byContext = new Map();
      this.allowedByRelease.set(release, byContext);
    }
    let byName = byContext.get(where);
    if (!byName) {
      byName = new Map();
      byContext.set(where, byName);
    }
    let entries = byName.get(name);
    if (!entries) {
      entries = this.availableIn(name, release).filter((entry) => entry.contexts.includes(where));
      byName.set(name, entries);
    }
    return entries;
  }

  get names(): IterableIterator<string> {
    return this.byName.keys();
  }
}


/** Entries grouped by name, in table order. */
function byName<T extends { readonly name: string }>(entries: readonly T[]): Map<string, T[]> {
  return groupBy(entries, (entry) => entry.name);
}
