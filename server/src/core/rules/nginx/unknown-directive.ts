import type { Rule } from '../../engine/rule';
import { versionGap } from '../../knowledge/knowledge';
import { closestName } from '../../text/suggest';
import { availableEntries, placedDirectives } from './placed';

export const unknownDirective: Rule = {
  id: 'nginx/unknown-directive',
  severity: 'error',
  summary: 'A directive nginx does not know (or not in the nginx release you target): nginx refuses to start',

  nginx(file, context) {
    const nginx = context.knowledge.nginx;
    // A module loaded by name may bring directives no table can know.
    const loadsModules = context.workspace.nginx.loadsModules;
    // A mistake is usually repeated: work out each suggestion once per file.
    const suggestions = new Map<string, string | undefined>();
    for (const placed of placedDirectives(file, context)) {
      if (availableEntries(placed, context).length > 0) continue;
      const directive = placed.directive;
      const known = nginx.named(directive.name);
      if (known.length > 0) {
        const newest = known[0]!;
        context.report({
          span: directive.nameSpan,
          message: `"${directive.name}" does not exist in nginx ${context.targets.nginx} (${versionGap(newest, context.targets.nginx)}): nginx reports an unknown directive`,
        });
        continue;
      }
      if (!suggestions.has(directive.name)) suggestions.set(directive.name, closestName(directive.name, nginx.names));
      const suggestion = suggestions.get(directive.name);
      context.report({
        span: directive.nameSpan,
        severity: loadsModules ? 'warning' : 'error',
        message: `unknown directive "${directive.name}"${suggestion ? `; did you mean "${suggestion}"?` : ''}${loadsModules ? ' (unless a module this configuration loads provides it)' : ''}`,
        fixes: suggestion ? [{ title: `Change to ${suggestion}`, safe: false, preferred: true, edits: [{ span: directive.nameSpan, newText: suggestion }] }] : [],
      });
    }
  },
};
