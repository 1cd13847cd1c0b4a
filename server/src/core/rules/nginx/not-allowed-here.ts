import type { FixDraft, Rule, RuleContext } from '../../engine/rule';
import { contextOf } from '../../formats/nginx/context';
import type { NginxDirective } from '../../formats/nginx/model';
import type { NginxContext } from '../../knowledge/types';
import { indentationAt, statementRemoval } from '../../text/line-edits';
import { ancestorsOf, availableEntries, describeContext, placedDirectives } from './placed';

export const notAllowedHere: Rule = {
  id: 'nginx/not-allowed-here',
  severity: 'error',
  summary: 'A directive in a block where nginx does not accept it (limit_req_zone inside server): nginx refuses to start',

  nginx(file, context) {
    const chain = context.workspace.nginx.placement(context.document).chain;
    for (const placed of placedDirectives(file, context)) {
      const { directive, where } = placed;
      const entries = availableEntries(placed, context);
      if (entries.length === 0 || entries.some((entry) => entry.contexts.includes(where))) continue;
      const ancestors = ancestorsOf(placed);
      const allowed = sameFamily(where, [...new Set(entries.flatMap((entry) => entry.contexts))]);
      const fix = moveOutward(directive, ancestors, chain, allowed, context);
      context.report({
        span: directive.nameSpan,
        message: `"${directive.name}" directive is not allowed in ${describeContext(where)}; it belongs in ${allowed.map(describeContext).join(', ')}`,
        fixes: fix ? [fix] : [],
      });
    }
  },
};

const FAMILIES: readonly (readonly NginxContext[])[] = [
  ['http', 'server', 'location', 'upstream', 'sif', 'lif', 'limit_except'],
  ['stream', 'stream-server', 'stream-upstream'],
  ['mail', 'mail-server'],
  ['main', 'events'],
];

/** Of the contexts a directive may appear in, those of the family it was found in (an http site is not told about stream). */
function sameFamily(where: NginxContext, allowed: readonly NginxContext[]): NginxContext[] {
  const family = FAMILIES.find((members) => members.includes(where)) ?? [];
  const near = allowed.filter((context) => family.includes(context) || context === 'main');
  return near.length > 0 ? near : [...allowed];
}

/**
 * Moves the directive out to the nearest enclosing level that accepts it, placing it
 * just before the block it was in (at that block's indentation). The directive means
 * the same there: this is where nginx wants it.
 */
function moveOutward(
  directive: NginxDirective,
  ancestors: readonly NginxDirective[],
  chain: readonly string[],
  allowed: readonly NginxContext[],
  context: RuleContext,
): FixDraft | undefined {
  const source = context.document.source;
  for (let level = ancestors.length - 1; level >= 0; level--) {
    const levelContext = contextOf([...chain, ...ancestors.slice(0, level).map((ancestor) => ancestor.name)]);
    if (levelContext === undefined || levelContext === 'opaque' || !allowed.includes(levelContext)) continue;
    const anchor = ancestors[level]!;
    const anchorLine = source.lineStart(source.positionAt(anchor.span.start).line);
    const text = source.slice(directive.span);
    return {
      title: `Move ${directive.name} to ${describeContext(levelContext)}, before the ${anchor.name} block`,
      safe: true,
      preferred: true,
      edits: [
        { span: { start: anchorLine, end: anchorLine }, newText: `${indentationAt(source, anchor.span.start)}${text}${source.eol}` },
        { span: statementRemoval(source, directive.span, '#'), newText: '' },
      ],
    };
  }
  return undefined;
}
