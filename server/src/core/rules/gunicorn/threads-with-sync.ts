import type { Rule } from '../../engine/rule';
import { effectiveNumber, effectiveWorkerClass, whereUse } from './run-settings';
import { setSetting } from './setting-edits';
import { useSpan } from './use-span';

export const threadsWithSync: Rule = {
  id: 'gunicorn/threads-with-sync',
  severity: 'warning',
  summary: 'worker_class = "sync" with threads > 1: gunicorn silently runs gthread instead',

  gunicornRun(run, context) {
    const workerClass = effectiveWorkerClass(run, context);
    // Only a sync class written out misleads; the default being replaced is gunicorn's documented behaviour.
    if (!workerClass?.promotedToGthread || !workerClass.use) return;
    const threads = effectiveNumber(run, 'threads', context);
    const where = threads?.use && threads.use.document !== workerClass.use.document ? ` (${whereUse(threads.use)})` : '';
    context.report({
      document: workerClass.use.document,
      span: useSpan(workerClass.use, 'value'),
      message: `worker_class is "${workerClass.written}" but threads is ${threads?.value}${where}: gunicorn silently runs gthread workers instead`,
      fixes: [
        {
          // Exactly what gunicorn already runs: writing it down changes nothing.
          title: 'Write worker_class "gthread", which is what runs',
          safe: true,
          preferred: true,
          edits: setSetting(run, 'worker_class', { kind: 'string', value: 'gthread' }, context),
        },
      ],
    });
  },
};
