import type { FixDraft, Rule } from '../../engine/rule';
import type { AttributeRead, ConfigBinding } from '../../formats/gunicorn/model';

/**
 * gunicorn's Arbiter.spawn_worker (gunicorn/arbiter.py) builds the worker object, calls
 * `pre_fork(self, worker)`, and only then forks; the pid is assigned after the fork
 * (`worker.pid = pid` in the master, `os.getpid()` in the child). Until then it is the
 * placeholder Worker.__init__ sets (gunicorn/workers/base.py): the string "[booting]".
 * Unchanged from gunicorn 20.0 to 26.1.
 */
export const hookReadsWorkerPidBeforeFork: Rule = {
  id: 'gunicorn/hook-reads-worker-pid-before-fork',
  severity: 'warning',
  summary: 'A pre_fork hook reads worker.pid, which is not assigned until after the fork',

  gunicornConfig(config, context) {
    const hooks = config.bindings.filter((binding) => binding.name === 'pre_fork' && binding.parameters && !binding.broken);
    // The last definition outside an if/try block replaces the earlier ones; conditional ones after it may replace it in turn.
    let first = 0;
    hooks.forEach((hook, index) => {
      if (!hook.conditional) first = index;
    });
    const live = hooks.slice(first);
    // Renaming is only clean when no post_fork exists to collide with and nothing refers to pre_fork by name.
    const renamable = live.length === 1 && !config.bindings.some((binding) => binding.name === 'post_fork') && !config.namesRead.has('pre_fork');
    for (const hook of live) {
      const worker = hook.parameters!.filter((parameter) => parameter.kind === 'positional')[1];
      if (!worker) continue;
      const text = context.document.source.text;
      for (const read of pidReads(hook, worker.name, text)) {
        context.report({
          span: read.span,
          message: `pre_fork runs in the master before the worker process exists: ${worker.name}.pid is still gunicorn's placeholder "[booting]" here, not a process id`,
          fixes: renamable ? [renameToPostFork(hook)] : [],
        });
      }
    }
  },
};

/** Reads of `<worker>.pid`; an assignment to it is not a read. */
function pidReads(hook: ConfigBinding, worker: string, text: string): AttributeRead[] {
  return (hook.attributeReads ?? []).filter((read) => read.object === worker && read.attribute === 'pid' && !/^\s*=(?!=)/.test(text.slice(read.span.end)));
}

function renameToPostFork(hook: ConfigBinding): FixDraft {
  return {
    title: 'Rename the hook to post_fork, which runs in the new worker once its pid is set',
    // The whole body moves from the master to the worker: right for logging the pid, a change for anything else it does.
    safe: false,
    preferred: true,
    edits: [{ span: hook.nameSpan, newText: 'post_fork' }],
  };
}
