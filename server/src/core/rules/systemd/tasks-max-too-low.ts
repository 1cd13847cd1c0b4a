import type { Effective } from '../gunicorn/run-settings';
import { effectiveNumber, effectiveWorkerClass, whereUse } from '../gunicorn/run-settings';
import type { GunicornRun } from '../../engine/gunicorn-runs';
import type { RelatedDraft, Rule, RuleContext } from '../../engine/rule';
import { tasksMax, type Sized } from '../../host/sizing';
import { setDirectives } from './edits';
import { runsOfService } from './service-runs';

/** The tasks (processes and threads) one gunicorn run needs, from the workers and threads it ends up with. */
export interface GunicornTasks {
  readonly workers: Effective<number>;
  /** Threads per worker that gunicorn starts: `threads` under gthread, 1 for every other class (it ignores the setting). */
  readonly threads: Effective<number>;
  /**
   * `2 × (1 + workers × (threads + 3))`: the master, each worker with its threads and a
   * few of its own, twice over because a reload (SIGHUP, or the USR2 binary upgrade)
   * starts the new workers before the old ones have exited.
   */
  readonly needed: Sized;
  /** What a fix writes: the sizing model's `TasksMax`, at least 100. */
  readonly sized: Sized;
}

/** The tasks a run needs, or undefined when its workers or threads cannot be known without running the app. */
export function gunicornTasks(run: GunicornRun, context: RuleContext): GunicornTasks | undefined {
  const workers = effectiveNumber(run, 'workers', context);
  if (!workers || !Number.isFinite(workers.value) || workers.value < 1) return undefined;
  // A config file the unit names (-c) but the workspace does not hold may set it: unknown, not the default.
  if (!workers.use && run.configLink && !run.config) return undefined;
  const threaded = effectiveWorkerClass(run, context)?.running?.name === 'gthread';
  const written = threaded ? effectiveNumber(run, 'threads', context) : { value: 1 };
  if (!written || !Number.isFinite(written.value)) return undefined;
  // gunicorn runs at least one thread per worker whatever `threads` says (gthread clamps 0 to 1).
  const threads: Effective<number> = { ...written, value: Math.max(1, Math.floor(written.value)) };
  const count = Math.floor(workers.value);
  const needed = 2 * (1 + count * (threads.value + 3));
  return {
    workers: { ...workers, value: count },
    threads,
    needed: { value: needed, arithmetic: `2 × (1 + ${count} worker${count === 1 ? '' : 's'} × (${threads.value} thread${threads.value === 1 ? '' : 's'} + 3)) = ${needed}` },
    sized: tasksMax(count, threads.value),
  };
}

/**
 * `TasksMax=` below what the gunicorn the service starts needs. systemd counts every
 * process and thread of the service against it (the cgroup's pids.max); past it, fork()
 * and pthread_create() fail with EAGAIN, so the master cannot replace a worker and a
 * gthread worker cannot start the threads it was given.
 *
 * The threshold is the sizing model's need, `2 × (1 + workers × (threads + 3))`, without
 * the floor of 100 the model puts on a proposed value: a unit that allows 50 tasks to a
 * single sync worker is not wrong. Percentages (of the kernel's limit, which depends on
 * the machine) and `infinity` are not judged.
 */
export const tasksMaxTooLow: Rule = {
  id: 'systemd/tasks-max-too-low',
  severity: 'warning',
  summary: "TasksMax= below the processes and threads of the gunicorn workers the unit starts",

  service(service, context) {
    const limit = service.value('Service', 'TasksMax');
    if (!limit || !/^\d+$/.test(limit.entry.value)) return;
    const allowed = Number(limit.entry.value);
    // The run that needs the most, should the unit start more than one.
    let worst: GunicornTasks | undefined;
    for (const run of runsOfService(service, context)) {
      const tasks = gunicornTasks(run, context);
      if (tasks && (!worst || tasks.needed.value > worst.needed.value)) worst = tasks;
    }
    if (!worst || allowed >= worst.needed.value) return;

    // The settings written in another file than TasksMax=: named in the message and pointed at.
    const related: RelatedDraft[] = [];
    const elsewhere: string[] = [];
    for (const [name, setting] of [['workers', worst.workers], ['threads', worst.threads]] as const) {
      if (!setting.use || setting.use.document === limit.document) continue;
      elsewhere.push(`${name} = ${setting.value} (${whereUse(setting.use)})`);
      related.push({ document: setting.use.document, span: setting.use.span, message: `${name} = ${setting.value}: TasksMax= must allow for it` });
    }
    context.report({
      document: limit.document,
      span: limit.entry.span,
      message:
        `TasksMax=${allowed} is below the ${worst.needed.value} tasks this gunicorn needs: ${worst.needed.arithmetic} ` +
        "(the master, each worker's threads plus 3, doubled because a reload starts the new workers before the old ones exit)" +
        `${elsewhere.length > 0 ? `, with ${elsewhere.join(' and ')}` : ''}; past the limit the master cannot fork workers and workers cannot start threads`,
      related,
      fixes: [
        {
          title: `Set TasksMax=${worst.sized.value} (TasksMax = ${worst.sized.arithmetic})`,
          // Only raises a ceiling to what the configured workers already use.
          safe: true,
          preferred: true,
          edits: setDirectives(service, 'Service', [['TasksMax', String(worst.sized.value)]]),
        },
      ],
    });
  },
};
