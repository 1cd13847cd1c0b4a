import type { AppModuleFile, AppModules } from '../../engine/app-modules';
import { dirName } from '../../engine/deployed-paths';
import type { Rule, RuleContext } from '../../engine/rule';
import type { Word } from '../../formats/common';
import { dockerfileCommands } from '../../formats/shell/dockerfile';
import { splitShell } from '../../formats/shell/words';
import { splitExecValue } from '../../formats/systemd/exec';
import { memoryPlan, singleWorkerPlan, workerPlan, type WorkerPlan } from '../../host/sizing';
import { describeLayout } from './sized-layout';
import { declareHostFixes, sizedTitle } from '../sized-fixes';

/** `python`, `python3`, `python3.11`, `/opt/app/venv/bin/python`. */
const PYTHON = /(^|\/)python(\d+(\.\d+)?)?$/;

export const devServerInProduction: Rule = {
  id: 'gunicorn/dev-server-in-production',
  severity: 'error',
  summary: "A service runs the app with Flask's or Django's development server instead of gunicorn",

  unit(unit, context) {
    let workingDirectory: string | undefined;
    for (const section of unit.sections) {
      if (section.name !== 'Service') continue;
      for (const entry of section.entries) {
        if (entry.key === 'WorkingDirectory') workingDirectory = entry.value.replace(/^-/, '');
        if (entry.key !== 'ExecStart') continue;
        for (const command of splitExecValue(entry).commands) check(command.argv, workingDirectory, context);
      }
    }
  },

  document(document, context) {
    if (document.unit || document.gunicornConfig || document.kind !== 'gunicorn') return;
    const name = document.path.slice(document.path.lastIndexOf('/') + 1).toLowerCase();
    const text = document.source.text;
    const commands = name === 'procfile' || name.endsWith('.sh') ? splitShell(text).commands.map((command) => [...command.words]) : dockerfileCommands(text);
    for (let words of commands) {
      if (name === 'procfile' && words[0]?.text.endsWith(':')) words = words.slice(1);
      check(words, undefined, context);
    }
  },
};

export interface DevServer {
  /** The words from the interpreter or launcher to the end of the command. */
  readonly words: readonly Word[];
  readonly description: string;
  /** The script, for `python app.py`. */
  readonly script?: AppModuleFile;
  readonly scriptPath?: string;
}

function check(words: readonly Word[], workingDirectory: string | undefined, context: RuleContext): void {
  const server = devServerIn(words, context.workspace.apps, context.document.path);
  if (!server) return;
  const run = server.script?.facts.devServerRuns[0];
  // Work started under `if __name__ == "__main__"` runs with `python app.py` but not under
  // gunicorn, which imports the module: switching would silently drop it.
  const facts = server.script?.facts;
  const mainOnly = facts ? [...facts.udpReceivers, ...facts.backgroundWorkers].some((start) => start.guarded) : false;
  const fix = server.script && server.scriptPath && !mainOnly ? gunicornCommand(server, workingDirectory, context) : undefined;
  const first = server.words[0]!.span.start;
  const last = server.words.at(-1)!.span.end;
  context.report({
    span: { start: first, end: last },
    message: `${server.description} runs the development server: one process, no worker recycling, no graceful restarts, and a warning in its own log not to use it in production${mainOnly ? '. The module starts background work only under `if __name__ == "__main__"`, which gunicorn never runs: move it to import time first' : ''}`,
    ...(run && server.script ? { related: [{ document: server.script, span: run.span, message: `${run.call} starts the development server` }] } : {}),
    fixes: fix ? [{ title: sizedTitle(`Run it with gunicorn, ${describeLayout(fix.plan)}`, fix.plan.arithmetic, context), safe: false, preferred: true, edits: [{ span: { start: first, end: last }, newText: fix.command }] }, ...declareHostFixes(context)] : [],
  });
}

/** `python app.py` whose module starts a development server, `flask run`, `manage.py runserver`; the script is looked up beside the launcher. */
export function devServerIn(words: readonly Word[], apps: AppModules, launcherPath: string): DevServer | undefined {
  const start = words.findIndex((word) => PYTHON.test(word.text) || word.text.endsWith('/flask') || word.text === 'flask');
  if (start < 0) return undefined;
  const rest = words.slice(start);
  const texts = rest.map((word) => word.text);
  if (texts[0] === 'flask' || texts[0]!.endsWith('/flask') || (texts[1] === '-m' && texts[2] === 'flask')) {
    return texts.includes('run') ? { words: rest, description: '`flask run`' } : undefined;
  }
  const scriptIndex = texts.findIndex((text, index) => index > 0 && !text.startsWith('-'));
  const scriptPath = texts[scriptIndex];
  if (!scriptPath?.endsWith('.py')) return undefined;
  if (scriptPath.endsWith('manage.py')) return texts[scriptIndex + 1] === 'runserver' ? { words: rest, description: '`manage.py runserver`' } : undefined;
  const script = apps.ofScript(scriptPath, launcherPath);
  if (!script || script.facts.devServerRuns.length === 0) return undefined;
  return { words: rest, description: `python ${scriptPath.slice(scriptPath.lastIndexOf('/') + 1)}`, script, scriptPath };
}

/**
 * The gunicorn line that serves the same app on the same address, sized to the host: one
 * worker when the module starts something that must run once.
 */
function gunicornCommand(server: DevServer, workingDirectory: string | undefined, context: RuleContext): { command: string; plan: WorkerPlan } | undefined {
  const facts = server.script!.facts;
  const callable = ['app', 'application'].find((name) => facts.callables.has(name)) ?? [...facts.callables.keys()][0];
  if (!callable) return undefined;
  const scriptPath = server.scriptPath!;
  const module = scriptPath.slice(scriptPath.lastIndexOf('/') + 1, -'.py'.length);
  const mustRunOnce = facts.udpReceivers.length > 0 || facts.backgroundWorkers.length > 0 || (facts.socketio !== undefined && !facts.socketio.messageQueue);
  const host = context.host;
  const plan = mustRunOnce ? singleWorkerPlan(host.cpus) : workerPlan(host, memoryPlan(host.memoryMiB).memoryHigh.value);
  const run = facts.devServerRuns[0];
  const address = `${run?.host ?? '127.0.0.1'}:${run?.port ?? (run?.framework === 'django' ? 8000 : 5000)}`;
  const scriptFolder = scriptPath.includes('/') ? dirName(scriptPath) : undefined;
  const python = server.words[0]!.text;
  const parts = [PYTHON.test(python) ? `${python} -m gunicorn` : 'gunicorn', `--workers ${plan.workers}`];
  if (plan.workerClass === 'gthread') parts.push(`--threads ${plan.threads}`, '--worker-class gthread');
  parts.push(`--bind ${address}`);
  if (scriptFolder && scriptFolder !== workingDirectory) parts.push(`--chdir ${scriptFolder}`);
  parts.push(`${module}:${callable}`);
  return { command: parts.join(' '), plan };
}
