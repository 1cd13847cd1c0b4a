import type { FixDraft, Rule, RuleContext } from '../../engine/rule';
import type { NginxDirective } from '../../formats/nginx/model';
import type { NginxArity, NginxDirective as DirectiveEntry } from '../../knowledge/types';
import { entriesAllowedIn, placedDirectives } from './placed';

const FLAG_WORDS: Readonly<Record<string, 'on' | 'off'>> = { yes: 'on', true: 'on', '1': 'on', enable: 'on', no: 'off', false: 'off', '0': 'off', disable: 'off' };

export const invalidArguments: Rule = {
  id: 'nginx/invalid-arguments',
  severity: 'error',
  summary: 'A directive with the wrong number or form of arguments, or a block where none belongs: nginx refuses to start',

  nginx(file, context) {
    for (const placed of placedDirectives(file, context)) {
      const directive = placed.directive;
      const entries = entriesAllowedIn(placed, context);
      if (entries.length === 0) continue; // unknown or misplaced: other rules say so
      checkBlock(directive, entries, context) || checkCount(directive, entries, context) || checkFlag(directive, entries, context);
    }
  },
};

function checkBlock(directive: NginxDirective, entries: readonly DirectiveEntry[], context: RuleContext): boolean {
  const wantsBlock = entries.some((entry) => entry.block);
  if (wantsBlock && !directive.block && directive.semicolonSpan) {
    context.report({ span: directive.span, message: `directive "${directive.name}" has no opening "{"` });
    return true;
  }
  if (!entries.some((entry) => entry.block) && directive.block) {
    context.report({ span: directive.nameSpan, message: `directive "${directive.name}" takes no block: it must end with ";"` });
    return true;
  }
  return false;
}

function checkCount(directive: NginxDirective, entries: readonly DirectiveEntry[], context: RuleContext): boolean {
  const count = directive.args.length;
  if (entries.some((entry) => entry.arity.some((arity) => accepts(arity, count)))) return false;
  const fixes: FixDraft[] = [];
  let hint = '';
  const missing = missingSemicolon(directive, entries, context);
  if (missing) {
    const line = context.document.source.positionAt(missing.after).line + 1;
    hint = `; is a ";" missing at the end of line ${line}?`;
    fixes.push({ title: `Insert ";" at the end of line ${line}`, safe: false, preferred: true, edits: [{ span: { start: missing.after, end: missing.after }, newText: ';' }] });
  }
  context.report({
    span: directive.span,
    message: `invalid number of arguments in "${directive.name}" directive: ${count} given, ${expected(entries)} expected${hint}`,
    fixes,
  });
  return true;
}

function checkFlag(directive: NginxDirective, entries: readonly DirectiveEntry[], context: RuleContext): boolean {
  if (!entries.every((entry) => entry.arity.length === 1 && entry.arity[0] === 'FLAG')) return false;
  const argument = directive.args[0];
  if (!argument || argument.value === 'on' || argument.value === 'off') return false;
  const meant = FLAG_WORDS[argument.value.toLowerCase()];
  context.report({
    span: argument.span,
    message: `invalid value "${argument.value}" in "${directive.name}" directive, it must be "on" or "off"`,
    fixes: meant ? [{ title: `Write ${meant}`, safe: true, preferred: true, edits: [{ span: argument.span, newText: meant }] }] : [],
  });
  return true;
}

function accepts(arity: NginxArity, count: number): boolean {
  switch (arity) {
    case 'NOARGS':
      return count === 0;
    case 'FLAG':
      return count === 1;
    case '1MORE':
      return count >= 1;
    case '2MORE':
      return count >= 2;
    case 'ANY':
      return true;
    default:
      // TAKE1 … TAKE7, TAKE12, TAKE13, TAKE23, TAKE123, TAKE1234: the digits are the counts.
      return arity.slice(4).includes(String(count));
  }
}

function expected(entries: readonly DirectiveEntry[]): string {
  const forms = new Set(
    entries.flatMap((entry) =>
      entry.arity.map((arity) => {
        if (arity === 'NOARGS') return 'none';
        if (arity === 'FLAG') return '1 (on or off)';
        if (arity === '1MORE') return 'at least 1';
        if (arity === '2MORE') return 'at least 2';
        if (arity === 'ANY') return 'any number';
        return arity.slice(4).split('').join(' or ');
      }),
    ),
  );
  return [...forms].join(', or ');
}

/**
 * When a directive swallowed the next line's directive because a ";" is missing, its
 * arguments run onto a new line that starts with a known directive name. Returns where
 * the ";" belongs.
 */
function missingSemicolon(directive: NginxDirective, entries: readonly DirectiveEntry[], context: RuleContext): { after: number } | undefined {
  const source = context.document.source;
  const firstLine = source.positionAt(directive.nameSpan.start).line;
  for (let index = 0; index < directive.args.length; index++) {
    const argument = directive.args[index]!;
    if (source.positionAt(argument.span.start).line === firstLine) continue;
    if (context.knowledge.nginx.named(argument.value).length === 0) return undefined;
    const before = index === 0 ? directive.nameSpan : directive.args[index - 1]!.span;
    // Only suggest it when the words before the line break would be a valid directive.
    if (!entries.some((entry) => entry.arity.some((arity) => accepts(arity, index)))) return undefined;
    return { after: before.end };
  }
  return undefined;
}
