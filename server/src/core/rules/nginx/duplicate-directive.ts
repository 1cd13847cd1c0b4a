import type { Rule, RuleContext } from '../../engine/rule';
import type { NginxDirective } from '../../formats/nginx/model';
import { statementRemoval } from '../../text/line-edits';
import { entriesAllowedIn, placedDirectives } from './placed';

/**
 * A directive that takes one value, written twice in one block. Most such directives make
 * nginx stop ("is duplicate"); a few (load-balancing methods, upstream `zone`,
 * `ssl_session_cache`, `stub_status`: `lastWins` in the table) are accepted, the later
 * one replacing the earlier, so the earlier line is dead but `nginx -t` passes. Those are
 * warnings, on the dead line.
 */
export const duplicateDirective: Rule = {
  id: 'nginx/duplicate-directive',
  severity: 'error',
  summary: 'A single-valued directive repeated in one block: nginx refuses to start ("is duplicate"), or ignores the earlier one',

  nginx(file, context) {
    // Per block (its directive, or undefined for the top level): the last directive of each name.
    const lastInBlock = new Map<NginxDirective | undefined, Map<string, NginxDirective>>();
    for (const placed of placedDirectives(file, context)) {
      const directive = placed.directive;
      const entries = entriesAllowedIn(placed, context);
      if (entries.length === 0 || entries.some((entry) => entry.repeatable)) continue;
      const block = placed.parent?.directive;
      let lastByName = lastInBlock.get(block);
      if (!lastByName) {
        lastByName = new Map();
        lastInBlock.set(block, lastByName);
      }
      const previous = lastByName.get(directive.name);
      lastByName.set(directive.name, directive);
      if (!previous) continue;
      if (entries.every((entry) => entry.lastWins)) reportOverridden(previous, directive, context);
      else reportRefused(previous, directive, context);
    }
  },
};

function lineOf(directive: NginxDirective, context: RuleContext): number {
  return context.document.source.positionAt(directive.span.start).line + 1;
}

function removal(directive: NginxDirective, context: RuleContext) {
  return [{ span: statementRemoval(context.document.source, directive.span, '#'), newText: '' }];
}

/** nginx stops at the repeat: the finding sits there, where nginx names it. */
function reportRefused(first: NginxDirective, repeat: NginxDirective, context: RuleContext): void {
  const line = lineOf(first, context);
  context.report({
    span: repeat.span,
    message: `"${repeat.name}" directive is duplicate: it is already set on line ${line} in the same block`,
    related: [{ document: context.document, span: first.span, message: 'the first one' }],
    fixes: [{ title: `Remove this ${repeat.name} (keep the one on line ${line})`, safe: false, preferred: true, edits: removal(repeat, context) }],
  });
}

/** nginx takes the repeat: the earlier line does nothing, and the finding sits on it. */
function reportOverridden(earlier: NginxDirective, later: NginxDirective, context: RuleContext): void {
  const line = lineOf(later, context);
  context.report({
    span: earlier.span,
    severity: 'warning',
    message: `"${earlier.name}" is set again on line ${line} in the same block: nginx uses that one and ignores this one`,
    related: [{ document: context.document, span: later.span, message: 'the one nginx uses' }],
    fixes: [{ title: `Remove this ${earlier.name} (nginx uses the one on line ${line})`, safe: false, preferred: true, edits: removal(earlier, context) }],
  });
}
