import type { GunicornRun } from '../../engine/gunicorn-runs';
import type { FixDraft, RelatedDraft, Rule, RuleContext } from '../../engine/rule';
import type { NginxDirective } from '../../formats/nginx/model';
import { parseNginxTime } from '../../formats/nginx/values';
import { timeoutAbove } from '../../host/sizing';
import { insertAfterDirective, replaceArguments } from '../nginx/edits';
import { nearestEntries, type LevelEntry } from '../nginx/levels';
import { effectiveNumber, effectiveWorkerClass, whereUse, type Effective } from '../gunicorn/run-settings';
import { setSetting } from '../gunicorn/setting-edits';
import { useSpan } from '../gunicorn/use-span';
import { lineOf } from './listeners';
import { levelsKnown, localTargets, type ProxyLink } from './proxy-links';

/** nginx's proxy_read_timeout when no level sets it (ngx_http_proxy_module). */
const NGINX_DEFAULT_READ_TIMEOUT = 60;

/**
 * nginx stops waiting for gunicorn's answer (proxy_read_timeout, 60 s by default) before
 * gunicorn stops a worker busy with a request (`timeout`): the client gets 504 Gateway
 * Timeout while the worker goes on, serving nobody, for up to gunicorn's timeout. Only for
 * sync workers, where `timeout` bounds a request: a gthread or async worker keeps
 * answering gunicorn's heartbeat while a request runs, so its timeout says nothing of how
 * long requests take.
 */
export const proxyTimeoutBelowAppTimeout: Rule = {
  id: 'stack/proxy-timeout-below-app-timeout',
  severity: 'warning',
  summary: "nginx's proxy_read_timeout is shorter than gunicorn's timeout: slow requests get 504 while their worker keeps working",

  nginx(_file, context) {
    const reported = new Set<NginxDirective>();
    for (const cut of shortWaits(context)) {
      const place = placeOf(cut, context);
      if (!place || reported.has(place)) continue;
      reported.add(place);
      report(place, cut, context);
    }
  },
};

/**
 * Where the finding goes: on the proxy_read_timeout in force, or, where none is set or it
 * is written in a file nobody checks, on the proxy_pass.
 */
function placeOf(cut: ShortWait, context: RuleContext): NginxDirective | undefined {
  const timeoutFile = cut.readTimeout?.file.path;
  if (timeoutFile === context.document.path) return cut.readTimeout!.directive;
  if (cut.link.proxyPass.source.path !== context.document.path) return undefined;
  return timeoutFile !== undefined && context.workspace.document(timeoutFile) ? undefined : cut.link.proxyPass.directive;
}

/** A proxy_pass whose wait is shorter than the timeout of a gunicorn it reaches. */
interface ShortWait {
  readonly link: ProxyLink;
  readonly readSeconds: number;
  /** The proxy_read_timeout in force, when a level sets one. */
  readonly readTimeout?: LevelEntry;
  readonly run: GunicornRun;
  readonly who: string;
  readonly timeout: Effective<number>;
}

function shortWaits(context: RuleContext): ShortWait[] {
  const found: ShortWait[] = [];
  const seen = new Set<ProxyLink>();
  for (const { link, answering } of localTargets(context)) {
    if (seen.has(link) || !levelsKnown(link)) continue;
    const entry = nearestEntries(link.levels, 'proxy_read_timeout')?.entries.at(-1);
    const readSeconds = entry ? parseNginxTime(entry.directive.args[0]?.value ?? '') : NGINX_DEFAULT_READ_TIMEOUT;
    if (readSeconds === undefined) continue;
    // Of the gunicorns behind the link, the one that lets a request run longest.
    let longest: ShortWait | undefined;
    for (const listener of answering) {
      const run = listener.run;
      if (!run || effectiveWorkerClass(run, context)?.running?.name !== 'sync') continue;
      const timeout = effectiveNumber(run, 'timeout', context);
      // 0 turns gunicorn's timeout off: nothing to compare with.
      if (!timeout || timeout.value <= readSeconds || (longest && longest.timeout.value >= timeout.value)) continue;
      longest = { link, readSeconds, ...(entry ? { readTimeout: entry } : {}), run, who: listener.who, timeout };
    }
    if (longest) {
      seen.add(link);
      found.push(longest);
    }
  }
  return found;
}

function report(place: NginxDirective, cut: ShortWait, context: RuleContext): void {
  const read = cut.readTimeout ? `proxy_read_timeout ${cut.readTimeout.directive.args[0]!.value}` : `proxy_read_timeout's default, ${NGINX_DEFAULT_READ_TIMEOUT} s`;
  const timeoutWhere = cut.timeout.use ? whereUse(cut.timeout.use) : "gunicorn's default";
  const related: RelatedDraft[] = [];
  if (cut.timeout.use) related.push({ document: cut.timeout.use.document, span: useSpan(cut.timeout.use), message: `gunicorn's timeout: ${cut.timeout.value} s` });
  if (place !== cut.link.proxyPass.directive) related.push({ document: cut.link.proxyPass.source, span: cut.link.proxyPass.directive.span, message: 'the requests nginx passes to gunicorn' });
  context.report({
    span: place.span,
    message: `nginx waits ${seconds(cut.readSeconds)} for ${cut.who} to answer (${read}), but gunicorn lets a sync worker spend up to ${seconds(cut.timeout.value)} on a request (timeout, ${timeoutWhere}): a request slower than ${seconds(cut.readSeconds)} gets 504 Gateway Timeout while its worker keeps working on an answer nobody will read`,
    related,
    fixes: [...waitLonger(place, cut, context), ...stopSooner(cut, context)],
  });
}

/** nginx waits a little longer than gunicorn lets a worker run: gunicorn's own timeout then decides. */
function waitLonger(place: NginxDirective, cut: ShortWait, context: RuleContext): FixDraft[] {
  const sized = timeoutAbove(cut.timeout.value);
  const value = `${sized.value}s`;
  const edit = place === cut.readTimeout?.directive ? replaceArguments(place, value) : insertAfterDirective(context.document.source, place, [`proxy_read_timeout ${value};`]);
  if (!edit) return [];
  return [{ title: `Wait ${value} for gunicorn: its timeout ${sized.arithmetic}`, safe: false, preferred: true, edits: [edit] }];
}

/** gunicorn gives up on a request when nginx does: offered where gunicorn's timeout is written. */
function stopSooner(cut: ShortWait, context: RuleContext): FixDraft[] {
  if (!cut.timeout.use || !Number.isInteger(cut.readSeconds) || cut.readSeconds < 1) return [];
  const edits = setSetting(cut.run, 'timeout', { kind: 'number', value: cut.readSeconds, integer: true }, context);
  return edits.length > 0 ? [{ title: `Lower gunicorn's timeout to ${cut.readSeconds} s (${lineOf(cut.timeout.use.document, cut.timeout.use.span)})`, safe: false, edits }] : [];
}

function seconds(value: number): string {
  return `${Math.round(value * 1000) / 1000} s`;
}
