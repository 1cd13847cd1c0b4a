import { baseName } from '../../engine/deployed-paths';
import { documentsOf, type GunicornRun, type PlacedUse } from '../../engine/gunicorn-runs';
import type { EditDraft, RelatedDraft, RuleContext } from '../../engine/rule';
import { unitFileRole } from '../../formats/systemd/unit-name';
import { evaluateOnHost } from './run-settings';
import { removeUse } from './setting-edits';

/**
 * What the run rules for daemon, reload and the like need to know about who starts
 * gunicorn: whether it is a long-lived service (a systemd unit, a Procfile process, a
 * container's command) and, for a unit, how systemd supervises it.
 */
export interface ServiceLauncher {
  readonly kind: 'systemd' | 'procfile' | 'container';
  /** For messages: `app.service` (a drop-in's unit), `the Procfile`, `Dockerfile`. */
  readonly name: string;
}

/** The service that starts the run; undefined for a config file on its own or a shell script. */
export function serviceLauncher(run: GunicornRun): ServiceLauncher | undefined {
  const launcher = run.launcher;
  if (!launcher || !run.command) return undefined;
  const file = baseName(launcher.path);
  if (run.underSystemd) {
    const role = unitFileRole(launcher.path);
    return { kind: 'systemd', name: role && role.role !== 'type-drop-in' ? role.unit.name : file };
  }
  if (file === 'Procfile') return { kind: 'procfile', name: 'the Procfile' };
  if (/dockerfile|containerfile/i.test(file)) return { kind: 'container', name: file };
  return undefined;
}

/**
 * The value systemd ends up with for a `[Service]` directive of the unit that runs the
 * launcher, its drop-ins in the workspace merged in; undefined when unset or reset.
 */
export function serviceDirective(run: GunicornRun, key: string, context: RuleContext): string | undefined {
  const launcher = run.launcher;
  if (!launcher?.unit) return undefined;
  const service = context.workspace.unitsOf(launcher).find((unit) => unit.main === launcher) ?? context.workspace.unitsOf(launcher)[0];
  return service?.value('Service', key)?.entry.value;
}

/** A boolean setting's value at one use, as gunicorn's validate_bool reads it; undefined when not known. */
export function booleanAt(use: PlacedUse, context: RuleContext): boolean | undefined {
  const value = evaluateOnHost(use.value, context);
  if (value.kind === 'bool') return value.value;
  if (value.kind === 'string' && /^(true|false)$/i.test(value.value.trim())) return value.value.trim().toLowerCase() === 'true';
  return undefined;
}

/**
 * Edits that leave a switch off for the run: from the highest precedence down, each flag
 * that turns it on is removed until a lower place says false; an assignment in the config
 * file is set to False, which settles the file. Undefined when a value on the way cannot
 * be known or an assignment cannot be edited on its own (`a = b = True`).
 */
export function switchOff(run: GunicornRun, name: string, context: RuleContext): EditDraft[] | undefined {
  const edits: EditDraft[] = [];
  const uses = run.uses.filter((use) => use.setting.name === name);
  for (let index = uses.length - 1; index >= 0; index--) {
    const use = uses[index]!;
    const on = booleanAt(use, context);
    if (on === undefined) return undefined;
    if (!on) break;
    if (use.layer !== 'config') {
      edits.push(removeUse(use));
      continue;
    }
    if (use.binding?.sharedStatement || use.binding?.augmented) return undefined;
    edits.push({ document: use.document, span: use.valueSpan, newText: 'False' });
    break;
  }
  return edits.length > 0 ? edits : undefined;
}

/** How a use is written, for messages: `daemon = True`, `--reload`, `-D in GUNICORN_CMD_ARGS`. */
export function writtenUse(use: PlacedUse): string {
  const source = use.document.source.text;
  if (use.layer === 'config') return `${use.setting.name} = ${source.slice(use.valueSpan.start, use.valueSpan.end)}`;
  const flag = use.option ? source.slice(use.span.start, use.span.end) : use.setting.name;
  return use.layer === 'environment' ? `${flag} in GUNICORN_CMD_ARGS` : flag;
}

/** A pointer to the command line that starts the run, for findings placed in its config file. */
export function launcherRelated(run: GunicornRun, finding: PlacedUse, message: string): RelatedDraft[] {
  if (!run.launcher || !run.command || finding.document === run.launcher) return [];
  return [{ document: run.launcher, span: run.command.command.span, message }];
}

/**
 * Whether the edits change nothing another run reads: an edit inside this run's own
 * command line, or in a document no other run uses.
 */
export function editsStayInRun(run: GunicornRun, edits: readonly EditDraft[], context: RuleContext): boolean {
  const own = run.command?.command.span;
  return edits.every((edit) => {
    const document = edit.document ?? context.document;
    if (own && document === run.launcher && edit.span.start >= own.start && edit.span.end <= own.end) return true;
    return context.workspace.gunicornRuns.every((other) => other === run || !documentsOf(other).some((read) => read === document));
  });
}
