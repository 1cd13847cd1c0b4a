import type { Rule } from '../../engine/rule';
import { effectiveBoolean } from './run-settings';
import { launcherRelated, serviceLauncher, switchOff, writtenUse } from './service-launch';
import { useSpan } from './use-span';

/**
 * `reload` in a run a service starts. With reload on, each worker starts a reloader
 * thread (gunicorn/workers/base.py, init_process) that exits the worker when a watched
 * file changes, and a SyntaxError while loading the app is answered with a 500 carrying
 * the traceback (load_wsgi → util.make_fail_app) instead of stopping the worker.
 */
export const reloadInProduction: Rule = {
  id: 'gunicorn/reload-in-production',
  severity: 'warning',
  summary: 'reload (restart workers when code changes) in a run that a service, Procfile or container starts',

  gunicornRun(run, context) {
    const service = serviceLauncher(run);
    if (!service) return;
    const reload = effectiveBoolean(run, 'reload', context);
    if (!reload?.value || !reload.use || reload.use.conditional) return;
    const edits = switchOff(run, 'reload', context);
    context.report({
      document: reload.use.document,
      span: useSpan(reload.use, 'value'),
      message: `${writtenUse(reload.use)} in a service started by ${service.name}: every worker watches the app's files and restarts when one changes, so a deploy restarts workers while files are still being copied, and a syntax error is served to clients as a 500 with its traceback; reload is meant for development`,
      related: launcherRelated(run, reload.use, `${service.name} starts gunicorn here`),
      fixes: edits
        ? [
            {
              title: reload.use.layer === 'config' ? 'Set reload = False' : `Remove ${reload.use.option?.flag ?? '--reload'}`,
              // Not safe: a deploy that relies on reload to pick up new code would need a restart instead.
              safe: false,
              preferred: true,
              edits,
            },
          ]
        : [],
    });
  },
};
