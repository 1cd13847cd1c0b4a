import type { FixDraft, Rule, RuleContext } from '../../engine/rule';
import type { ConfigBinding, GunicornConfig } from '../../formats/gunicorn/model';
import { availableIn, versionGap } from '../../knowledge/knowledge';
import { statementRemoval } from '../../text/line-edits';
import { closestName } from '../../text/suggest';

/**
 * Names people reach for that gunicorn has never had, with what does the job instead.
 * Our own advice, not upstream data.
 */
const KNOWN_MISTAKES: Readonly<Record<string, string>> = {
  max_worker_memory:
    'gunicorn has no per-worker memory limit: recycle workers with max_requests, or cap the service with systemd MemoryMax=',
  worker_memory_limit:
    'gunicorn has no per-worker memory limit: recycle workers with max_requests, or cap the service with systemd MemoryMax=',
};

export const unknownSetting: Rule = {
  id: 'gunicorn/unknown-setting',
  severity: 'error',
  summary: 'A name in gunicorn.conf.py, or a flag, that is no gunicorn setting: gunicorn ignores the name or refuses the flag',

  gunicornConfig(config, context) {
    const gunicorn = context.knowledge.gunicorn;
    const target = context.targets.gunicorn;
    for (const binding of config.bindings) {
      // Functions are hooks or helpers: hook-signature judges those.
      if (binding.form !== 'assignment' || binding.value.kind === 'function' || binding.name.startsWith('_')) continue;
      const setting = gunicorn.setting(binding.name);
      if (setting) {
        if (!availableIn(setting, target)) {
          context.report({
            span: binding.nameSpan,
            message: `"${binding.name}" is not a setting of gunicorn ${target} (${versionGap(setting, target)}): that release ignores it without a warning`,
          });
        }
        continue;
      }
      // A name the file reads itself is a helper variable, not a misspelt setting.
      if (config.namesRead.has(binding.name)) continue;
      reportUnknownName(binding, config, context);
    }
  },

  gunicornCommand(site, context) {
    const target = context.targets.gunicorn;
    for (const option of site.command.options) {
      const setting = context.knowledge.gunicorn.setting(option.spec.setting);
      if (!setting || availableIn(setting, target)) continue;
      context.report({
        span: option.flagSpan,
        message: `Option "${option.flag}" does not exist in gunicorn ${target} (${versionGap(setting, target)}): that release refuses to start`,
      });
    }
    for (const problem of site.command.problems) {
      if (problem.kind !== 'unknown-option' || !problem.option) continue;
      const longFlags = context.knowledge.gunicorn.settings.flatMap((setting) => setting.flags.filter((flag) => flag.startsWith('--')));
      const suggestion = problem.option.startsWith('--') ? closestName(problem.option, longFlags) : undefined;
      context.report({
        span: problem.span,
        message: `Unknown option "${problem.option}": gunicorn prints its usage and refuses to start${suggestion ? `. Did you mean "${suggestion}"?` : ''}`,
        fixes: suggestion
          ? [{ title: `Change to ${suggestion}`, safe: false, preferred: true, edits: [{ span: problem.span, newText: suggestion }] }]
          : [],
      });
    }
  },
};

function reportUnknownName(binding: ConfigBinding, config: GunicornConfig, context: RuleContext): void {
  const names = context.knowledge.gunicorn.settings.map((setting) => setting.name);
  const suggestion = KNOWN_MISTAKES[binding.name] ? undefined : closestName(binding.name, names);
  const hint = KNOWN_MISTAKES[binding.name] ?? (suggestion ? `did you mean "${suggestion}"?` : 'it is not one of gunicorn\'s settings');
  const fixes: FixDraft[] = [];
  // Renaming onto a setting the file already sets would only trade this finding for a duplicate.
  if (suggestion && !config.bindings.some((other) => other.name === suggestion)) {
    fixes.push({
      title: `Rename to ${suggestion}`,
      safe: false,
      preferred: true,
      edits: [{ span: binding.nameSpan, newText: suggestion }],
    });
  }
  if (!binding.sharedStatement) {
    fixes.push({
      title: `Remove ${binding.name} (gunicorn ignores it)`,
      safe: false,
      edits: [{ span: statementRemoval(context.document.source, binding.statementSpan, '#'), newText: '' }],
    });
  }
  context.report({
    span: binding.nameSpan,
    message: `"${binding.name}" is not a gunicorn setting, so gunicorn ignores it without a warning: ${hint}`,
    fixes,
  });
}
