import { effectiveUse, type GunicornRun, type PlacedUse } from '../../engine/gunicorn-runs';
import type { RuleContext } from '../../engine/rule';
import { asNumber, evaluate, type PyValue } from '../../formats/gunicorn/value';
import type { GunicornWorkerClass } from '../../knowledge/types';

/**
 * What the gunicorn rules ask of a run: a setting's value as gunicorn will see it, and
 * which place decides it. Values are evaluated on the declared host (`cpu_count()` is its
 * CPUs, unless it is a container, where cpu_count() sees the machine's).
 */
export interface Effective<T> {
  readonly value: T;
  /** The place that decides it; absent when it is gunicorn's default. */
  readonly use?: PlacedUse;
}

export function evaluateOnHost(value: PyValue, context: RuleContext): PyValue {
  return evaluate(value, context.host.container ? {} : { cpus: context.host.cpus });
}

/** A numeric setting, or undefined when its value cannot be known without running the app. */
export function effectiveNumber(run: GunicornRun, name: string, context: RuleContext): Effective<number> | undefined {
  const use = effectiveUse(run, name);
  if (!use) {
    const fallback = context.knowledge.gunicorn.setting(name)?.default;
    return typeof fallback === 'number' ? { value: fallback } : undefined;
  }
  const value = asNumber(evaluateOnHost(use.value, context));
  return value === undefined ? undefined : { value, use };
}

/** A boolean setting; strings "true"/"false" count as gunicorn's validator reads them. */
export function effectiveBoolean(run: GunicornRun, name: string, context: RuleContext): Effective<boolean> | undefined {
  const use = effectiveUse(run, name);
  if (!use) return { value: context.knowledge.gunicorn.setting(name)?.default === true };
  const value = evaluateOnHost(use.value, context);
  if (value.kind === 'bool') return { value: value.value, use };
  if (value.kind === 'string' && /^(true|false)$/i.test(value.value.trim())) return { value: value.value.trim().toLowerCase() === 'true', use };
  return undefined;
}

/** The worker class a run asks for, and the one gunicorn actually runs. */
export interface WorkerClassChoice {
  /** As written (or the default): `sync`, `gthread`, `uvicorn.workers.UvicornWorker`. */
  readonly written: string;
  readonly use?: PlacedUse;
  /** The known class it names, if gunicorn ships it. */
  readonly known?: GunicornWorkerClass;
  /** gunicorn replaces sync by gthread when threads > 1 (gunicorn/app/base.py). */
  readonly promotedToGthread: boolean;
  /** The class that runs. */
  readonly running?: GunicornWorkerClass;
}

export function effectiveWorkerClass(run: GunicornRun, context: RuleContext): WorkerClassChoice | undefined {
  const use = effectiveUse(run, 'worker_class');
  const gunicorn = context.knowledge.gunicorn;
  let written = 'sync';
  if (use) {
    const value = evaluateOnHost(use.value, context);
    if (value.kind !== 'string') return undefined;
    written = value.value.trim();
  }
  const known = workerClassNamed(written, context);
  const threads = effectiveNumber(run, 'threads', context)?.value ?? 1;
  const promotedToGthread = known?.name === 'sync' && threads > 1;
  const running = promotedToGthread ? gunicorn.workerClass('gthread') : known;
  return { written, ...(use ? { use } : {}), ...(known ? { known } : {}), promotedToGthread, ...(running ? { running } : {}) };
}

/** `sync`, `gthread`, or a dotted path such as `gunicorn.workers.sync.SyncWorker` or `egg:gunicorn#sync`. */
export function workerClassNamed(written: string, context: RuleContext): GunicornWorkerClass | undefined {
  const gunicorn = context.knowledge.gunicorn;
  const short = written.replace(/^egg:gunicorn#/, '');
  return gunicorn.workerClass(short) ?? gunicorn.table.workerClasses.find((candidate) => candidate.path === short);
}

/** "line 12 of gunicorn.conf.py" / "the command line", for messages that name the other place. */
export function whereUse(use: PlacedUse): string {
  const line = use.document.source.positionAt(use.span.start).line + 1;
  const name = use.document.path.slice(use.document.path.lastIndexOf('/') + 1);
  return use.layer === 'config' ? `${name}:${line}` : use.layer === 'environment' ? `GUNICORN_CMD_ARGS in ${name}:${line}` : `the command line in ${name}:${line}`;
}
