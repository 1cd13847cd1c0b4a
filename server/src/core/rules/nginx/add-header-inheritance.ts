import type { FixDraft, Rule, RuleContext } from '../../engine/rule';
import type { NginxDirective } from '../../formats/nginx/model';
import { directiveText, insertAtBlockStart, insertBeforeDirective, type NginxEdit } from './edits';
import { describeLevel, levelsAround, list, ownEntries, targetAtLeast, type Level, type LevelEntry } from './levels';
import { ancestorsOf, placedDirectives } from './placed';

/** add_header_inherit appeared in nginx 1.29.3 (CHANGES 1.29.3; ngx_http_headers_module docs). */
export const ADD_HEADER_INHERIT_SINCE = '1.29.3';

/** Headers whose loss weakens a site's defences. */
const SECURITY_HEADERS: ReadonlySet<string> = new Set([
  'strict-transport-security',
  'content-security-policy',
  'content-security-policy-report-only',
  'x-frame-options',
  'x-content-type-options',
  'referrer-policy',
  'permissions-policy',
  'cross-origin-opener-policy',
  'cross-origin-embedder-policy',
  'cross-origin-resource-policy',
]);

/**
 * Headers not worth keeping: losing them is no loss (nginx/deprecated-header reports
 * where they are set), and a fix must not copy them.
 */
export function isDeprecatedHeader(name: string): boolean {
  return name.toLowerCase() === 'x-xss-protection';
}

/**
 * nginx inherits `add_header` into a level (server, location, if in location) "if and
 * only if there are no add_header directives defined on the current level"
 * (ngx_http_headers_module docs): one add_header in a location silently drops every
 * header of the server and http levels for its responses. From 1.29.3
 * `add_header_inherit merge` keeps them (ngx_http_headers_merge_conf: `merge` appends the
 * outer headers, `off` drops them even without add_header of its own).
 */
export const addHeaderInheritance: Rule = {
  id: 'nginx/add-header-inheritance',
  severity: 'warning',
  summary: 'A server or location with add_header of its own, which drops every add_header of the levels around it (security headers included)',

  nginx(file, context) {
    for (const placed of placedDirectives(file, context)) {
      const block = placed.directive;
      // The levels add_header may be written in: server, location, if in location.
      const level = block.name === 'server' ? placed.where === 'http' : block.name === 'location' || block.name === 'if' ? placed.where === 'location' || (block.name === 'location' && placed.where === 'server') : false;
      if (!block.block || !level) continue;
      // Only a level that may hold add_header of its own can drop inherited ones; most blocks are not worth reading through.
      if (!block.block.directives.some((directive) => directive.name === 'add_header' || directive.name === 'include')) continue;
      const levels = levelsAround([...ancestorsOf(placed), block], context);
      const inner = levels?.[levels.length - 1];
      if (!levels || !inner || inner.block !== block || inner.unread.length > 0) continue;
      const own = ownEntries(inner, 'add_header');
      if (own.length === 0 || inheritMode(levels, context) !== 'on') continue;
      const ownNames = new Set(own.map((entry) => headerName(entry)));
      const lost = effectiveHeaders(levels.slice(0, -1), context).filter(
        // An add_header without arguments is refused by nginx (nginx/invalid-arguments says so) and inherits nothing.
        ({ entry }) => entry.directive.args.length > 0 && !ownNames.has(headerName(entry)) && !isDeprecatedHeader(headerName(entry)),
      );
      if (lost.length === 0) continue;
      report(inner, own, lost, context);
    }
  },
};

function headerName(entry: LevelEntry): string {
  return (entry.directive.args[0]?.value ?? '').toLowerCase();
}

/** The add_header_inherit in force at the innermost level: the nearest one written, else `on`; always `on` before 1.29.3. */
function inheritMode(levels: readonly Level[], context: RuleContext): string {
  if (!targetAtLeast(context, ADD_HEADER_INHERIT_SINCE)) return 'on';
  for (let index = levels.length - 1; index >= 0; index--) {
    const set = ownEntries(levels[index]!, 'add_header_inherit');
    const value = set[set.length - 1]?.directive.args[0]?.value;
    if (value) return value.toLowerCase();
  }
  return 'on';
}

/** The headers a level sends, with the level each is written in, merged level by level as ngx_http_headers_merge_conf does. */
function effectiveHeaders(levels: readonly Level[], context: RuleContext): { entry: LevelEntry; level: Level }[] {
  let headers: { entry: LevelEntry; level: Level }[] = [];
  for (let index = 0; index < levels.length; index++) {
    const level = levels[index]!;
    const own = ownEntries(level, 'add_header').map((entry) => ({ entry, level }));
    const mode = inheritMode(levels.slice(0, index + 1), context);
    if (mode === 'off') headers = own;
    else if (own.length === 0) continue;
    else headers = mode === 'merge' ? [...own, ...headers] : own;
  }
  return headers;
}

function report(level: Level, own: readonly LevelEntry[], lost: readonly { entry: LevelEntry; level: Level }[], context: RuleContext): void {
  const first = own[0]!;
  // The first add_header of the level as written here, or the include that brings it in.
  const anchor: NginxDirective = first.via ?? first.directive;
  const names = [...new Map(lost.map(({ entry }) => [headerName(entry), entry.directive.args[0]!.value])).values()];
  const security = names.filter((name) => SECURITY_HEADERS.has(name.toLowerCase()));
  const origins = [...new Set(lost.map(({ level: from }) => describeLevel(from)))];
  const where = describeLevel(level);
  const count = names.length === 1 ? 'the header' : `the ${names.length} headers`;
  const fixes: FixDraft[] = [];
  const repeat = repeatFix(level, anchor, lost, names.length, context);
  if (repeat) fixes.push(repeat);
  if (targetAtLeast(context, ADD_HEADER_INHERIT_SINCE)) {
    const edit = insertBefore(level, anchor, ['add_header_inherit merge;'], context);
    if (edit) fixes.push({ title: `Keep the inherited headers with add_header_inherit merge (nginx ${ADD_HEADER_INHERIT_SINCE})`, safe: false, edits: [edit] });
  }
  context.report({
    span: anchor.span,
    message: `${where} has add_header of its own, so its responses lose ${count} added in ${list(origins)}: ${names.join(', ')}${securityNote(names, security)}; nginx inherits add_header only into a level that has none`,
    related: lost.map(({ entry }) => ({ document: entry.file, span: entry.directive.span, message: `not sent from ${where}` })),
    fixes,
  });
}

function securityNote(names: readonly string[], security: readonly string[]): string {
  if (security.length === 0) return '';
  if (security.length === names.length) return security.length === 1 ? ' (a security header)' : ' (security headers)';
  return ` (${list(security)} ${security.length === 1 ? 'is a security header' : 'are security headers'})`;
}

/** Writes the lost headers again in the level, before its first own add_header, as they are written outside. */
function repeatFix(level: Level, anchor: NginxDirective, lost: readonly { entry: LevelEntry }[], count: number, context: RuleContext): FixDraft | undefined {
  const statements = [...new Set(lost.map(({ entry }) => directiveText(entry.file.source, entry.directive)))];
  const edit = insertBefore(level, anchor, statements, context);
  if (!edit) return undefined;
  return {
    title: `Repeat the ${count === 1 ? 'inherited header' : `${count} inherited headers`} in ${describeLevel(level)}`,
    safe: false,
    preferred: true,
    edits: [edit],
  };
}

function insertBefore(level: Level, anchor: NginxDirective, statements: readonly string[], context: RuleContext): NginxEdit | undefined {
  if (level.file.path !== context.document.path) return undefined;
  const inBlock = level.block?.block?.directives.includes(anchor) === true;
  return inBlock ? insertBeforeDirective(context.document.source, anchor, statements) : level.block ? insertAtBlockStart(context.document.source, level.block, statements) : undefined;
}
