import { analyzeAppModule, type AppModuleFacts } from '../formats/python/app-module';
import type { FileAccess } from '../model/file-access';
import { SourceText } from '../text/source-text';
import { baseName, dirName } from './deployed-paths';
import { effectiveUse, type GunicornRun } from './gunicorn-runs';

/** Re-exports followed at most this deep (`wsgi.py` → `app/__init__.py` → `app/factory.py`). */
const MAX_MODULE_DEPTH = 4;

/** One Python module of the app, read from the workspace and analysed (never run). */
export interface AppModuleFile {
  readonly path: string;
  readonly source: SourceText;
  readonly facts: AppModuleFacts;
}

/**
 * The app a run serves: the module named by `module:callable` (or `wsgi_app`), and the
 * modules it re-exports the app from, whose import-time code runs in every worker too.
 */
export interface AppModule {
  /** `wsgi:application`, as written. */
  readonly target: string;
  readonly modules: readonly AppModuleFile[];
}

/** Reads and analyses Python files once per run of the core. */
export class AppModules {
  private readonly analysed = new Map<string, AppModuleFile | undefined>();

  constructor(private readonly files: FileAccess) {}

  /** The app of a gunicorn run, looked up beside the unit and the config file. */
  ofRun(run: GunicornRun): AppModule | undefined {
    const written = run.command?.command.app?.text ?? stringValue(effectiveUse(run, 'wsgi_app')?.value);
    if (!written) return undefined;
    const moduleName = written.split(':')[0]!.trim();
    if (!/^[\w.-]+$/.test(moduleName)) return undefined;
    const folders = [...new Set([run.launcher, run.config].filter((document) => document !== undefined).map((document) => dirName(document.path)))];
    const modules = this.follow(moduleName, folders, 0);
    return modules.length > 0 ? { target: written, modules } : undefined;
  }

  /** A script a unit runs with `python /srv/app/app.py`, looked up by name beside the unit. */
  ofScript(deployedPath: string, launcherPath: string): AppModuleFile | undefined {
    return this.analyse(`${dirName(launcherPath)}/${baseName(deployedPath)}`);
  }

  private follow(moduleName: string, folders: readonly string[], depth: number): AppModuleFile[] {
    const relative = moduleName.replace(/\./g, '/');
    for (const folder of folders) {
      const file = this.analyse(`${folder}/${relative}.py`) ?? this.analyse(`${folder}/${relative}/__init__.py`);
      if (!file) continue;
      if (depth + 1 >= MAX_MODULE_DEPTH) return [file];
      // Importing the module runs the modules it imports the app from.
      const from = file.facts.reexports.flatMap((reexport) => this.follow(reexport.module.replace(/^\.+/, ''), [dirName(file.path)], depth + 1));
      return [file, ...from];
    }
    return [];
  }

  private analyse(path: string): AppModuleFile | undefined {
    if (!this.analysed.has(path)) {
      const read = this.files.read(path);
      this.analysed.set(path, read.ok ? { path, source: new SourceText(read.text), facts: factsOf(read.text) } : undefined);
    }
    return this.analysed.get(path);
  }
}

function stringValue(value: { kind: string; value?: unknown } | undefined): string | undefined {
  return value?.kind === 'string' && typeof value.value === 'string' ? value.value : undefined;
}

/**
 * What a module's text says, kept across runs for the texts seen last: the language server
 * builds a workspace at every keystroke, and parsing the app's modules again each time
 * cost more than checking a small file. The facts are plain data about the text alone.
 */
const factsByText = new Map<string, AppModuleFacts>();
const KEPT_MODULE_TEXTS = 256;

function factsOf(text: string): AppModuleFacts {
  let facts = factsByText.get(text);
  if (!facts) {
    facts = analyzeAppModule(text);
    if (factsByText.size >= KEPT_MODULE_TEXTS) factsByText.delete(factsByText.keys().next().value!);
    factsByText.set(text, facts);
  }
  return facts;
}
