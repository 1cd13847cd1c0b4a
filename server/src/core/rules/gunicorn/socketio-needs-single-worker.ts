import type { Rule } from '../../engine/rule';
import { effectiveNumber } from './run-settings';
import { setSetting } from './setting-edits';
import { useSpan } from './use-span';

export const socketioNeedsSingleWorker: Rule = {
  id: 'gunicorn/socketio-needs-single-worker',
  severity: 'error',
  summary: 'A Socket.IO app under several workers without a message queue: clients lose their session between workers',

  gunicornRun(run, context) {
    const workers = effectiveNumber(run, 'workers', context);
    if (!workers?.use || workers.value <= 1) return;
    const app = context.workspace.apps.ofRun(run);
    const module = app?.modules.find((candidate) => candidate.facts.socketio && !candidate.facts.socketio.messageQueue);
    const socketio = module?.facts.socketio;
    if (!module || !socketio) return;
    const library = socketio.library === 'flask-socketio' ? 'Flask-SocketIO' : 'python-socketio';
    context.report({
      document: workers.use.document,
      span: useSpan(workers.use),
      message: `${workers.value} workers serve a ${library} app without a message queue: a client's polling requests land on workers that never saw its session, and events emitted in one worker never reach clients of the others`,
      related: [{ document: module, span: socketio.span, message: `${library} set up here, without message_queue=` }],
      fixes: [
        {
          title: `Run 1 worker (${library} keeps its sessions in the process)`,
          safe: false,
          preferred: true,
          edits: setSetting(run, 'workers', { kind: 'number', value: 1, integer: true }, context),
        },
      ],
    });
  },
};
