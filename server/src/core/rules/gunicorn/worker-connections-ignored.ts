import { effectiveUse } from '../../engine/gunicorn-runs';
import type { Rule } from '../../engine/rule';
import { effectiveWorkerClass } from './run-settings';
import { removeUse, setSettings } from './setting-edits';
import { describeLayout, layoutSettings, proposedLayout } from './sized-layout';
import { declareHostFixes, sizedTitle } from '../sized-fixes';
import { useSpan } from './use-span';

export const workerConnectionsIgnored: Rule = {
  id: 'gunicorn/worker-connections-ignored',
  severity: 'warning',
  summary: 'worker_connections with sync workers, which never read it',

  gunicornRun(run, context) {
    const connections = effectiveUse(run, 'worker_connections');
    if (!connections) return;
    const workerClass = effectiveWorkerClass(run, context);
    // A class we do not know (a dotted path to a third-party worker) may well read it.
    if (!workerClass?.running || workerClass.running.usesWorkerConnections) return;
    const plan = proposedLayout(run, context);
    const classText = workerClass.use ? `the ${workerClass.running.name} worker` : `the default sync worker`;
    context.report({
      document: connections.document,
      span: useSpan(connections),
      message: `worker_connections is ignored: ${classText} serves one connection at a time and never reads it`,
      fixes: [
        { title: 'Remove worker_connections', safe: true, preferred: true, edits: [removeUse(connections)] },
        ...(plan.workerClass === 'gthread'
          ? [{ title: sizedTitle(`Switch to ${describeLayout(plan)}`, plan.arithmetic, context), safe: false, edits: setSettings(run, layoutSettings(plan), context) }, ...declareHostFixes(context)]
          : []),
      ],
    });
  },
};
