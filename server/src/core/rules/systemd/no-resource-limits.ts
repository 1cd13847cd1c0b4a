import type { MergedUnit } from '../../engine/merged-unit';
import type { Rule, RuleContext } from '../../engine/rule';
import { parseMemoryLimit } from '../../formats/systemd/values';
import { LIMIT_NOFILE, memoryPlan, mib, tasksMax, workerPlan, type Sized } from '../../host/sizing';
import { declareHostFixes, sizedFixIsSafe, sizedTitle } from '../sized-fixes';
import { setDirectives } from './edits';
import { runsOfService, webServerStart } from './service-runs';
import { gunicornTasks } from './tasks-max-too-low';

/**
 * What each missing limit leaves to chance. systemd's defaults, from v252's
 * src/core/system.conf.in: no memory limit, DefaultTasksMax=15% (of the kernel's limit on
 * tasks, hundreds of thousands on a 64-bit machine), DefaultLimitNOFILE=1024:524288 (the
 * soft limit, the one that applies, is 1024).
 */
const CONSEQUENCES: Readonly<Record<string, string>> = {
  MemoryMax: "a leak grows until the machine runs out and the kernel's OOM killer picks a victim anywhere on it",
  TasksMax: "only systemd's default (15% of the kernel's task limit) caps its threads and processes",
  LimitNOFILE: 'it keeps the soft limit of 1024 open files, which a busy server runs out of ("Too many open files")',
};

/**
 * A web service with no ceiling on memory, tasks or open files. The finding underlines
 * the `ExecStart=` key of the command that starts the web server, in the file that sets it:
 * the limits are missing from the whole unit, and that line is why they matter.
 */
export const noResourceLimits: Rule = {
  id: 'systemd/no-resource-limits',
  severity: 'warning',
  summary: 'A web service without MemoryMax=, TasksMax= or LimitNOFILE=',

  service(service, context) {
    const start = webServerStart(service, context);
    if (!start) return;
    const memoryMax = service.value('Service', 'MemoryMax') ?? service.value('Service', 'MemoryLimit');
    const missing = ['MemoryMax', 'TasksMax', 'LimitNOFILE'].filter((key) => (key === 'MemoryMax' ? !memoryMax : !service.value('Service', key)));
    if (missing.length === 0) return;

    const host = context.host;
    const memory = memoryPlan(host.memoryMiB);
    const values: [string, string][] = [];
    const arithmetic: string[] = [];
    if (missing.includes('MemoryMax')) {
      values.push(['MemoryMax', mib(memory.memoryMax.value)]);
      arithmetic.push(`MemoryMax = ${memory.memoryMax.arithmetic}`);
      // A MemoryHigh= of the unit is kept when it is below the new MemoryMax=, else it gets the model's value.
      const high = service.value('Service', 'MemoryHigh');
      if (!high || !belowMiB(high.entry.value, memory.memoryMax.value, host.memoryMiB)) {
        values.push(['MemoryHigh', mib(memory.memoryHigh.value)]);
        arithmetic.push(`MemoryHigh = ${memory.memoryHigh.arithmetic}`);
      }
    }
    if (missing.includes('TasksMax')) {
      const tasks = neededTasks(service, context, memory.memoryHigh.value);
      values.push(['TasksMax', String(tasks.value)]);
      arithmetic.push(`TasksMax = ${tasks.arithmetic}`);
    }
    if (missing.includes('LimitNOFILE')) values.push(['LimitNOFILE', String(LIMIT_NOFILE)]);

    const named = missing.map((key) => `${key}=`).join(', ').replace(/, ([^,]*)$/, ' or $1');
    context.report({
      document: start.document,
      span: start.entry.keySpan,
      // Memory is what takes the machine down with it; the other two are a warning's worth only with it.
      severity: missing.includes('MemoryMax') ? 'warning' : 'info',
      message: `${service.name} runs a web server with no ${named}: ${missing.map((key) => CONSEQUENCES[key]).join('; ')}`,
      fixes: [
        {
          title: sizedTitle(`Add ${values.map(([key, value]) => `${key}=${value}`).join(', ')}`, arithmetic.join('; ') || `LimitNOFILE=${LIMIT_NOFILE}`, context),
          safe: sizedFixIsSafe(context),
          preferred: true,
          edits: setDirectives(service, 'Service', values),
        },
        ...declareHostFixes(context),
      ],
    });
  },
};

/**
 * TasksMax for the layout that runs: the most any gunicorn run of the unit needs, with
 * its own workers and threads; for a web server that is not gunicorn, the layout the
 * model proposes for the machine.
 */
function neededTasks(service: MergedUnit, context: RuleContext, budgetMiB: number): Sized {
  let sized: Sized | undefined;
  for (const run of runsOfService(service, context)) {
    const tasks = gunicornTasks(run, context);
    if (tasks && (!sized || tasks.sized.value > sized.value)) sized = tasks.sized;
  }
  if (sized) return sized;
  const planned = workerPlan(context.host, budgetMiB);
  return tasksMax(planned.workers, planned.threads);
}

/** Whether a memory limit as written is below a size in MiB (a percentage is of the machine's memory). */
function belowMiB(value: string, limitMiB: number, machineMiB: number): boolean {
  const limit = parseMemoryLimit(value);
  if (limit === undefined || limit === 'infinity') return false;
  const written = 'bytes' in limit ? limit.bytes / (1024 * 1024) : (limit.percent / 100) * machineMiB;
  return written < limitMiB;
}
