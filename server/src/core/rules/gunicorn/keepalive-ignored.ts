import { effectiveUse } from '../../engine/gunicorn-runs';
import type { Rule } from '../../engine/rule';
import { effectiveNumber, effectiveWorkerClass } from './run-settings';
import { removeUse, setSettings } from './setting-edits';
import { describeLayout, layoutSettings, proposedLayout } from './sized-layout';
import { declareHostFixes, sizedTitle } from '../sized-fixes';
import { useSpan } from './use-span';

/**
 * The sync worker closes the connection after every response: SyncWorker.handle_request
 * calls `resp.force_close()` on every response "until someone shows a buffering proxy
 * that supports Keep-Alive to the backend" (gunicorn/workers/sync.py, 20.1 and 23.0), and
 * the Keepalive setting's own docs say the sync worker ignores it. gthread and the async
 * workers do keep connections open for `keepalive` seconds. Which classes read it is the
 * `usesKeepalive` column of the knowledge table; the class judged is the one that runs,
 * so sync with threads > 1 (gunicorn runs gthread then) is not reported.
 */
export const keepaliveIgnored: Rule = {
  id: 'gunicorn/keepalive-ignored',
  severity: 'warning',
  summary: 'keepalive with sync workers, which close every connection after one response',

  gunicornRun(run, context) {
    const keepalive = effectiveUse(run, 'keepalive');
    if (!keepalive) return;
    // `keepalive = 0` turns keep-alive off, which is what the sync worker does anyway: nothing misleads.
    if (effectiveNumber(run, 'keepalive', context)?.value === 0) return;
    const workerClass = effectiveWorkerClass(run, context);
    // A class we do not know (a dotted path to a third-party worker) may well keep connections.
    if (!workerClass?.running || workerClass.running.usesKeepalive) return;
    const plan = proposedLayout(run, context);
    const classText = workerClass.use ? `the ${workerClass.running.name} worker` : `the default ${workerClass.running.name} worker`;
    context.report({
      document: keepalive.document,
      span: useSpan(keepalive),
      message: `keepalive is ignored: ${classText} closes every connection after one response, so a proxy's keep-alive connections to gunicorn are never reused`,
      fixes: [
        { title: 'Remove keepalive', safe: true, preferred: true, edits: [removeUse(keepalive)] },
        // Changing the worker class changes how the app runs (threads): offered, never applied by --fix.
        ...(plan.workerClass === 'gthread'
          ? [{ title: sizedTitle(`Switch to ${describeLayout(plan)}`, plan.arithmetic, context), safe: false, edits: setSettings(run, layoutSettings(plan), context) }, ...declareHostFixes(context)]
          : []),
      ],
    });
  },
};
