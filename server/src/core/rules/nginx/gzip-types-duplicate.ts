import type { FixDraft, RelatedDraft, Rule, RuleContext } from '../../engine/rule';
import type { NginxArgument } from '../../formats/nginx/model';
import { removeArgument, removeDirective } from './edits';
import { levelsAround, lineOf, ownEntries, type Level, type LevelEntry } from './levels';
import { ancestorsOf, placedDirectives, type Placed } from './placed';

/** The type nginx puts in every gzip_types list before the listed ones (ngx_http_html_default_types). */
const ALWAYS_COMPRESSED = 'text/html';

/**
 * `gzip_types` lists the MIME types gzip compresses "in addition to text/html", which is
 * always compressed (ngx_http_gzip_module docs). nginx builds one list per level from
 * text/html and every gzip_types line of the level, in order, lower-casing each type; a
 * type already in the list draws `duplicate MIME type "…"` (a warning, since 0.7.8:
 * ngx_http_types_slot in src/http/ngx_http.c), and `*` ends the list, lines after it
 * included. A level with no gzip_types of its own takes the whole list of the level
 * around it.
 */
export const gzipTypesDuplicate: Rule = {
  id: 'nginx/gzip-types-duplicate',
  severity: 'warning',
  summary: 'gzip_types listing text/html (always compressed) or a MIME type already listed in the block: nginx warns "duplicate MIME type"',

  nginx(file, context) {
    for (const placed of placedDirectives(file, context)) {
      if (placed.directive.name === 'gzip_types') checkLine(placed, context);
    }
  },
};

/** Where a type first entered the level's list: undefined for text/html, which nginx puts there itself. */
type FirstListed = { readonly entry: LevelEntry; readonly argument: NginxArgument } | undefined;

function checkLine(placed: Placed, context: RuleContext): void {
  const directive = placed.directive;
  const levels = levelsAround(ancestorsOf(placed), context);
  const level = levels?.[levels.length - 1];
  // Without the level (a hostile nesting depth), the line is judged on its own.
  const lines = level ? ownEntries(level, 'gzip_types') : [{ directive, file: context.document }];
  const listed = new Map<string, FirstListed>([[ALWAYS_COMPRESSED, undefined]]);
  for (const entry of lines) {
    const ours = entry.directive === directive;
    for (const [index, argument] of entry.directive.args.entries()) {
      if (argument.value === '*') return;
      const type = argument.value.toLowerCase();
      if (!listed.has(type)) {
        listed.set(type, { entry, argument });
      } else if (ours) {
        report(entry, index, listed.get(type), levels, context);
      }
    }
    if (ours) return;
  }
}

function report(entry: LevelEntry, index: number, first: FirstListed, levels: readonly Level[] | undefined, context: RuleContext): void {
  const argument = entry.directive.args[index]!;
  const related: RelatedDraft[] = first ? [{ document: first.entry.file, span: first.argument.span, message: 'listed first here' }] : [];
  const message = !first
    ? `"${argument.value}" is always compressed: gzip_types need not list it, and nginx warns "duplicate MIME type"`
    : first.entry.directive === entry.directive
      ? `"${argument.value}" is already listed earlier in this gzip_types: nginx warns "duplicate MIME type"`
      : `"${argument.value}" is already listed by the gzip_types on ${lineOf(first.entry, context)} in the same block: nginx warns "duplicate MIME type"`;
  const fix = removal(entry, index, levels, context);
  context.report({ span: argument.span, message, related, ...(fix ? { fixes: [fix] } : {}) });
}

/**
 * Removes the repeated type: nginx compresses the same types without it. A line whose
 * only type it is goes whole, provided the block keeps another gzip_types line (without
 * one it would take the list of the level around it instead).
 */
function removal(entry: LevelEntry, index: number, levels: readonly Level[] | undefined, context: RuleContext): FixDraft | undefined {
  const source = context.document.source;
  const argument = entry.directive.args[index]!;
  const edit = removeArgument(source, entry.directive, index);
  if (edit) return { title: `Remove "${argument.value}" from gzip_types`, safe: true, preferred: true, edits: [edit] };
  const level = levels?.[levels.length - 1];
  if (!level || ownEntries(level, 'gzip_types').length < 2) return undefined;
  return { title: `Remove this gzip_types line (it only lists "${argument.value}")`, safe: true, preferred: true, edits: [removeDirective(source, entry.directive)] };
}
