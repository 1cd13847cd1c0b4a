import { effectiveUse } from '../../engine/gunicorn-runs';
import type { Rule } from '../../engine/rule';
import { effectiveWorkerClass } from './run-settings';
import { removeUse, setSettings } from './setting-edits';
import { describeLayout, layoutSettings, proposedLayout } from './sized-layout';
import { declareHostFixes, sizedTitle } from '../sized-fixes';
import { useSpan } from './use-span';

/**
 * The sync worker closes the connection after every response (gunicorn/workers/sync.py
 * handles one request per accepted connection and always answers with
 * `Connection: close`), so `keepalive` changes nothing for it. gthread and the async
 * workers do keep connections open for `keepalive` seconds.
 */
export const keepaliveIgnored: Rule = {
  id: 'gunicorn/keepalive-ignored',
  severity: 'warning',
  summary: 'keepalive with sync workers, which close every connection after one response',

  gunicornRun(run, context) {
    const keepalive = effectiveUse(run, 'keepalive');
    if (!keepalive) return;
    const workerClass = effectiveWorkerClass(run, context);
    if (workerClass?.running?.name !== 'sync') return;
    const plan = proposedLayout(run, context);
    const classText = workerClass.use ? 'the sync worker' : 'the default sync worker';
    context.report({
      document: keepalive.document,
      span: useSpan(keepalive),
      message: `keepalive is ignored: ${classText} closes every connection after one response, so a proxy's keep-alive connections to gunicorn are never reused`,
      fixes: [
        { title: 'Remove keepalive', safe: true, preferred: true, edits: [removeUse(keepalive)] },
        ...(plan.workerClass === 'gthread'
          ? [{ title: sizedTitle(`Switch to ${describeLayout(plan)}`, plan.arithmetic, context), safe: false, edits: setSettings(run, layoutSettings(plan), context) }, ...declareHostFixes(context)]
          : []),
      ],
    });
  },
};
