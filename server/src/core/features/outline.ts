import type { NginxDirective } from '../formats/nginx/model';
import type { Span } from '../text/source-text';
import type { FeatureContext } from './hover';

export interface OutlineSymbol {
  readonly name: string;
  readonly detail?: string;
  readonly kind: 'section' | 'setting' | 'function' | 'block' | 'directive';
  readonly span: Span;
  readonly selectionSpan: Span;
  readonly children: readonly OutlineSymbol[];
}

/** Deeper nginx blocks than this are not listed: an outline that deep helps nobody, and hostile files nest 100,000 deep. */
const MAX_OUTLINE_DEPTH = 64;

/** The outline of a document: gunicorn settings and hooks, unit sections and keys, nginx blocks as a tree. */
export function outline(context: FeatureContext): OutlineSymbol[] {
  const { document } = context;
  if (document.gunicornConfig) {
    return document.gunicornConfig.bindings.map((binding) => ({
      name: binding.name,
      kind: binding.form === 'function' ? ('function' as const) : ('setting' as const),
      span: binding.statementSpan,
      selectionSpan: binding.nameSpan,
      children: [],
    }));
  }
  if (document.unit) {
    return document.unit.sections.map((section) => ({
      name: `[${section.name}]`,
      kind: 'section' as const,
      span: { start: section.headerSpan.start, end: section.entries[section.entries.length - 1]?.span.end ?? section.headerSpan.end },
      selectionSpan: section.headerSpan,
      children: section.entries.map((entry) => ({
        name: entry.key,
        detail: entry.value.length > 60 ? `${entry.value.slice(0, 57)}…` : entry.value,
        kind: 'setting' as const,
        span: entry.span,
        selectionSpan: entry.keySpan,
        children: [],
      })),
    }));
  }
  if (document.nginx) return nginxOutline(document.nginx.directives);
  return [];
}

/** Builds the tree bottom-up with an explicit stack, so depth never reaches the call stack. */
function nginxOutline(directives: readonly NginxDirective[]): OutlineSymbol[] {
  const root: OutlineSymbol[] = [];
  const pending: { directive: NginxDirective; into: OutlineSymbol[]; depth: number }[] = directives.map((directive) => ({ directive, into: root, depth: 0 })).reverse();
  while (pending.length > 0) {
    const { directive, into, depth } = pending.pop()!;
    const children: OutlineSymbol[] = [];
    const args = directive.args.map((arg) => arg.value).join(' ');
    into.push({
      name: directive.name,
      ...(args ? { detail: args.length > 60 ? `${args.slice(0, 57)}…` : args } : {}),
      kind: directive.block ? 'block' : 'directive',
      span: directive.span,
      selectionSpan: directive.nameSpan,
      children,
    });
    if (directive.block && depth < MAX_OUTLINE_DEPTH) {
      for (let index = directive.block.directives.length - 1; index >= 0; index--) {
        pending.push({ directive: directive.block.directives[index]!, into: children, depth: depth + 1 });
      }
    }
  }
  return root;
}
