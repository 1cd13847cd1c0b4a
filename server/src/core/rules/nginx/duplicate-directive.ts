import type { Rule } from '../../engine/rule';
import type { NginxDirective } from '../../formats/nginx/model';
import { statementRemoval } from '../../text/line-edits';
import { entriesAllowedIn, placedDirectives } from './placed';

export const duplicateDirective: Rule = {
  id: 'nginx/duplicate-directive',
  severity: 'error',
  summary: 'A single-valued directive repeated in one block: nginx refuses to start ("is duplicate")',

  nginx(file, context) {
    const firstInBlock = new Map<string, NginxDirective>();
    for (const { directive, where, parent } of placedDirectives(file, context)) {
      const entries = entriesAllowedIn(directive.name, where, context);
      if (entries.length === 0 || entries.some((entry) => entry.repeatable)) continue;
      // One key per block: the block's owner (or the top level) and the directive's name.
      const key = `${parent ? parent.directive.span.start : -1}:${directive.name}`;
      const first = firstInBlock.get(key);
      if (!first) {
        firstInBlock.set(key, directive);
        continue;
      }
      const line = context.document.source.positionAt(first.span.start).line + 1;
      context.report({
        span: directive.span,
        message: `"${directive.name}" directive is duplicate: it is already set on line ${line} in the same block`,
        related: [{ document: context.document, span: first.span, message: 'the first one' }],
        fixes: [
          {
            title: `Remove this ${directive.name} (keep the one on line ${line})`,
            safe: false,
            preferred: true,
            edits: [{ span: statementRemoval(context.document.source, directive.span, '#'), newText: '' }],
          },
        ],
      });
    }
  },
};
