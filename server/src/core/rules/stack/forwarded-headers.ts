import { effectiveUse, type GunicornRun, type PlacedUse } from '../../engine/gunicorn-runs';
import type { FixDraft, Rule, RuleContext } from '../../engine/rule';
import type { PyValue } from '../../formats/gunicorn/value';
import { compareVersions } from '../../model/version';
import { insertAfterDirective } from '../nginx/edits';
import { nearestEntries, ownEntries, type Level, type LevelEntry } from '../nginx/levels';
import { evaluateOnHost, whereUse } from '../gunicorn/run-settings';
import { rewriteValue, writtenValue } from '../gunicorn/setting-edits';
import { lineOf, type Listener } from './listeners';
import { levelsKnown, localTargets, loopbackOf, type ProxyLink, type ReachedTarget } from './proxy-links';

/**
 * nginx and gunicorn must agree on how a request says it came in over HTTPS. gunicorn sets
 * `wsgi.url_scheme` to https when a header of `secure_scheme_headers` (X-Forwarded-Proto:
 * https by default) comes from an address in `forwarded_allow_ips` (a unix socket peer is
 * always trusted); otherwise the app believes every request is plain http. Two ways it
 * breaks:
 *
 * - nginx terminates TLS and proxies to gunicorn without such a header: reported on the
 *   proxy_pass;
 * - nginx sends one over TCP from a loopback address that `forwarded_allow_ips` leaves
 *   out: reported where forwarded_allow_ips is set.
 */
export const forwardedHeaders: Rule = {
  id: 'stack/forwarded-headers',
  severity: 'warning',
  summary: 'nginx terminates TLS but gunicorn is not told (no X-Forwarded-Proto), or gunicorn does not trust the proxy that tells it: the app sees every request as plain http',

  document(document, context) {
    const reached = localTargets(context).filter((candidate) => candidate.answering.some((listener) => listener.run));
    if (document.nginx) checkProxies(reached, context);
    checkTrust(reached, context);
  },
};

/** Header names nginx may send to say the request came over HTTPS: gunicorn's secure_scheme_headers, and X-Forwarded-Proto that apps read themselves. */
function schemeHeaders(run: GunicornRun, context: RuleContext): Set<string> {
  const names = new Set(['x-forwarded-proto']);
  const use = effectiveUse(run, 'secure_scheme_headers');
  const value = use ? evaluateOnHost(use.value, context) : undefined;
  if (value?.kind === 'dict') for (const entry of value.entries) if (entry.key.kind === 'string') names.add(entry.key.value.toLowerCase());
  if (!use) for (const name of Object.keys(context.knowledge.gunicorn.setting('secure_scheme_headers')?.default ?? {})) names.add(name.toLowerCase());
  return names;
}

/** The scheme headers nginx sends at a proxy_pass: proxy_set_header lines of the innermost level that has any, with a value. */
function sentSchemeHeaders(levels: readonly Level[], names: ReadonlySet<string>): LevelEntry[] {
  return (nearestEntries(levels, 'proxy_set_header')?.entries ?? []).filter((entry) => {
    const [name, value] = entry.directive.args;
    return name !== undefined && names.has(name.value.toLowerCase()) && value !== undefined && value.value !== '';
  });
}

function checkProxies(reached: readonly ReachedTarget[], context: RuleContext): void {
  const seen = new Set<ProxyLink>();
  for (const { link, answering } of reached) {
    if (seen.has(link) || link.proxyPass.source.path !== context.document.path || !levelsKnown(link)) continue;
    seen.add(link);
    const tls = tlsListen(link.levels);
    const app = answering.find((listener) => listener.run);
    if (!tls || !app || sentSchemeHeaders(link.levels, schemeHeaders(app.run!, context)).length > 0) continue;
    const fix = addProtoHeader(link, context);
    context.report({
      span: link.proxyPass.directive.span,
      message: `nginx terminates TLS (listen … ${tls.directive.args.find((arg) => ['ssl', 'quic'].includes(arg.value))!.value}, ${lineOf(tls.file, tls.directive.span)}) but proxies to ${app.who} without X-Forwarded-Proto: gunicorn sets wsgi.url_scheme to http, so the app builds http:// links and redirects and cannot tell an HTTPS request from a plain one`,
      related: [{ document: tls.file, span: tls.directive.span, message: 'clients connect over TLS here' }, app.origin],
      ...(fix ? { fixes: [fix] } : {}),
    });
  }
}

/** The server's `listen … ssl` (or quic) line: nginx speaks TLS to the client. */
function tlsListen(levels: readonly Level[]): LevelEntry | undefined {
  const server = levels.find((level) => level.context === 'server');
  return server ? ownEntries(server, 'listen').find((entry) => entry.directive.args.slice(1).some((arg) => arg.value === 'ssl' || arg.value === 'quic')) : undefined;
}

/** `proxy_set_header X-Forwarded-Proto $scheme;` beside the headers nginx sends there already, or after the proxy_pass when it sends none of its own. */
function addProtoHeader(link: ProxyLink & { readonly levels: readonly Level[] }, context: RuleContext): FixDraft | undefined {
  const line = 'proxy_set_header X-Forwarded-Proto $scheme;';
  const headers = nearestEntries(link.levels, 'proxy_set_header');
  const last = headers?.entries.at(-1);
  const anchor = last ? (last.via ?? last.directive) : link.proxyPass.directive;
  const anchorFile = last ? (last.via ? headers!.level.file : last.file) : link.proxyPass.source;
  if (anchorFile.path !== context.document.path) return undefined;
  return { title: `Tell gunicorn the scheme: ${line}`, safe: false, preferred: true, edits: [insertAfterDirective(context.document.source, anchor, [line])] };
}

function checkTrust(reached: readonly ReachedTarget[], context: RuleContext): void {
  const reported = new Set<PlacedUse>();
  for (const { link, target, answering } of reached) {
    if (target.address.kind !== 'tcp' || !levelsKnown(link)) continue;
    for (const listener of answering) {
      const use = listener.run ? effectiveUse(listener.run, 'forwarded_allow_ips') : undefined;
      if (!use || use.document !== context.document || reported.has(use)) continue;
      const sent = sentSchemeHeaders(link.levels, schemeHeaders(listener.run!, context));
      const trusted = trustedAddresses(evaluateOnHost(use.value, context));
      const from = loopbackOf(target.address);
      if (sent.length === 0 || !trusted || trusts(trusted, from, compareVersions(context.targets.gunicorn, GUNICORN_NETWORKS) >= 0)) continue;
      reported.add(use);
      reportDistrust(use, listener, from, sent[0]!, target.text, context);
    }
  }
}

function reportDistrust(use: PlacedUse, listener: Listener, from: string, header: LevelEntry, target: string, context: RuleContext): void {
  const fix = use.value.kind === 'string' ? trustFix(use, use.value.value, from) : undefined;
  context.report({
    span: use.valueSpan,
    message: `forwarded_allow_ips (${whereUse(use)}) leaves out ${from}, the address nginx on this host connects from to reach ${listener.who} at ${target}: gunicorn ignores the ${header.directive.args[0]!.value} header nginx sends (${lineOf(header.file, header.directive.span)}), so the app sees every request as plain http`,
    related: [{ document: header.file, span: header.directive.span, message: 'nginx says here how the client connected' }],
    ...(fix ? { fixes: [fix] } : {}),
  });
}

function trustFix(use: PlacedUse, written: string, from: string): FixDraft {
  const value = written.trim() === '' ? from : `${written},${from}`;
  return { title: `Trust nginx's address: forwarded_allow_ips = ${value}`, safe: false, preferred: true, edits: [rewriteValue(use, writtenValue({ kind: 'string', value }, use.document, use.layer))] };
}

/** The addresses a forwarded_allow_ips value lists (a comma-separated string or a list), or undefined when it cannot be read. */
function trustedAddresses(value: PyValue): string[] | undefined {
  const items = value.kind === 'list' ? value.items : [value];
  const found: string[] = [];
  for (const item of items) {
    if (item.kind !== 'string') return undefined;
    found.push(...item.value.split(',').map((part) => part.trim()).filter((part) => part !== ''));
  }
  return found;
}

/** gunicorn reads networks (`127.0.0.0/8`) in forwarded_allow_ips from 25.0 (_ip_in_allow_list in gunicorn/http/message.py); before, only exact addresses. */
const GUNICORN_NETWORKS = '25.0.0';

/** Whether the list trusts an address: `*`, the address itself, or an IPv4 network holding it where gunicorn reads networks. */
function trusts(trusted: readonly string[], address: string, networks: boolean): boolean {
  return trusted.some((entry) => entry === '*' || entry === address || (networks && inNetwork(entry, address)));
}

function inNetwork(network: string, address: string): boolean {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(network);
  const toNumber = (dotted: string) => dotted.split('.').reduce((total, part) => total * 256 + Number(part), 0);
  if (!match || address.includes(':')) return false;
  const bits = Number(match[2]);
  const size = 2 ** (32 - bits);
  return Math.floor(toNumber(match[1]!) / size) === Math.floor(toNumber(address) / size);
}
