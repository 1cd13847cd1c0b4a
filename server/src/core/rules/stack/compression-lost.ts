import type { EditDraft, FixDraft, RelatedDraft, Rule, RuleContext } from '../../engine/rule';
import type { NginxDirective } from '../../formats/nginx/model';
import { walkNginx } from '../../formats/nginx/walk';
import { insertAfterDirective, removeDirective, replaceArguments } from '../nginx/edits';
import { directivesEverywhere, hasUnread, levelsAround, list, nearestEntries, ownEntries, type Level, type LevelEntry, type NginxSource } from '../nginx/levels';

/**
 * `proxy_set_header Accept-Encoding ""` keeps the client's Accept-Encoding from the app,
 * so the app (Flask-Compress, Django's GZipMiddleware) never compresses; what reaches the
 * client compressed is then only what nginx compresses itself. nginx's gzip filter
 * compresses proxied responses like any other when `gzip` is on; `gzip_proxied` only
 * concerns requests that reach nginx through another proxy, which it recognises by their
 * Via header (ngx_http_gzip_ok() in ngx_http_core_module.c: without Via the request is
 * compressed whatever gzip_proxied says). So pages travel uncompressed:
 *
 * - for every request, when gzip is off where the app's responses pass (nginx's default);
 * - for requests through a proxy in front of nginx that adds Via, when gzip_proxied is off
 *   (its default). That nginx sits behind a proxy is taken from `set_real_ip_from` in
 *   force there; without it the case is not reported.
 */
export const compressionLost: Rule = {
  id: 'stack/compression-lost',
  severity: 'warning',
  summary: 'nginx clears Accept-Encoding towards the app, so the app never compresses, while nginx does not compress what it proxies either: pages travel uncompressed',

  nginx(file, context) {
    walkNginx(file.directives, (directive) => {
      if (!clearsAcceptEncoding(directive)) return;
      const affected = proxiesUsing(directive, context);
      const off = affected.filter((user) => !user.gzip.on);
      const viaOnly = affected.filter((user) => user.gzip.on && user.behindProxy && !user.proxiedCompressed.on);
      if (off.length > 0) reportOff(directive, off, affected, context);
      else if (viaOnly.length > 0) reportVia(directive, viaOnly, affected, context);
    });
  },
};

/** `proxy_set_header Accept-Encoding ""` (not sent at all) or `identity` (no compression accepted). */
function clearsAcceptEncoding(directive: NginxDirective): boolean {
  const [name, value] = directive.args;
  return directive.name === 'proxy_set_header' && name?.value.toLowerCase() === 'accept-encoding' && value !== undefined && ['', 'identity'].includes(value.value.trim().toLowerCase());
}

/** A setting read at a proxy_pass, and the line that decides it when one does. */
interface Setting {
  readonly on: boolean;
  readonly entry?: LevelEntry;
  /** Index in the proxy's levels of the level that decides it. */
  readonly depth: number;
}

/** A proxy_pass whose requests go out with the header cleared, and what nginx does with its responses. */
interface ProxyUse {
  readonly proxyPass: NginxDirective;
  readonly source: NginxSource;
  readonly levels: readonly Level[];
  /** Where the clearing line sits in its levels. */
  readonly clearingDepth: number;
  readonly gzip: Setting;
  readonly vary: Setting;
  readonly proxiedCompressed: Setting;
  /** `set_real_ip_from` in force: nginx sits behind another proxy. */
  readonly behindProxy?: LevelEntry;
}

/** Every proxy_pass the clearing line applies to (its level's proxy_set_header lines are the ones in force there). */
function proxiesUsing(clearing: NginxDirective, context: RuleContext): ProxyUse[] {
  const uses: ProxyUse[] = [];
  for (const { directive, source, ancestors } of directivesEverywhere('proxy_pass', context)) {
    const levels = levelsAround(ancestors, context, source);
    if (!levels || hasUnread(levels)) continue;
    const headers = nearestEntries(levels, 'proxy_set_header');
    const effective = headers?.entries.filter((entry) => entry.directive.args[0]?.value.toLowerCase() === 'accept-encoding').at(-1);
    if (effective?.directive !== clearing) continue;
    const realIp = nearestEntries(levels, 'set_real_ip_from');
    uses.push({
      proxyPass: directive,
      source,
      levels,
      clearingDepth: levels.indexOf(headers!.level),
      gzip: setting(levels, 'gzip', (args) => args[0] === 'on'),
      vary: setting(levels, 'gzip_vary', (args) => args[0] === 'on'),
      // Any value but off compresses at least some responses to requests with Via.
      proxiedCompressed: setting(levels, 'gzip_proxied', (args) => !args.includes('off')),
      ...(realIp ? { behindProxy: realIp.entries[0]! } : {}),
    });
  }
  return uses;
}

/** A directive read from the innermost level that sets it (off when none does, nginx's default for the gzip module's flags). */
function setting(levels: readonly Level[], name: string, isOn: (args: readonly string[]) => boolean): Setting {
  const found = nearestEntries(levels, name);
  const entry = found?.entries.at(-1);
  if (!found || !entry) return { on: false, depth: -1 };
  return { on: isOn(entry.directive.args.map((arg) => arg.value.toLowerCase())), entry, depth: levels.indexOf(found.level) };
}

function reportOff(clearing: NginxDirective, off: readonly ProxyUse[], affected: readonly ProxyUse[], context: RuleContext): void {
  const deciding = off.find((user) => user.gzip.entry)?.gzip.entry;
  const gzipWhere = deciding ? `gzip off, ${lineOf(deciding, context)}` : "nginx's default: gzip off";
  context.report({
    span: clearing.span,
    message: `proxy_set_header Accept-Encoding "${clearing.args[1]!.value}" hides the client's Accept-Encoding from the app behind ${targets(off)}, so the app never compresses, and nginx does not compress either (${gzipWhere}): dynamic pages reach clients uncompressed`,
    related: [...proxyRelated(off), ...(deciding ? [{ document: deciding.file, span: deciding.directive.span, message: 'gzip is off here for the proxied responses' }] : [])],
    fixes: fixes(clearing, affected, context),
  });
}

function reportVia(clearing: NginxDirective, viaOnly: readonly ProxyUse[], affected: readonly ProxyUse[], context: RuleContext): void {
  const first = viaOnly[0]!;
  const proxied = first.proxiedCompressed.entry;
  const realIp = first.behindProxy!;
  context.report({
    span: clearing.span,
    severity: 'info',
    message:
      `proxy_set_header Accept-Encoding "${clearing.args[1]!.value}" hides the client's Accept-Encoding from the app behind ${targets(viaOnly)}, so the app never compresses; ` +
      `nginx sits behind another proxy (set_real_ip_from, ${lineOf(realIp, context)}), and ${proxied ? `gzip_proxied off (${lineOf(proxied, context)})` : "gzip_proxied's default, off,"} keeps nginx from compressing the requests that proxy sends with a Via header: those pages reach clients uncompressed`,
    related: [...proxyRelated(viaOnly), { document: realIp.file, span: realIp.directive.span, message: 'requests come through another proxy' }],
    fixes: fixes(clearing, affected, context),
  });
}

function proxyRelated(uses: readonly ProxyUse[]): RelatedDraft[] {
  return uses.map((user) => ({ document: user.source, span: user.proxyPass.span, message: 'proxies to the app without Accept-Encoding' }));
}

function targets(uses: readonly ProxyUse[]): string {
  return list([...new Set(uses.map((user) => user.proxyPass.args[0]?.value ?? ''))]);
}

function fixes(clearing: NginxDirective, affected: readonly ProxyUse[], context: RuleContext): FixDraft[] {
  const compress = compressInNginx(clearing, affected, context);
  const stop = stopClearing(clearing, affected, context);
  return [...(compress ? [compress] : []), ...(stop ? [stop] : [])];
}

/**
 * nginx compresses the proxied responses: `gzip on`, `gzip_vary on` (caches keep the
 * compressed and plain copies apart) and, where requests come through another proxy,
 * `gzip_proxied any`, each set at the level of the clearing line (its own assignment
 * rewritten, else a line added after the clearing one). Not offered when a location below
 * that level turns one of them off again, or when the assignment to rewrite is in a file
 * the run does not check.
 */
function compressInNginx(clearing: NginxDirective, affected: readonly ProxyUse[], context: RuleContext): FixDraft | undefined {
  const wanted: [string, string, (user: ProxyUse) => Setting | undefined][] = [
    ['gzip', 'on', (user) => user.gzip],
    ['gzip_vary', 'on', (user) => user.vary],
    ['gzip_proxied', 'any', (user) => (user.behindProxy ? user.proxiedCompressed : undefined)],
  ];
  const added: string[] = [];
  const edits: EditDraft[] = [];
  const changed: string[] = [];
  for (const [name, value, read] of wanted) {
    const off = affected.filter((user) => read(user)?.on === false);
    if (off.length === 0) continue;
    // A location below the clearing line's level that turns it off would keep it off.
    if (off.some((user) => read(user)!.depth > user.clearingDepth)) return undefined;
    const owns = new Set(off.map((user) => ownEntries(user.levels[user.clearingDepth]!, name).at(-1)));
    if (owns.size !== 1) return undefined;
    const [own] = owns;
    if (own) {
      const edit = own.file.path === context.document.path ? replaceArguments(own.directive, value) : undefined;
      if (!edit) return undefined;
      edits.push(edit);
    } else {
      added.push(`${name} ${value};`);
    }
    changed.push(`${name} ${value}`);
  }
  if (added.length > 0) edits.push(insertAfterDirective(context.document.source, clearing, added));
  if (edits.length === 0) return undefined;
  return { title: `Let nginx compress the proxied responses: ${list(changed)}`, safe: false, preferred: true, edits };
}

/**
 * The app compresses: the clearing line goes. Offered when that changes nothing else: a
 * level whose only proxy_set_header it is would, without it, inherit the outer levels'
 * proxy_set_header lines.
 */
function stopClearing(clearing: NginxDirective, affected: readonly ProxyUse[], context: RuleContext): FixDraft | undefined {
  const changesInheritance = affected.some((user) => {
    const level = user.levels[user.clearingDepth]!;
    return ownEntries(level, 'proxy_set_header').length === 1 && nearestEntries(user.levels.slice(0, user.clearingDepth), 'proxy_set_header') !== undefined;
  });
  if (changesInheritance) return undefined;
  return { title: 'Stop clearing Accept-Encoding: the app sees what the client accepts and compresses itself', safe: false, edits: [removeDirective(context.document.source, clearing)] };
}

function lineOf(entry: Pick<LevelEntry, 'directive' | 'file'>, context: RuleContext): string {
  const line = entry.file.source.positionAt(entry.directive.span.start).line + 1;
  return entry.file.path === context.document.path ? `line ${line}` : `${entry.file.path.slice(entry.file.path.lastIndexOf('/') + 1)}:${line}`;
}
