import type { Knowledge } from '../knowledge/knowledge';
import type { FileAccess } from '../model/file-access';
import { AppModules } from './app-modules';
import { parseDocument, type ParsedDocument } from './document';
import { documentsOf, findGunicornRuns, type GunicornRun } from './gunicorn-runs';
import { nearestHostFile } from './host-layers';
import { dirName } from './deployed-paths';
import { parseHostIni } from '../host/ini-file';
import type { HostSpec } from '../host/host-spec';
import { mergeUnits, type MergedUnit } from './merged-unit';
import { NginxView } from './nginx-view';
import { addTo } from '../model/groups';

/**
 * The documents of one run (a CLI invocation, or the language server's open and
 * indexed files) and the access to everything else. Rules that look beyond their own
 * document go through here.
 */
export class Workspace {
  private readonly byPath: ReadonlyMap<string, ParsedDocument>;
  /** Include graphs and placement of the nginx files. */
  readonly nginx: NginxView;
  /** The Python modules of the apps the runs serve. */
  readonly apps: AppModules;

  private runs: GunicornRun[] | undefined;
  private merged: MergedUnit[] | undefined;
  private runsByDocument: Map<ParsedDocument, GunicornRun[]> | undefined;
  private runOrder: Map<GunicornRun, number> | undefined;
  private unitsByFile: Map<ParsedDocument, MergedUnit[]> | undefined;
  /** The machine of each folder asked about: see machineOf. */
  private readonly machines = new Map<string, string>();
  /** Config files read because a command line names them, though nobody opened them. */
  private readonly unopenedConfigs = new Map<string, ParsedDocument | undefined>();

  constructor(
    documents: readonly ParsedDocument[],
    readonly files: FileAccess,
    private readonly knowledge: Knowledge,
  ) {
    this.byPath = new Map(documents.map((document) => [document.path, document]));
    this.nginx = new NginxView(documents, files, (name) => knowledge.nginx.named(name).flatMap((entry) => entry.contexts));
    this.apps = new AppModules(files);
  }

  /** Every way gunicorn is started in the workspace, with the settings each one ends up with. */
  get gunicornRuns(): readonly GunicornRun[] {
    this.runs ??= findGunicornRuns({
      documents: [...this.byPath.values()],
      gunicorn: this.knowledge.gunicorn,
      readConfig: (path) => this.unopenedConfig(path),
      machineOf: (path) => this.machineOf(path),
    });
    return this.runs;
  }

  /** The runs a document takes part in, as the launcher or as the config file. */
  runsOf(document: ParsedDocument): readonly GunicornRun[] {
    // Indexed once per run: filtering every run for each document was quadratic in big workspaces.
    this.runsByDocument ??= byDocuments(this.gunicornRuns, documentsOf);
    return this.runsByDocument.get(document) ?? [];
  }

  /** The runs whose command line is in one of these documents (a unit and its drop-ins), in the order of gunicornRuns. */
  runsLaunchedIn(documents: readonly ParsedDocument[]): GunicornRun[] {
    const runs = new Set(documents.flatMap((document) => this.runsOf(document).filter((run) => run.launcher === document)));
    this.runOrder ??= new Map(this.gunicornRuns.map((run, index) => [run, index]));
    return [...runs].sort((a, b) => this.runOrder!.get(a)! - this.runOrder!.get(b)!);
  }

  /** The systemd units of the workspace, each unit file merged with its drop-ins. */
  get units(): readonly MergedUnit[] {
    this.merged ??= mergeUnits([...this.byPath.values()]);
    return this.merged;
  }

  /** The merged units a unit file or drop-in is part of (a type-wide drop-in is part of several). */
  unitsOf(document: ParsedDocument): readonly MergedUnit[] {
    this.unitsByFile ??= byDocuments(this.units, (unit) => unit.files);
    return this.unitsByFile.get(document) ?? [];
  }

  /**
   * Which machine a file is deployed to, as far as the workspace tells machines apart: the
   * nearest .deploylint.ini above it that declares a machine ([host] or [versions]; one
   * that only sets [rules] or [app] does not), so files under two such host files are on
   * two machines ('' for files under none). The stack rules only join files of one
   * machine: nginx on one host does not reach another host's loopback.
   */
  machineOf(path: string): string {
    const folder = dirName(path);
    let machine = this.machines.get(folder);
    if (machine === undefined) {
      const file = nearestHostFile(path, this);
      if (!file) machine = '';
      else if (declaresMachine(parseHostIni(file.text).spec)) machine = file.path;
      else machine = dirName(file.path) === '/' ? '' : this.machineOf(dirName(file.path));
      this.machines.set(folder, machine);
    }
    return machine;
  }

  get documents(): IterableIterator<ParsedDocument> {
    return this.byPath.values();
  }

  document(path: string): ParsedDocument | undefined {
    return this.byPath.get(path);
  }

  private unopenedConfig(path: string): ParsedDocument | undefined {
    const known = this.byPath.get(path);
    if (known) return known.gunicornConfig ? known : undefined;
    if (!this.unopenedConfigs.has(path)) {
      const read = path.endsWith('.py') ? this.files.read(path) : undefined;
      this.unopenedConfigs.set(path, read?.ok ? parseDocument({ path, text: read.text, kind: 'gunicorn' }, this.knowledge) : undefined);
    }
    return this.unopenedConfigs.get(path);
  }
}

/** Items by each of the documents they involve, in their order. */
function byDocuments<T>(items: readonly T[], documentsOfItem: (item: T) => readonly ParsedDocument[]): Map<ParsedDocument, T[]> {
  const grouped = new Map<ParsedDocument, T[]>();
  for (const item of items) for (const document of new Set(documentsOfItem(item))) addTo(grouped, document, item);
  return grouped;
}

function declaresMachine(spec: HostSpec): boolean {
  return spec.cpus !== undefined || spec.memoryMiB !== undefined || spec.distro !== undefined || spec.container !== undefined || Object.keys(spec.versions).length > 0;
}
