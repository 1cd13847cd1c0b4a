import type { FixDraft, Rule, RuleContext } from '../../engine/rule';
import type { NginxArgument, NginxDirective } from '../../formats/nginx/model';
import type { Span } from '../../text/source-text';
import { insertAfterDirective, insertAtBlockStart, nginxWord, replaceArguments, type NginxEdit } from './edits';
import { hasUnread, levelsAround, list, nearestEntries, ownEntries, targetAtLeast, type Level, type LevelEntry } from './levels';
import { ancestorsOf, placedDirectives, type Placed } from './placed';

/**
 * The releases that changed what nginx's TLS allows without `ssl_protocols`
 * (docs/xml/nginx/changes.xml and ngx_http_ssl_merge_srv_conf in nginx/nginx; the stream
 * and mail modules changed with it):
 * - before 1.23.4 the default is TLSv1 TLSv1.1 TLSv1.2;
 * - 1.23.4: "now TLSv1.3 protocol is enabled by default" (TLSv1 TLSv1.1 TLSv1.2 TLSv1.3);
 * - 1.27.3: "now TLSv1 and TLSv1.1 protocols are disabled by default"
 *   (NGX_SSL_DEFAULT_PROTOCOLS, TLSv1.2 TLSv1.3).
 * The TLSv1.3 parameter itself exists since 1.13.0 (ngx_http_ssl_module docs).
 */
const NGINX_1_27_3 = '1.27.3';
const NGINX_1_23_4 = '1.23.4';
const NGINX_1_13_0 = '1.13.0';

/** Protocols ssl_protocols can enable that an RFC forbids, by their lower-cased name (nginx compares them without case). */
const FORBIDDEN_PROTOCOLS: ReadonlyMap<string, string> = new Map([
  ['sslv2', 'RFC 6176'],
  ['sslv3', 'RFC 7568'],
  ['tlsv1', 'RFC 8996'],
  ['tlsv1.1', 'RFC 8996'],
]);

/**
 * A group of cipher suites no server should offer, as an OpenSSL cipher string names it
 * (openssl-ciphers(1), "CIPHER STRINGS"; OpenSSL before 4.0 matches these words with
 * their case, as written here).
 */
interface WeakFamily {
  /** How messages name the suites. */
  readonly name: string;
  /** Words that select the family, and remove it after `!` or `-`. */
  readonly keywords: readonly string[];
  /** Names of single suites of the family (OpenSSL names: `RC4-SHA`, `EDH-RSA-DES-CBC3-SHA`). */
  readonly suite?: RegExp;
  /** OpenSSL classes that hold suites of the family in every release: `HIGH` alone takes in anonymous suites. */
  readonly heldBy?: readonly string[];
  /** What a fix adds after `!` to remove the family for good. */
  readonly exclusion: string;
}

const ANONYMOUS = 'anonymous suites, which authenticate no server';

const WEAK_FAMILIES: readonly WeakFamily[] = [
  { name: 'suites without encryption', keywords: ['eNULL', 'NULL', 'COMPLEMENTOFALL'], suite: /(^|-)NULL(-|$)/, exclusion: 'eNULL' },
  // Anonymous Diffie-Hellman, classic and elliptic-curve: `!ADH` leaves AECDH suites in, only `!aNULL` removes both.
  { name: ANONYMOUS, keywords: ['aNULL', 'ADH', 'COMPLEMENTOFDEFAULT'], suite: /^ADH-/, heldBy: ['ALL', 'HIGH'], exclusion: 'aNULL' },
  { name: ANONYMOUS, keywords: ['aNULL', 'AECDH', 'COMPLEMENTOFDEFAULT'], suite: /^AECDH-/, heldBy: ['ALL', 'HIGH'], exclusion: 'aNULL' },
  { name: 'export-grade suites', keywords: ['EXPORT', 'EXP', 'EXPORT40', 'EXPORT56'], suite: /^EXP(1024)?-/, exclusion: 'EXPORT' },
  { name: 'RC4 suites', keywords: ['RC4'], suite: /(^|-)RC4(-|$)/, exclusion: 'RC4' },
  { name: 'DES suites', keywords: ['DES'], suite: /(^|-)DES-CBC-/, exclusion: 'DES' },
  { name: '3DES suites', keywords: ['3DES'], suite: /(^|-)(DES-CBC3|3DES)-/, exclusion: '3DES' },
  { name: 'MD5 suites', keywords: ['MD5'], suite: /-MD5$/, exclusion: 'MD5' },
  { name: 'LOW suites', keywords: ['LOW'], exclusion: 'LOW' },
];

/** Lowers OpenSSL's security level to 0, which lets in whatever weak suites and keys the library still has. */
const SECURITY_LEVEL_ZERO = '@SECLEVEL=0';

/** Forward-secret suites with authenticated encryption (AES-GCM, ChaCha20-Poly1305); OpenSSL 1.0.1 already knows these words. */
const MODERN_CIPHERS = 'EECDH+AESGCM:EECDH+CHACHA20:EDH+AESGCM:EDH+CHACHA20';

/**
 * TLS that lets clients in with broken protocols or suites: SSLv2, SSLv3, TLS 1.0 and 1.1
 * are forbidden by RFC 6176, 7568 and 8996; NULL, anonymous, export-grade, RC4, DES, 3DES
 * and MD5 suites give up encryption, authentication or a safe key size. `ssl_protocols`
 * and `ssl_ciphers` are read where they are written; a TLS server that sets no
 * `ssl_protocols` (nor does any level around it) gets nginx's default, which enables TLS
 * 1.0 and 1.1 before 1.27.3.
 */
export const weakTls: Rule = {
  id: 'nginx/weak-tls',
  severity: 'warning',
  summary: 'TLS open to broken protocols or suites: SSLv3, TLSv1 or TLSv1.1 in ssl_protocols (or by default before nginx 1.27.3), NULL, anonymous, EXPORT, RC4, DES, 3DES or MD5 suites in ssl_ciphers',

  nginx(file, context) {
    for (const placed of placedDirectives(file, context)) {
      const name = placed.directive.name;
      if (name === 'ssl_protocols') checkProtocols(placed.directive, context);
      else if (name === 'ssl_ciphers') checkCiphers(placed, context);
      else if (name === 'server' && (placed.where === 'http' || placed.where === 'stream')) checkDefaultProtocols(placed, context);
    }
  },
};

/** What the fixes set ssl_protocols to: TLSv1.3 too when the target knows the parameter. */
function modernProtocols(context: RuleContext): string {
  return targetAtLeast(context, NGINX_1_13_0) ? 'TLSv1.2 TLSv1.3' : 'TLSv1.2';
}

function checkProtocols(directive: NginxDirective, context: RuleContext): void {
  const forbidden = directive.args.filter((argument) => FORBIDDEN_PROTOCOLS.has(argument.value.toLowerCase()));
  if (forbidden.length === 0) return;
  const rfcs = [...new Set(forbidden.map((argument) => FORBIDDEN_PROTOCOLS.get(argument.value.toLowerCase())!))];
  const modern = modernProtocols(context);
  const edit = replaceArguments(directive, modern);
  context.report({
    span: { start: forbidden[0]!.span.start, end: forbidden[forbidden.length - 1]!.span.end },
    message: `ssl_protocols allows ${list(forbidden.map((argument) => argument.value))}: insecure protocols that ${list(rfcs)} forbid${rfcs.length === 1 ? 's' : ''} and current browsers no longer use; allow only ${modern}`,
    ...(edit ? { fixes: [{ title: `Allow only ${modern}`, safe: false, preferred: true, edits: [edit] }] } : {}),
  });
}

// ---------------------------------------------------------------- the default

/** What makes a server speak TLS: a `listen … ssl` of its own, or `ssl on` (gone in 1.25.1) in it or around it. */
function tlsSwitch(level: Level, levels: readonly Level[]): LevelEntry | undefined {
  const listen = ownEntries(level, 'listen').find((entry) => entry.directive.args.slice(1).some((argument) => argument.value === 'ssl'));
  if (listen) return listen;
  const ssl = nearestEntries(levels, 'ssl')?.entries;
  const last = ssl?.[ssl.length - 1];
  return last?.directive.args[0]?.value.toLowerCase() === 'on' ? last : undefined;
}

function checkDefaultProtocols(placed: Placed, context: RuleContext): void {
  if (targetAtLeast(context, NGINX_1_27_3)) return;
  const server = placed.directive;
  const levels = levelsAround([...ancestorsOf(placed), server], context);
  const level = levels?.[levels.length - 1];
  // An include nobody could read may set ssl_protocols: nothing sure to say.
  if (!levels || level?.block !== server || hasUnread(levels) || nearestEntries(levels, 'ssl_protocols')) return;
  const tls = tlsSwitch(level, levels);
  if (!tls) return;
  const own = ownEntries(level, tls.directive.name).includes(tls);
  // The line to underline and to add after, in this file: the switch, or the include that reads it in.
  const written = own ? (tls.via ?? tls.directive) : undefined;
  const modern = modernProtocols(context);
  const defaults = targetAtLeast(context, NGINX_1_23_4) ? 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3' : 'TLSv1 TLSv1.1 TLSv1.2';
  const statement = `ssl_protocols ${modern};`;
  const edit = written ? insertAfterDirective(context.document.source, written, [statement]) : insertAtBlockStart(context.document.source, server, [statement]);
  context.report({
    span: written?.span ?? server.nameSpan,
    message: `this server takes TLS connections and no ssl_protocols applies to it, so nginx ${context.targets.nginx} allows TLSv1 and TLSv1.1 (its default before ${NGINX_1_27_3} is ${defaults}), which RFC 8996 forbids; set ssl_protocols ${modern}`,
    ...(edit ? { fixes: [{ title: `Set ssl_protocols ${modern} in this server`, safe: false, preferred: true, edits: [edit] }] } : {}),
  });
}

// ---------------------------------------------------------------- ciphers

/** One element of an OpenSSL cipher string: `!aNULL`, `EECDH+AESGCM`, `RC4-SHA`, `@SECLEVEL=0`. */
interface CipherElement {
  readonly text: string;
  /** Where it starts in the string. */
  readonly offset: number;
  /** `!` removes for good, `-` removes until a later element adds back, `+` only reorders, `` adds. */
  readonly operator: '' | '!' | '-' | '+';
  /** The element without its operator, split at `+`: the suites it selects match every word. */
  readonly words: readonly string[];
}

/** The elements of a cipher string; OpenSSL separates them with `:`, spaces, `;` or `,`. */
function cipherElements(value: string): CipherElement[] {
  return [...value.matchAll(/[^:;, ]+/g)].map((match) => {
    const text = match[0];
    const operator = text[0] === '!' || text[0] === '-' || text[0] === '+' ? text[0] : '';
    return { text, offset: match.index, operator, words: text.slice(operator.length).split('+').filter((word) => word !== '') };
  });
}

/** An element that adds weak suites, and the family they belong to (none for @SECLEVEL=0). */
interface Culprit {
  readonly element: CipherElement;
  readonly family?: WeakFamily;
  /** The element names a broad class holding the family, not the family itself. */
  readonly held: boolean;
}

function selects(element: CipherElement, family: WeakFamily): 'named' | 'held' | undefined {
  const single = element.words.length === 1 ? element.words[0]! : undefined;
  if (element.words.some((word) => family.keywords.includes(word)) || (single !== undefined && family.suite?.test(single))) return 'named';
  return single !== undefined && family.heldBy?.includes(single) ? 'held' : undefined;
}

/** Whether an element removes the family after the element at `index` added it (`!` anywhere, `-` after it). */
function removedLater(elements: readonly CipherElement[], index: number, family: WeakFamily): boolean {
  return elements.some(
    (element, at) => (element.operator === '!' || (element.operator === '-' && at > index)) && element.words.length === 1 && family.keywords.includes(element.words[0]!),
  );
}

function culpritsOf(elements: readonly CipherElement[]): Culprit[] {
  const culprits: Culprit[] = [];
  elements.forEach((element, index) => {
    if (element.operator !== '') return;
    if (element.text === SECURITY_LEVEL_ZERO) culprits.push({ element, held: false });
    for (const family of WEAK_FAMILIES) {
      const how = selects(element, family);
      if (how && !removedLater(elements, index, family)) culprits.push({ element, family, held: how === 'held' });
    }
  });
  return culprits;
}

/** Whether the protocols in force where a directive is written are all TLSv1.3, which ssl_ciphers does not configure. */
function onlyTls13(placed: Placed, context: RuleContext): boolean {
  const levels = levelsAround(ancestorsOf(placed), context);
  const protocols = levels && nearestEntries(levels, 'ssl_protocols')?.entries.flatMap((entry) => entry.directive.args);
  return protocols !== undefined && protocols.length > 0 && protocols.every((argument) => argument.value.toLowerCase() === 'tlsv1.3');
}

function checkCiphers(placed: Placed, context: RuleContext): void {
  const argument = placed.directive.args[0];
  if (!argument || placed.directive.args.length !== 1) return;
  const elements = cipherElements(argument.value);
  const culprits = culpritsOf(elements);
  if (culprits.length === 0 || onlyTls13(placed, context)) return;
  const fixes = [excludeFix(argument, elements, culprits), { title: `Use only forward-secret AEAD suites (${MODERN_CIPHERS})`, safe: false, edits: [{ span: argument.span, newText: MODERN_CIPHERS }] }]
    .filter((fix): fix is FixDraft => fix !== undefined)
    .map((fix, index) => ({ ...fix, preferred: index === 0 }));
  context.report({ span: culpritSpan(argument, culprits, context), message: `ssl_ciphers allows ${list(familyPhrases(culprits))}`, fixes });
}

/** "RC4 suites ("RC4-SHA")", "anonymous suites, which authenticate no server ("HIGH" includes them)". */
function familyPhrases(culprits: readonly Culprit[]): string[] {
  const byName = new Map<string, Culprit[]>();
  for (const culprit of culprits) {
    const name = culprit.family?.name ?? `OpenSSL's security level 0, which lets in every weak suite and key the library has`;
    byName.set(name, [...(byName.get(name) ?? []), culprit]);
  }
  return [...byName].map(([name, group]) => {
    const texts = [...new Set(group.map((culprit) => `"${culprit.element.text}"${culprit.held ? ' includes them' : ''}`))];
    return `${name} (${texts.join(', ')})`;
  });
}

/** From the first culprit to the last, inside the argument; the whole argument when escapes make offsets uncertain. */
function culpritSpan(argument: NginxArgument, culprits: readonly Culprit[], context: RuleContext): Span {
  const raw = context.document.source.slice(argument.span);
  const inner = argument.quote ? raw.slice(1, -1) : raw;
  if (inner !== argument.value) return argument.span;
  const start = argument.span.start + (argument.quote ? 1 : 0);
  const offsets = culprits.map((culprit) => culprit.element.offset);
  const last = culprits.reduce((end, culprit) => Math.max(end, culprit.element.offset + culprit.element.text.length), 0);
  return { start: start + Math.min(...offsets), end: start + last };
}

/**
 * Keeps the string and removes the weak suites for good: `!aNULL`, `!RC4`… appended, and
 * @SECLEVEL=0 dropped. Offered only when an element that adds other suites stays, since
 * a string that selects nothing makes nginx fail ("no cipher match").
 */
function excludeFix(argument: NginxArgument, elements: readonly CipherElement[], culprits: readonly Culprit[]): FixDraft | undefined {
  const named = new Set(culprits.filter((culprit) => !culprit.held).map((culprit) => culprit.element));
  const keeps = elements.some((element) => element.operator === '' && !element.text.startsWith('@') && !named.has(element));
  if (!keeps) return undefined;
  const exclusions = [...new Set(culprits.flatMap((culprit) => (culprit.family ? [`!${culprit.family.exclusion}`] : [])))];
  const dropsLevel = culprits.some((culprit) => !culprit.family);
  const kept = dropsLevel ? elements.filter((element) => element.text !== SECURITY_LEVEL_ZERO).map((element) => element.text).join(':') : argument.value;
  const value = [kept, ...exclusions].join(':');
  const edit: NginxEdit = { span: argument.span, newText: argument.quote ? `${argument.quote}${value}${argument.quote}` : nginxWord(value) };
  const changes = [...(exclusions.length > 0 ? [`add ${exclusions.join(':')}`] : []), ...(dropsLevel ? [`drop ${SECURITY_LEVEL_ZERO}`] : [])];
  return { title: `Remove the weak suites: ${changes.join(' and ')}`, safe: false, edits: [edit] };
}
