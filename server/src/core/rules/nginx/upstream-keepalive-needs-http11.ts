import type { ParsedDocument } from '../../engine/document';
import type { EditDraft, RelatedDraft, Rule, RuleContext } from '../../engine/rule';
import type { NginxDirective } from '../../formats/nginx/model';
import { proxyLocationEdits, replaceArguments, type ProxyChange } from './edits';
import {
  argumentsText,
  directivesEverywhere,
  hasToken,
  hasUnread,
  levelsAround,
  lineOf,
  list,
  NGINX_1_29_7,
  proxySettings,
  upgradeMap,
  type Level,
  type NginxSource,
  type ProxySettings,
} from './levels';
import { placedDirectives } from './placed';

/**
 * `keepalive` in an upstream keeps idle connections to its servers for reuse, but nginx
 * only reuses a connection the upstream left open: the request must go out as HTTP/1.1
 * without `Connection: close`. Before 1.29.7 nginx proxies with HTTP/1.0 and sends
 * `Connection: close` unless every location says otherwise ("For HTTP, the
 * proxy_http_version directive should be set to "1.1" and the "Connection" header field
 * should be cleared", ngx_http_upstream_module docs, keepalive). nginx 1.29.7 made both
 * the default (CHANGES 1.29.7: "the default value for "proxy_http_version" is "1.1"; the
 * "Connection" proxy header is not sent by default anymore"), so from then on only a
 * location that asks for HTTP/1.0 or `Connection: close` defeats it.
 */
export const upstreamKeepaliveNeedsHttp11: Rule = {
  id: 'nginx/upstream-keepalive-needs-http11',
  severity: 'warning',
  summary: 'keepalive in an upstream whose locations proxy with HTTP/1.0 or "Connection: close" (the defaults before nginx 1.29.7): no connection is ever reused',

  nginx(file, context) {
    for (const placed of placedDirectives(file, context)) {
      const keepalive = placed.directive;
      const upstream = placed.parent?.directive;
      if (keepalive.name !== 'keepalive' || placed.where !== 'upstream' || !upstream) continue;
      const name = upstream.args[0]?.value;
      if (!name) continue;
      const closing = usersOf(name, context)
        .map((user) => judge(user, context))
        .filter((user): user is Closing => user !== undefined);
      if (closing.length === 0) continue;
      report(keepalive, name, closing, context);
    }
  },
};

/** A proxy_pass to the upstream, where it is written. */
interface User {
  readonly proxyPass: NginxDirective;
  readonly source: NginxSource;
  readonly ancestors: readonly NginxDirective[];
  readonly location: NginxDirective;
}

/** A location whose requests to the upstream close the connection, and why. */
interface Closing extends User {
  readonly levels: readonly Level[];
  readonly settings: ProxySettings;
  readonly http10: boolean;
  readonly closes: boolean;
  /** The map that gives "close" to requests without Upgrade, when that is how. */
  readonly map?: ReturnType<typeof upgradeMap>;
}

/** Every proxy_pass to `http://name` or `http://name/…` (https too) in a location of the known files. */
function usersOf(name: string, context: RuleContext): User[] {
  const users: User[] = [];
  for (const { directive, source, ancestors } of directivesEverywhere('proxy_pass', context)) {
    const target = /^https?:\/\/([^/:?]+)(\/.*)?$/i.exec(directive.args[0]?.value ?? '')?.[1];
    // nginx looks upstream names up without regard to case (ngx_http_upstream_add).
    if (target === undefined || target.toLowerCase() !== name.toLowerCase()) continue;
    const location = [...ancestors].reverse().find((ancestor) => ancestor.name === 'location');
    if (location) users.push({ proxyPass: directive, source, ancestors, location });
  }
  return users;
}

function judge(user: User, context: RuleContext): Closing | undefined {
  const levels = levelsAround(user.ancestors, context, user.source);
  // An include nobody could read may set either: nothing sure to say.
  if (!levels || hasUnread(levels)) return undefined;
  const settings = proxySettings(levels, context);
  const http10 = settings.httpVersion !== '1.1';
  let closes = hasToken(settings.connection, 'close');
  let map: ReturnType<typeof upgradeMap>;
  const variable = /^\$\w+$/.exec(settings.connection)?.[0];
  if (variable) {
    map = upgradeMap(variable, context);
    closes = map !== undefined && hasToken(map.ordinary, 'close');
  }
  if (!http10 && !closes) return undefined;
  return { ...user, levels, settings, http10, closes, ...(closes && map ? { map } : {}) };
}

function report(keepalive: NginxDirective, name: string, closing: readonly Closing[], context: RuleContext): void {
  const locations = unique(closing.map((user) => `location ${argumentsText(user.location, user.source)}`));
  const missing = [
    ...(closing.some((user) => user.http10) ? ['proxy_http_version 1.1'] : []),
    ...(closing.some((user) => user.closes) ? ['proxy_set_header Connection ""'] : []),
  ].join(' and ');
  const many = locations.length > 1;
  const fix = fixFor(closing, missing, locations, context);
  context.report({
    span: keepalive.span,
    message: `keepalive is not used for requests through ${list(locations)}: ${many ? 'they proxy' : 'it proxies'} to "${name}" without ${missing}, so under nginx ${context.targets.nginx} each upstream connection is closed after one request`,
    related: closing.map((user): RelatedDraft => ({ document: user.source, span: user.proxyPass.span, message: `proxies to "${name}" with ${causes(user, context)}` })),
    ...(fix ? { fixes: [fix] } : {}),
  });
}

/** What makes one location close its connections, for the related information. */
function causes(user: Closing, context: RuleContext): string {
  const parts: string[] = [];
  const beforeDefault = `nginx's default before ${NGINX_1_29_7}`;
  if (user.http10) {
    const entry = user.settings.httpVersionEntry;
    parts.push(`HTTP/${user.settings.httpVersion} (${entry ? `proxy_http_version on ${lineOf(entry, context)}` : beforeDefault})`);
  }
  if (user.closes) {
    const entry = user.settings.connectionEntry;
    if (user.map) parts.push(`"Connection: close" (${user.settings.connection} is "close" for requests without Upgrade: map on ${lineOf({ directive: user.map.directive, file: user.map.source }, context)})`);
    else parts.push(`"Connection: close" (${entry ? `proxy_set_header on ${lineOf(entry, context)}` : beforeDefault})`);
  }
  return parts.join(' and ');
}

/**
 * Sets the missing directives in each location (rewriting `proxy_http_version 1.0` or a
 * `Connection` line in place). A `Connection` value that comes from a map is fixed in the
 * map: its `''` entry (requests without Upgrade) becomes `""`, so WebSocket handshakes
 * still get "upgrade". Offered only when every location can be edited.
 */
function fixFor(closing: readonly Closing[], missing: string, locations: readonly string[], context: RuleContext) {
  const edits: EditDraft[] = [];
  const done = new Set<NginxDirective>();
  const maps = new Set<NginxDirective>();
  for (const user of closing) {
    const document = editable(user.source, context);
    if (!document) return undefined;
    if (done.has(user.location)) continue;
    done.add(user.location);
    const headers: ProxyChange['headers'] = user.closes && !user.map ? [{ name: 'Connection', value: '""' }] : [];
    const change = proxyLocationEdits(user.proxyPass, user.ancestors, document.source, user.levels, { http11: user.http10, headers });
    if (!change) return undefined;
    edits.push(...change.map((edit) => ({ ...edit, document })));
    if (user.closes && user.map && !maps.has(user.map.directive)) {
      maps.add(user.map.directive);
      const mapDocument = editable(user.map.source, context);
      const entry = user.map.directive.block?.directives.find((line) => line.name === '' && line.args.length === 1);
      const edit = entry && replaceArguments(entry, '""');
      if (!mapDocument || !edit) return undefined;
      edits.push({ ...edit, document: mapDocument });
    }
  }
  return {
    title: `Set ${missing} in ${list(locations)}${maps.size > 0 ? ` (through the map: its '' entry becomes "")` : ''}`,
    safe: false,
    preferred: true,
    edits: edits.map((edit) => (edit.document === context.document ? { span: edit.span, newText: edit.newText } : edit)),
  };
}

function editable(source: NginxSource, context: RuleContext): ParsedDocument | undefined {
  const document = context.workspace.document(source.path);
  return document?.nginx ? document : undefined;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
