import type { Rule } from '../../engine/rule';
import { LIMIT_NOFILE, memoryPlan, mib, tasksMax, workerPlan } from '../../host/sizing';
import { effectiveNumber } from '../gunicorn/run-settings';
import { declareHostFixes, sizedFixIsSafe, sizedTitle } from '../sized-fixes';
import { setDirectives } from './edits';
import { runsOfService, webServerStart } from './service-runs';

/**
 * A web service with no ceiling on memory, tasks or open files. The kernel then settles a
 * leak or a flood of requests by OOM-killing whatever it picks on the machine (sshd and
 * the database included), and `LimitNOFILE=` stays at the soft default of 1024.
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
    // Tasks for the layout that runs: the run's own workers and threads, else what the model proposes.
    const run = runsOfService(service, context)[0];
    const planned = workerPlan(host, memory.memoryHigh.value);
    const workers = (run && effectiveNumber(run, 'workers', context)?.value) ?? planned.workers;
    const threads = (run && effectiveNumber(run, 'threads', context)?.value) ?? planned.threads;
    const tasks = tasksMax(workers, threads);

    const values: [string, string][] = [];
    const arithmetic: string[] = [];
    if (missing.includes('MemoryMax')) {
      values.push(['MemoryMax', mib(memory.memoryMax.value)]);
      arithmetic.push(`MemoryMax = ${memory.memoryMax.arithmetic}`);
      if (!service.value('Service', 'MemoryHigh')) {
        values.push(['MemoryHigh', mib(memory.memoryHigh.value)]);
        arithmetic.push(`MemoryHigh = ${memory.memoryHigh.arithmetic}`);
      }
    }
    if (missing.includes('TasksMax')) {
      values.push(['TasksMax', String(tasks.value)]);
      arithmetic.push(`TasksMax = ${tasks.arithmetic}`);
    }
    if (missing.includes('LimitNOFILE')) values.push(['LimitNOFILE', String(LIMIT_NOFILE)]);

    context.report({
      document: start.document,
      span: start.entry.keySpan,
      message: `${service.name} serves the web with no ${missing.map((key) => `${key}=`).join(', ').replace(/, ([^,]*)$/, ' or $1')}: a leak or a burst of requests is stopped only when the kernel runs out and kills whatever it picks on the machine`,
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
