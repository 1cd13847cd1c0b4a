import type { AppModule } from '../../engine/app-modules';
import type { RelatedDraft, Rule } from '../../engine/rule';
import type { Span } from '../../text/source-text';
import { effectiveNumber } from './run-settings';
import { setSettings } from './setting-edits';
import { describeLayout, layoutSettings, proposedLayout } from './sized-layout';
import { declareHostFixes, sizedFixIsSafe, sizedTitle } from '../sized-fixes';
import { useSpan } from './use-span';

export const multiWorkerUdpReceiver: Rule = {
  id: 'gunicorn/multi-worker-udp-receiver',
  severity: 'error',
  summary: 'Several workers while the app starts a UDP receiver or background threads at import: every worker runs its own copy',

  gunicornRun(run, context) {
    const workers = effectiveNumber(run, 'workers', context);
    if (!workers?.use || workers.value <= 1) return;
    const app = context.workspace.apps.ofRun(run);
    if (!app) return;
    const starts = importTimeStarts(app);
    if (starts.length === 0) return;
    const plan = proposedLayout(run, context, { mustRunOnce: true });
    const first = starts[0]!;
    context.report({
      document: workers.use.document,
      span: useSpan(workers.use),
      message: `${workers.value} workers each import ${app.target.split(':')[0]} and each starts its own ${first.what}: ${first.consequence}`,
      related: starts.map((start): RelatedDraft => ({ document: start.module, span: start.span, message: `${start.what}, started when the module is imported` })),
      fixes: [{ title: sizedTitle(`Run ${describeLayout(plan)}`, plan.arithmetic, context), safe: sizedFixIsSafe(context), preferred: true, edits: setSettings(run, layoutSettings(plan), context) }, ...declareHostFixes(context)],
    });
  },
};

interface ImportTimeStart {
  readonly module: AppModule['modules'][number];
  readonly span: Span;
  readonly what: string;
  readonly consequence: string;
}

/** What the app starts when gunicorn imports it (outside `if __name__ == "__main__"`): UDP receivers first. */
function importTimeStarts(app: AppModule): ImportTimeStart[] {
  const receivers = app.modules.flatMap((module) =>
    module.facts.udpReceivers
      .filter((receiver) => !receiver.guarded)
      .map((receiver) => ({
        module,
        span: receiver.span,
        what: `UDP receiver${receiver.port !== undefined ? ` on port ${receiver.port}` : ''}`,
        consequence: 'only one can bind the port, or the packets are split between them',
      })),
  );
  const threads = app.modules.flatMap((module) =>
    module.facts.backgroundWorkers
      .filter((worker) => !worker.guarded)
      .map((worker) => ({ module, span: worker.span, what: worker.description, consequence: 'the work runs once per worker, not once per service' })),
  );
  return [...receivers, ...threads];
}
