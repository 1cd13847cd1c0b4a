import { commandSettingUses, configSettingUses, type SettingUse } from '../formats/gunicorn/setting-uses';
import type { UnitFile } from '../formats/systemd/model';
import type { GunicornIndex } from '../knowledge/knowledge';
import type { Span } from '../text/source-text';
import { baseName, DeployedFiles, dirName, joinDeployed, type PathMatch } from './deployed-paths';
import type { GunicornCommandSite, ParsedDocument } from './document';
import { groupBy } from '../model/groups';

/**
 * Where a setting's value comes from, lowest precedence first: gunicorn reads its config
 * file, then GUNICORN_CMD_ARGS, then its own command line, each overriding the one before.
 */
export type SettingLayer = 'config' | 'environment' | 'command';
const LAYER_ORDER: readonly SettingLayer[] = ['config', 'environment', 'command'];

/** A setting use and the document it is written in. */
export interface PlacedUse extends SettingUse {
  readonly document: ParsedDocument;
  readonly layer: SettingLayer;
}

/** How a run's config file was found, or why none was. */
export interface ConfigLink {
  /** `-c gunicorn.conf.py` as written; absent when gunicorn falls back to ./gunicorn.conf.py. */
  readonly written?: { readonly text: string; readonly span: Span };
  /** Where the file will be on the server. */
  readonly deployedPath: string;
  /** The workspace file it was matched to. */
  readonly match?: PathMatch;
}

/**
 * One way gunicorn is started: a command line (in a unit, Procfile, Dockerfile or script)
 * with the GUNICORN_CMD_ARGS beside it and the config file it reads; or a config file that
 * nothing in the workspace runs, checked on its own. Rules judge a run's effective
 * settings, so a value set in one place and overridden in another is judged once, by the
 * place that decides it.
 */
export interface GunicornRun {
  /** The document with the command line; absent for a config file checked on its own. */
  readonly launcher?: ParsedDocument;
  readonly command?: GunicornCommandSite;
  readonly config?: ParsedDocument;
  readonly configLink?: ConfigLink;
  /** Every setting use, lowest precedence first. */
  readonly uses: readonly PlacedUse[];
  /** The directory gunicorn starts in, as deployed (`WorkingDirectory=`), when known. */
  readonly workingDirectory?: string;
  /** A systemd service starts it. */
  readonly underSystemd: boolean;
}

/** The use that decides a setting: the last one in the highest layer. */
export function effectiveUse(run: GunicornRun, name: string): PlacedUse | undefined {
  // Rules ask a run for its settings many times: the deciding uses are found in one pass.
  let deciding = decidingUses.get(run);
  if (!deciding) {
    deciding = new Map();
    for (const use of run.uses) deciding.set(use.setting.name, use);
    decidingUses.set(run, deciding);
  }
  return deciding.get(name);
}

const decidingUses = new WeakMap<GunicornRun, Map<string, PlacedUse>>();

/** The documents a run reads: its launcher and its config file. */
export function documentsOf(run: GunicornRun): ParsedDocument[] {
  return [run.launcher, run.config].filter((document): document is ParsedDocument => document !== undefined);
}

export interface RunSources {
  readonly documents: readonly ParsedDocument[];
  readonly gunicorn: GunicornIndex;
  /** A config file that is not among the documents, read and parsed on demand (beside the launcher). */
  readonly readConfig: (path: string) => ParsedDocument | undefined;
  /** The machine a file is deployed to (Workspace.machineOf): a command line reads config files of its own machine only. */
  readonly machineOf: (path: string) => string;
}

/** Every run of the workspace: one per gunicorn command line, one per config file nothing runs. */
export function findGunicornRuns(sources: RunSources): GunicornRun[] {
  const runs: GunicornRun[] = [];
  const configs = sources.documents.filter((document) => document.gunicornConfig !== undefined);
  const configsByPath = new Map(configs.map((document) => [document.path, document]));
  const configFiles = configsByMachine(configs, sources.machineOf);
  const runConfigs = new Set<string>();
  for (const launcher of sources.documents) {
    if (launcher.gunicornCommands.length === 0) continue;
    const workingDirectory = launcher.unit ? unitWorkingDirectory(launcher.unit) : dirName(launcher.path);
    let environment: GunicornCommandSite[] = [];
    const unitEnvironment = launcher.unit ? launcher.gunicornCommands.filter((site) => !site.command.program) : [];
    for (const site of launcher.gunicornCommands) {
      if (!site.command.program) {
        // In a script, GUNICORN_CMD_ARGS=… applies to the command it precedes; in a unit,
        // Environment= applies to every ExecStart=.
        if (!launcher.unit) environment.push(site);
        continue;
      }
      const link = configLinkOf(site, workingDirectory, configFiles.get(sources.machineOf(launcher.path)) ?? NO_FILES, launcher.path, sources);
      const config = link?.match ? (configsByPath.get(link.match.path) ?? sources.readConfig(link.match.path)) : undefined;
      if (config) runConfigs.add(config.path);
      const uses: PlacedUse[] = [
        ...(config?.gunicornConfig ? configSettingUses(config.gunicornConfig, sources.gunicorn).map((use) => placed(use, config, 'config')) : []),
        ...[...unitEnvironment, ...environment].flatMap((cmdArgs) => commandSettingUses(cmdArgs.command, sources.gunicorn).map((use) => placed(use, launcher, 'environment'))),
        ...commandSettingUses(site.command, sources.gunicorn).map((use) => placed(use, launcher, 'command')),
      ];
      runs.push({
        launcher,
        command: site,
        ...(config ? { config } : {}),
        ...(link ? { configLink: link } : {}),
        uses: sortByLayer(uses),
        ...(workingDirectory !== undefined ? { workingDirectory } : {}),
        underSystemd: launcher.kind === 'systemd',
      });
      environment = [];
    }
  }
  for (const config of configs) {
    if (runConfigs.has(config.path)) continue;
    runs.push({ config, uses: configSettingUses(config.gunicornConfig!, sources.gunicorn).map((use) => placed(use, config, 'config')), underSystemd: false });
  }
  return runs;
}

const NO_FILES = new DeployedFiles([]);

/** The config files of each machine, to match the paths command lines name against. */
function configsByMachine(configs: readonly ParsedDocument[], machineOf: (path: string) => string): Map<string, DeployedFiles> {
  const paths = groupBy(configs.map((config) => config.path), machineOf);
  return new Map([...paths].map(([machine, list]) => [machine, new DeployedFiles(list)]));
}

/**
 * The config file a command line reads: `-c PATH` relative to the directory gunicorn
 * starts in, or, without `-c`, `./gunicorn.conf.py` there if it exists (gunicorn 20+).
 * A `python:module` config names a module, not a file: not followed.
 */
function configLinkOf(site: GunicornCommandSite, workingDirectory: string | undefined, candidates: DeployedFiles, launcherPath: string, sources: RunSources): ConfigLink | undefined {
  const option = [...site.command.options].reverse().find((candidate) => candidate.spec.setting === 'config');
  if (option?.value !== undefined && option.value.startsWith('python:')) return undefined;
  const written = option?.value !== undefined && option.valueSpan ? { text: option.value, span: option.valueSpan } : undefined;
  const deployedPath = joinDeployed(workingDirectory, written?.text ?? 'gunicorn.conf.py');
  const near = dirName(launcherPath);
  let match = candidates.match(deployedPath, near);
  if (!match) {
    // Not among the checked files: the file of that name beside the launcher, if it is there.
    const beside = `${near}/${baseName(deployedPath)}`;
    if (sources.readConfig(beside)) match = { path: beside, how: 'same name' };
  }
  if (!written && !match) return undefined;
  return { ...(written ? { written } : {}), deployedPath, ...(match ? { match } : {}) };
}

function unitWorkingDirectory(unit: UnitFile): string | undefined {
  let directory: string | undefined;
  for (const section of unit.sections) {
    if (section.name !== 'Service') continue;
    for (const entry of section.entries) {
      // "-" only makes a missing directory harmless.
      if (entry.key === 'WorkingDirectory') directory = entry.value.replace(/^-/, '') || undefined;
    }
  }
  return directory?.startsWith('/') ? directory : undefined;
}

function placed(use: SettingUse, document: ParsedDocument, layer: SettingLayer): PlacedUse {
  return { ...use, document, layer };
}

function sortByLayer(uses: PlacedUse[]): PlacedUse[] {
  // A stable sort keeps source order within each layer.
  return uses.sort((a, b) => LAYER_ORDER.indexOf(a.layer) - LAYER_ORDER.indexOf(b.layer));
}
