import type { Rule, RuleContext } from '../../engine/rule';
import type { ConfigBinding } from '../../formats/gunicorn/model';
import type { GunicornSetting } from '../../knowledge/types';
import { closestName } from '../../text/suggest';

export const hookSignature: Rule = {
  id: 'gunicorn/hook-signature',
  severity: 'error',
  summary: 'A server hook with the wrong number of parameters (gunicorn refuses the file), or a misspelt hook name (gunicorn never calls it)',

  gunicornConfig(config, context) {
    const gunicorn = context.knowledge.gunicorn;
    const hooks = gunicorn.settings.filter((setting) => setting.type === 'callable' && setting.arity !== undefined);
    for (const binding of config.bindings) {
      if (!binding.parameters || binding.broken) continue;
      const hook = gunicorn.setting(binding.name);
      if (hook?.type === 'callable' && hook.arity !== undefined) {
        checkArity(binding, hook, context);
      } else if (!hook && !config.namesRead.has(binding.name)) {
        checkNearMiss(binding, hooks, context);
      }
    }
  },
};

function checkArity(binding: ConfigBinding, hook: GunicornSetting, context: RuleContext): void {
  const parameters = binding.parameters!;
  // gunicorn counts positional parameters, with or without defaults; *args does not count.
  const positional = parameters.filter((parameter) => parameter.kind === 'positional').length;
  const arity = hook.arity!;
  const [min, max] = typeof arity === 'number' ? [arity, arity] : [arity.min, arity.max];
  if (positional >= min && positional <= max) return;

  const expected = min === max ? `${min}` : `${min} to ${max}`;
  const names = hook.parameters ?? [];
  const wanted = names.slice(0, Math.max(min, Math.min(positional, max)));
  const fixes =
    wanted.length > 0 && binding.form === 'function'
      ? [
          {
            title: `Change the parameters to (${wanted.join(', ')})`,
            safe: false,
            preferred: true,
            edits: [{ span: binding.valueSpan, newText: `(${wanted.join(', ')})` }],
          },
        ]
      : [];
  context.report({
    span: binding.valueSpan,
    message: `gunicorn calls ${hook.name} with ${expected} positional argument${min === 1 && max === 1 ? '' : 's'}${names.length > 0 ? ` (${names.slice(0, max).join(', ')})` : ''}, but it takes ${positional}: gunicorn refuses to load this file`,
    fixes,
  });
}

function checkNearMiss(binding: ConfigBinding, hooks: readonly GunicornSetting[], context: RuleContext): void {
  const suggestion = closestName(binding.name, hooks.map((hook) => hook.name));
  if (!suggestion || suggestion === binding.name) return;
  context.report({
    span: binding.nameSpan,
    message: `"${binding.name}" is not a server hook, so gunicorn never calls it. Did you mean "${suggestion}"?`,
    fixes: [{ title: `Rename to ${suggestion}`, safe: false, preferred: true, edits: [{ span: binding.nameSpan, newText: suggestion }] }],
  });
}
