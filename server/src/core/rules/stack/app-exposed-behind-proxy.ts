import type { EditDraft, FixDraft, Rule, RuleContext } from '../../engine/rule';
import { list } from '../nginx/levels';
import { rewriteValue, writtenValue } from '../gunicorn/setting-edits';
import { describe, lineOf, listensEverywhere, type Listener } from './listeners';
import { localTargets, loopbackOf, type ReachedTarget } from './proxy-links';

/**
 * gunicorn (or the .socket unit that starts it) listens on every address while nginx, on
 * the same host, proxies to it over loopback. Anyone who can reach the machine can then
 * talk to gunicorn directly, around what nginx is there for: TLS, rate limits, request
 * size limits, buffering against slow clients, the headers it sets. Reported where the
 * address is written.
 */
export const appExposedBehindProxy: Rule = {
  id: 'stack/app-exposed-behind-proxy',
  severity: 'warning',
  summary: 'gunicorn listens on every address while nginx on the same host proxies to it: clients can bypass nginx',

  document(document, context) {
    const byListener = new Map<Listener, ReachedTarget[]>();
    for (const reached of localTargets(context)) {
      for (const listener of reached.answering) {
        if (!listener.run || !listensEverywhere(listener.address) || listener.place.document !== document) continue;
        byListener.set(listener, [...(byListener.get(listener) ?? []), reached]);
      }
    }
    for (const [listener, reached] of byListener) report(listener, reached, context);
  },
};

function report(listener: Listener, reached: readonly ReachedTarget[], context: RuleContext): void {
  const first = reached[0]!.target;
  const where = list([...new Set(reached.map(({ target }) => `${target.text} (${lineOf(target.source, target.span)})`))]);
  const span = listener.bind ? listener.bind.use.valueSpan : listener.socketEntry ? listener.socketEntry.valueSpan : listener.place.span;
  const fix = loopbackFix(listener, loopbackOf(first.address), context);
  context.report({
    span,
    message: `${listener.who} listens on every address (${describe(listener.address)}, ${listener.where}), while nginx on this host reaches it at ${where}: anyone who can reach the machine can talk to gunicorn directly, around nginx's TLS, limits, buffering and headers`,
    related: reached.map(({ target }) => ({ document: target.source, span: target.span, message: 'nginx proxies to the app here' })),
    ...(fix ? { fixes: [fix] } : {}),
  });
}

/** Listen on the loopback address nginx connects to, where the address is written as one value. */
function loopbackFix(listener: Listener, loopback: string, context: RuleContext): FixDraft | undefined {
  if (listener.address.kind !== 'tcp') return undefined;
  const address = describe({ kind: 'tcp', host: loopback, port: listener.address.port });
  let edit: EditDraft | undefined;
  if (listener.bind && listener.bind.use.value.kind === 'string') {
    edit = rewriteValue(listener.bind.use, writtenValue({ kind: 'string', value: address }, listener.bind.use.document, listener.bind.use.layer));
  } else if (listener.socketEntry) {
    edit = { span: listener.socketEntry.valueSpan, newText: address };
  }
  if (!edit || (edit.document && edit.document.path !== context.document.path)) return undefined;
  return { title: `Listen on ${address} only, where nginx connects`, safe: false, preferred: true, edits: [edit] };
}
