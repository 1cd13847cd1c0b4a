import type { FixDraft, RelatedDraft, Rule, RuleContext } from '../../engine/rule';
import type { NginxDirective } from '../../formats/nginx/model';
import { canMatch, compileAutomaton, isFixedText, LINE_FEED, parseRegex, samplesOf, startsWithSlash, type Automaton, type Capture, type Regex, type SampleCharacter } from '../../formats/nginx/regex';
import { childrenNamed } from '../../formats/nginx/walk';
import type { SourceText, Span } from '../../text/source-text';
import { list } from './levels';
import { ancestorsOf, placedDirectives, type Placed } from './placed';

/**
 * The nginx misconfigurations gixy (Yandex's nginx analyser) is known for, each reported
 * on its own: alias traversal, $http_host in Host headers and redirects, header splitting
 * through decoded variables, proxy_pass to a host the client picks, `valid_referers none`,
 * loose Origin and Referer regexes, and `server_tokens on`. Where the facts are nginx's own
 * (what is decoded, what is escaped), they are read from its source and checked against
 * nginx 1.22.1.
 */
export const proxySecurity: Rule = {
  id: 'nginx/proxy-security',
  severity: 'warning',
  summary:
    'Security mistakes gixy finds: alias path traversal, $http_host in Host headers and redirects, header splitting through $uri or regex captures, proxy_pass to a host the client picks, valid_referers none, loose Origin/Referer regexes, server_tokens on',

  nginx(file, context) {
    for (const placed of placedDirectives(file, context)) {
      const directive = placed.directive;
      switch (directive.name) {
        case 'alias':
          checkAlias(placed, context);
          break;
        case 'proxy_pass':
          checkProxyPass(placed, context);
          checkSplitting(placed, context);
          break;
        case 'proxy_set_header':
        case 'return':
        case 'rewrite':
          checkHostHeader(placed, context);
          checkSplitting(placed, context);
          break;
        case 'add_header':
          checkSplitting(placed, context);
          break;
        case 'valid_referers':
          checkValidReferers(directive, context);
          break;
        case 'if':
          checkOriginIf(directive, context);
          break;
        case 'map':
          checkOriginMap(directive, context);
          break;
        case 'server_tokens':
          checkServerTokens(directive, context);
          break;
      }
    }
  },
};

// --- 1. alias traversal -------------------------------------------------------------------

/**
 * nginx serves `location /static { alias /opt/app/static/; }` by replacing the matched
 * prefix with the alias: `/static../x` becomes `/opt/app/static/../x`. The URI's own
 * normalisation leaves `static..` alone (it is no `..` segment), the file system does not.
 */
function checkAlias(placed: Placed, context: RuleContext): void {
  const target = placed.directive.args[0]?.value;
  const location = placed.parent?.directive;
  if (!target?.endsWith('/') || target.includes('$') || location?.name !== 'location') return;
  const match = locationMatch(location);
  if (!match || !isPrefix(match) || match.path === '' || match.path.endsWith('/')) return;
  const parent = target === '/' ? '/' : target.slice(0, target.slice(0, -1).lastIndexOf('/') + 1);
  const fixed = `${match.path}/`;
  const taken = placed.parent?.parent?.directive.block?.directives.some((sibling) => {
    const other = sibling.name === 'location' ? locationMatch(sibling) : undefined;
    return other !== undefined && isPrefix(other) && other.path === fixed;
  });
  const fixes: FixDraft[] = taken
    ? []
    : [{ title: `Write location ${fixed}`, safe: false, preferred: true, edits: [{ span: pointAfterValue(match.argument), newText: '/' }] }];
  context.report({
    span: match.argument.span,
    message: `location ${match.path} has no trailing slash but its alias ${target} has one: a request for ${match.path}../app.py is served from ${target}../app.py, so every file under ${parent} can be read (path traversal); write location ${fixed}`,
    related: [{ document: context.document, span: placed.directive.span, message: 'the alias that ends with /' }],
    fixes,
  });
}

function isPrefix(match: LocationMatch): boolean {
  return match.modifier === '' || match.modifier === '^~';
}

// --- 2. $http_host --------------------------------------------------------------------------

/** Headers apps build URLs from (Django's USE_X_FORWARDED_HOST reads the second). */
const HOST_HEADERS: ReadonlySet<string> = new Set(['host', 'x-forwarded-host']);

/**
 * `$http_host` is the Host header as the client wrote it. nginx picks the server by the
 * host of an absolute request line first (`GET http://site/ HTTP/1.1`, RFC 9112 §3.2.2),
 * so a request routed to this site can carry any Host header: `$host` is the name nginx
 * routed by (request line, else Host, else server_name; ngx_http_core_module docs).
 */
function checkHostHeader(placed: Placed, context: RuleContext): void {
  const directive = placed.directive;
  const setsHost = directive.name === 'proxy_set_header' && HOST_HEADERS.has(directive.args[0]?.value.toLowerCase() ?? '');
  const argument = setsHost ? directive.args[1] : redirectTarget(directive);
  if (!argument) return;
  const where = setsHost ? `proxy_set_header ${directive.args[0]!.value} sends` : 'this redirect is built from';
  const consequence = setsHost ? 'the app is told whatever host the client claims (host spoofing)' : 'the Location points wherever a forged Host header says';
  for (const use of variablesIn(argument.value)) {
    if (use.name !== 'http_host') continue;
    const span = valueSpan(argument, use.start, use.end, context.document.source);
    context.report({
      span,
      message: `${where} $http_host, the Host header exactly as the client wrote it: nginx routes by the host of an absolute request line (GET http://site/ …) before the Host header, so ${consequence}; use $host, the name nginx routed the request by`,
      fixes: [
        {
          title: 'Use $host (the port the client wrote is dropped)',
          safe: false,
          preferred: true,
          edits: [{ span, newText: use.braced ? '${host}' : '$host' }],
        },
      ],
    });
  }
}

// --- 3. header splitting ----------------------------------------------------------------------

/** Variables holding the request path after nginx decoded it: `%0A` in the request is a line feed in them. */
const DECODED_PATH_VARIABLES: ReadonlyMap<string, string> = new Map([
  ['uri', 'is the request path as nginx decoded it'],
  ['document_uri', 'is the request path as nginx decoded it'],
  ['request_filename', 'ends with the request path as nginx decoded it'],
]);

interface HeaderSink {
  readonly argument: NginxWord;
  readonly target: string;
  /** The request to the upstream, or the response to the client. */
  readonly upstream: boolean;
  /** A redirect rewrite: nginx escapes $1…$9 in it (ngx_http_script_copy_capture_code). */
  readonly escapesCaptures: boolean;
}

/**
 * A line feed in a header value or request line that nginx writes out ends the line there:
 * the client (or whoever can make one follow a link) adds headers of their own. nginx
 * copies variables into add_header, return, rewrite redirects, proxy_set_header and a
 * proxy_pass with variables as they are. Only the line feed counts: a bare carriage
 * return must be refused or read as a space by an HTTP/1.1 recipient (RFC 9112 §2.2).
 */
function checkSplitting(placed: Placed, context: RuleContext): void {
  const sink = headerSink(placed.directive);
  // Without a variable the value is what is written: nothing the client sends can split it.
  if (!sink || !sink.argument.value.includes('$')) return;
  const around = ancestorsOf(placed);
  const own = placed.directive.name === 'rewrite' ? regexSite(placed.directive) : undefined;
  const pieces = expand(sink.argument.value, around);
  // In proxy_pass only the path goes into the request line; a host the client writes is forgery, reported as such.
  for (const piece of placed.directive.name === 'proxy_pass' ? addressParts(pieces).path : pieces) {
    if (isText(piece)) continue;
    const why = lineFeedSource(piece, own, sink);
    if (!why) continue;
    const subject = describeVia(piece);
    const kind = sink.upstream ? 'request splitting' : 'response splitting';
    context.report({
      span: valueSpan(sink.argument, piece.use.start, piece.use.end, context.document.source),
      message: `${subject} ${why.reason}, so a request whose path holds %0A puts a line break into ${sink.target}: the client can add headers of its own (${kind}); ${why.advice}`,
      related: relatedOf(piece, why.capture, context),
      fixes: requestUriFix(placed.directive, sink, piece, context),
    });
  }
}

function headerSink(directive: NginxDirective): HeaderSink | undefined {
  const [first, second] = directive.args;
  switch (directive.name) {
    case 'add_header':
      return second ? { argument: second, target: `the ${first!.value} response header`, upstream: false, escapesCaptures: false } : undefined;
    case 'proxy_set_header':
      return second ? { argument: second, target: `the ${first!.value} header sent to the upstream`, upstream: true, escapesCaptures: false } : undefined;
    case 'proxy_pass':
      return first ? { argument: first, target: 'the request line sent to the upstream', upstream: true, escapesCaptures: false } : undefined;
    default: {
      const target = redirectTarget(directive);
      return target ? { argument: target, target: 'the Location header', upstream: false, escapesCaptures: directive.name === 'rewrite' } : undefined;
    }
  }
}

/** Redirect statuses `return` sends its URL in a Location header with (ngx_http_rewrite_module docs). */
const REDIRECT_CODES: ReadonlySet<string> = new Set(['301', '302', '303', '307', '308']);

/** Replacements that make rewrite answer with a redirect instead of rewriting the URI (ngx_http_rewrite_module docs). */
function isAbsoluteRedirect(value: string): boolean {
  return /^(https?:\/\/|\$scheme)/.test(value);
}

/** The URL a `return` or `rewrite` sends in a Location header, if it sends one. */
function redirectTarget(directive: NginxDirective): NginxWord | undefined {
  const [first, second, third] = directive.args;
  if (directive.name === 'return') {
    if (first && second && REDIRECT_CODES.has(first.value)) return second;
    return first && !second && isAbsoluteRedirect(first.value) ? first : undefined;
  }
  if (directive.name !== 'rewrite' || !second) return undefined;
  return isAbsoluteRedirect(second.value) || third?.value === 'redirect' || third?.value === 'permanent' ? second : undefined;
}

interface LineFeedReason {
  readonly reason: string;
  readonly advice: string;
  readonly capture?: CaptureOrigin;
}

function lineFeedSource(piece: VariablePiece, own: RegexSite | undefined, sink: HeaderSink): LineFeedReason | undefined {
  const decoded = DECODED_PATH_VARIABLES.get(piece.name);
  if (decoded) return { reason: decoded, advice: 'use $request_uri, which nginx leaves encoded' };
  if (sink.escapesCaptures && /^[1-9]$/.test(piece.name) && piece.via.length === 0) return undefined;
  const capture = captureOrigin(piece, piece.via.length === 0 ? own : undefined);
  if (!capture || capture.site.subject !== 'path' || !canMatch(capture.capture.body, LINE_FEED)) return undefined;
  return {
    reason: `is captured by ${capture.capture.text} from the decoded request path, and that pattern matches a line feed too`,
    advice: 'leave line breaks out of the pattern (a class such as [^/\\s] instead of [^/])',
    capture,
  };
}

/** What may follow `$uri` at the end of a redirect for `$request_uri` to take its place. */
const QUERY_ENDINGS: Readonly<Record<string, readonly string[]>> = {
  return: ['', '$is_args$args'],
  // A rewrite appends the query string itself unless the replacement ends with `?`.
  rewrite: ['', '?', '$is_args$args', '$is_args$args?'],
};

/** What may come before `$uri` for it to be the redirect's path: nothing, or a scheme and host. */
const ORIGIN_ONLY = /^(?:(?:https?|\$scheme):\/\/[^/?#]*)?$/;

/**
 * A redirect to `$uri` (or `$uri$is_args$args`) after its host is the usual way to send the
 * client on to the same path; `$request_uri` is the same path as the client sent it, still
 * encoded, with its query string (so a rewrite must not append it again: `$request_uri?`).
 * Not the same for a request rewritten inside nginx, hence not safe.
 */
function requestUriFix(directive: NginxDirective, sink: HeaderSink, piece: VariablePiece, context: RuleContext): FixDraft[] {
  const endings = QUERY_ENDINGS[directive.name];
  const value = sink.argument.value;
  if (!endings?.includes(value.slice(piece.use.end)) || !ORIGIN_ONLY.test(value.slice(0, piece.use.start))) return [];
  if (piece.via.length > 0 || piece.name === 'request_filename') return [];
  return [
    {
      title: 'Redirect to $request_uri (the path as the client sent it, with its query string)',
      safe: false,
      preferred: true,
      edits: [{ span: valueSpan(sink.argument, piece.use.start, value.length, context.document.source), newText: directive.name === 'rewrite' ? '$request_uri?' : '$request_uri' }],
    },
  ];
}

// --- 4. proxy_pass to a host the client picks ---------------------------------------------

/**
 * With variables in proxy_pass, nginx connects to whatever host the value names (through
 * a resolver, or directly for an IP address). When the client writes that part, nginx
 * becomes a proxy to any address, internal ones included (gixy, "ssrf"). A location marked
 * `internal` (inherited by nested locations) is only reached by nginx's own redirects.
 */
function checkProxyPass(placed: Placed, context: RuleContext): void {
  const argument = placed.directive.args[0];
  // Without a variable the upstream is what is written: the client cannot choose it.
  if (!argument?.value.includes('$')) return;
  const around = ancestorsOf(placed);
  if (around.some((block) => block.name === 'location' && childrenNamed(block, 'internal').length > 0)) return;
  for (const piece of addressParts(expand(argument.value, around)).host) {
    const chosen = clientChoice(piece);
    if (!chosen) continue;
    reportForgery(argument, piece, chosen, context);
    return;
  }
}

function reportForgery(argument: NginxWord, piece: VariablePiece, chosen: { source: string; capture?: CaptureOrigin }, context: RuleContext): void {
  context.report({
    span: valueSpan(argument, piece.use.start, piece.use.end, context.document.source),
    message: `proxy_pass takes the upstream host from ${describeVia(piece)}, ${chosen.source}: anyone can have nginx send requests to an address of their choosing, internal services included (server-side request forgery); pick the upstream from a fixed list (a map) or mark the location internal`,
    related: relatedOf(piece, chosen.capture, context),
  });
}

/** Variables whose value the client writes, and how to name that. */
function clientInput(name: string): string | undefined {
  if (name.startsWith('arg_')) return `the "${name.slice(4)}" query argument`;
  if (name.startsWith('cookie_')) return `the "${name.slice(7)}" cookie`;
  if (name.startsWith('http_')) return `the ${headerName(name.slice(5))} request header`;
  if (name === 'args' || name === 'query_string') return 'the query string';
  if (name === 'request_body') return 'the request body';
  return undefined;
}

/** `x_backend_host` → `X-Backend-Host`, as nginx names `$http_x_backend_host`'s header. */
function headerName(variable: string): string {
  return variable
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('-');
}

/** Variables that always begin with `/`: the host part of a URL ends where they start. */
const PATH_VARIABLES: ReadonlySet<string> = new Set(['uri', 'document_uri', 'request_uri', 'request_filename']);

interface AddressParts {
  /** The variables of the host part. */
  readonly host: readonly VariablePiece[];
  /** The pieces from the one the path begins in. */
  readonly path: readonly Piece[];
}

/**
 * A proxy_pass URL cut where nginx cuts it: the host part runs from after `scheme://` (from
 * the start when a variable writes the scheme too) to the first `/`, `?` or `#`, or to a
 * variable that always begins with `/`.
 */
function addressParts(pieces: readonly Piece[]): AddressParts {
  const scheme = pieces.findIndex((piece) => isText(piece) && piece.text.includes('://'));
  const host: VariablePiece[] = [];
  for (let index = Math.max(scheme, 0); index < pieces.length; index++) {
    const piece = pieces[index]!;
    if (isText(piece)) {
      const text = index === scheme ? piece.text.slice(piece.text.indexOf('://') + 3) : piece.text;
      if (/[/?#]/.test(text)) return { host, path: pieces.slice(index) };
    } else if (beginsWithSlash(piece)) {
      return { host, path: pieces.slice(index) };
    } else {
      host.push(piece);
    }
  }
  return { host, path: [] };
}

function beginsWithSlash(piece: VariablePiece): boolean {
  if (PATH_VARIABLES.has(piece.name)) return true;
  const capture = captureOrigin(piece, undefined);
  return capture !== undefined && startsWithSlash(capture.capture.body);
}

/** What the client writes a variable with, if it writes it: a request part, or a regex capture of one that is not a fixed word. */
function clientChoice(piece: VariablePiece): { source: string; capture?: CaptureOrigin } | undefined {
  const input = clientInput(piece.name);
  if (input) return { source: input };
  const capture = captureOrigin(piece, undefined);
  if (!capture || capture.site.subject === 'other' || isFixedText(capture.capture.body)) return undefined;
  return { source: `captured by ${capture.capture.text} from ${capture.site.subject === 'path' ? 'the request path' : 'the request'}`, capture };
}

// --- 5. valid_referers none -------------------------------------------------------------------

/**
 * `none` accepts a request without a Referer, and any page can have the browser leave it
 * out (Referrer-Policy: no-referrer, an https page linking to http; gixy,
 * "valid_referers"): a Referer check with it stops no one who means it. Hotlink protection
 * keeps it on purpose, hence info.
 */
function checkValidReferers(directive: NginxDirective, context: RuleContext): void {
  const index = directive.args.findIndex((argument) => argument.value === 'none');
  const none = directive.args[index];
  if (!none) return;
  const neighbour = directive.args[index === 0 ? 1 : index - 1];
  const removal: Span | undefined = neighbour && (index === 0 ? { start: none.span.start, end: neighbour.span.start } : { start: neighbour.span.end, end: none.span.end });
  context.report({
    span: none.span,
    severity: 'info',
    message: 'valid_referers none counts a request without a Referer header as valid, and any page can make the browser leave Referer out (Referrer-Policy: no-referrer, a link from https to http): a check against forged requests then stops no one; remove none unless the check only keeps other sites from embedding files',
    fixes: removal ? [{ title: 'Remove none (requests without a Referer become invalid)', safe: false, edits: [{ span: removal, newText: '' }] }] : [],
  });
}

// --- 6. Origin and Referer regexes --------------------------------------------------------

type CheckedHeader = 'Origin' | 'Referer';

const CHECKED_HEADERS: ReadonlyMap<string, CheckedHeader> = new Map([
  ['$http_origin', 'Origin'],
  ['$http_referer', 'Referer'],
]);

/** `if ($http_origin ~* "^https://…$")`, and its negations. */
function checkOriginIf(directive: NginxDirective, context: RuleContext): void {
  const condition = ifCondition(directive);
  const header = condition && CHECKED_HEADERS.get(condition.subject);
  if (!condition || !header || !condition.operand || !/^!?~\*?$/.test(condition.operator)) return;
  checkOriginRegex(header, condition.operand, 0, condition.operator.endsWith('*'), context);
}

/** `map $http_origin $cors { ~^https://…$ 1; }`: each regex key. */
function checkOriginMap(directive: NginxDirective, context: RuleContext): void {
  const header = CHECKED_HEADERS.get(directive.args[0]?.value ?? '');
  if (!header) return;
  for (const entry of directive.block?.directives ?? []) {
    if (!entry.name.startsWith('~')) continue;
    const caseless = entry.name.startsWith('~*');
    checkOriginRegex(header, nameAsWord(entry, context.document.source), caseless ? 2 : 1, caseless, context);
  }
}

/** Where a test host goes to show what a loose regex lets through: a domain anyone can register. */
const ATTACKER = 'evil.net';

/**
 * Reads a regex the way an attacker would: for each way it can match a trusted address
 * (its shortest samples), it tries that address with a longer host (`example.com.evil.net`),
 * an earlier one (`evilexample.com`) and, for Referer, inside another site's URL, and each
 * `.` of the host that stands for any character. The tries run on an automaton built from
 * the regex, never on a backtracking engine.
 */
function checkOriginRegex(header: CheckedHeader, word: NginxWord, skip: number, caseless: boolean, context: RuleContext): void {
  const regex = parseRegex(word.value.slice(skip), caseless);
  const automaton = regex && compileAutomaton(regex);
  if (!regex || !automaton) return;
  const loose = new Map<string, string>();
  const dots: LooseDot[] = [];
  for (const sample of samplesOf(regex.root)) {
    const address = asHeaderValue(sample, header);
    if (!address || !automaton.accepts(address.text)) continue;
    for (const attempt of attempts(address, header)) {
      if (automaton.accepts(attempt.text)) loose.set(attempt.text, attempt.reason);
    }
    dots.push(...looseDots(address, automaton));
  }
  const source = context.document.source;
  const worst = dots.find((dot) => dot.foreign) ?? dots[0];
  if (worst) {
    const offsets = [...new Set(dots.map((dot) => skip + dot.at))];
    context.report({
      span: valueSpan(word, skip + worst.at, skip + worst.at + 1, source),
      message: `"." matches any character, so this ${header} check also accepts ${worst.example}; write "\\." for each dot of a host name`,
      fixes: [
        {
          title: offsets.length === 1 ? 'Escape the dot' : `Escape the ${offsets.length} dots of the host names`,
          safe: true,
          preferred: true,
          edits: offsets.map((offset) => {
            const at = offsetOf(word, offset, source);
            return { span: { start: at, end: at }, newText: '\\' };
          }),
        },
      ],
    });
  }
  if (loose.size === 0) return;
  context.report({
    span: valueSpan(word, skip, word.value.length, source),
    message: `this ${header} check also accepts ${list([...loose.keys()])}, addresses anyone can set up: ${[...new Set(loose.values())].join('; ')}`,
  });
}

interface LooseDot {
  /** Offset of the `.` in the regex. */
  readonly at: number;
  /** The trusted address with the dot taken as another character, which the regex accepts. */
  readonly example: string;
  /** Whether that address lies outside the trusted domain (`www-example.com` for `www.example.com`), so someone else can own it. */
  readonly foreign: boolean;
}

/** The unescaped dots of a sampled host name that the regex lets stand for another character. */
function looseDots(address: HeaderValue, automaton: Automaton): LooseDot[] {
  const { text, hostStart, hostEnd } = address;
  const domain = (host: string) => host.split('.').slice(-2).join('.');
  const dots: LooseDot[] = [];
  for (let index = hostStart; index < hostEnd; index++) {
    const origin = address.origins[index];
    if (!origin?.anyCharacter) continue;
    const example = `${text.slice(0, index)}-${text.slice(index + 1)}`;
    if (!automaton.accepts(example)) continue;
    const host = example.slice(hostStart, hostEnd);
    dots.push({ at: origin.at, example, foreign: host.includes('.') && domain(host) !== domain(text.slice(hostStart, hostEnd)) && index < text.lastIndexOf('.', hostEnd - 1) });
  }
  return dots;
}

interface HeaderValue {
  readonly text: string;
  readonly hostStart: number;
  readonly hostEnd: number;
  /** For each character, the regex character it was sampled from (none for what was added). */
  readonly origins: readonly (SampleCharacter | undefined)[];
}

/**
 * A sample as the header would carry it: an Origin is `scheme://host[:port]`, a Referer a
 * URL with at least `/` as its path. A sample without a scheme gets `https://`. Undefined
 * when the sample holds no host name (the regex is not about one).
 */
function asHeaderValue(sample: readonly SampleCharacter[], header: CheckedHeader): HeaderValue | undefined {
  let text = String.fromCharCode(...sample.map((character) => character.code));
  let origins: (SampleCharacter | undefined)[] = [...sample];
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    text = `https://${text}`;
    origins = [...new Array<undefined>(8), ...origins];
  }
  const hostStart = text.indexOf('://') + 3;
  const rest = text.slice(hostStart);
  const hostLength = rest.search(/[/:?#]|$/);
  const host = rest.slice(0, hostLength);
  const labels = host.split('.');
  // 253 characters is as long as a DNS name gets (RFC 1035); it also bounds the tries below.
  if (host.length > 253 || labels.length < 2 || labels.some((label) => !/^[a-z0-9-]+$/i.test(label))) return undefined;
  const port = /^:\d+/.exec(rest.slice(hostLength))?.[0] ?? '';
  const end = hostStart + hostLength + port.length;
  if (header === 'Origin') text = text.slice(0, end);
  else if (end === text.length) text = `${text}/`;
  return { text, hostStart, hostEnd: hostStart + hostLength, origins: origins.slice(0, text.length) };
}

function attempts(address: HeaderValue, header: CheckedHeader): { text: string; reason: string }[] {
  const { text, hostStart, hostEnd } = address;
  const host = text.slice(hostStart, hostEnd);
  const found = [
    {
      text: `${text.slice(0, hostEnd)}.${ATTACKER}${text.slice(hostEnd)}`,
      reason: `nothing after ${host} ends the host name (follow it with ${header === 'Origin' ? '$' : '/ or $'})`,
    },
    {
      text: `${text.slice(0, hostStart)}evil${text.slice(hostStart)}`,
      reason: `nothing before ${host} marks where the host name begins (put it right after ^${text.slice(0, hostStart)}, or after ([a-z0-9-]+\\.)* for subdomains)`,
    },
  ];
  if (header === 'Referer') found.push({ text: `https://${ATTACKER}/?${text}`, reason: 'the regex is not anchored with ^, so it matches inside any other address too' });
  return found;
}

// --- 7. server_tokens ---------------------------------------------------------------------------

/** `on` (the default) and `build` print the version in the Server header and on nginx's error pages (ngx_http_core_module docs). */
function checkServerTokens(directive: NginxDirective, context: RuleContext): void {
  const value = directive.args[0];
  if (value?.value !== 'on' && value?.value !== 'build') return;
  context.report({
    span: directive.span,
    severity: 'info',
    message: `server_tokens ${value.value} shows the nginx version in the Server header and on error pages, which tells scanners which published vulnerabilities to try; set server_tokens off`,
    fixes: [{ title: 'Set server_tokens off', safe: true, preferred: true, edits: [{ span: value.span, newText: 'off' }] }],
  });
}

// --- nginx words, variables and `set` ----------------------------------------------------------

/** A word as written: an argument, or the name of a map entry. */
interface NginxWord {
  readonly value: string;
  readonly quote?: '"' | "'";
  readonly span: Span;
}

function nameAsWord(directive: NginxDirective, source: SourceText): NginxWord {
  const first = source.text.charAt(directive.nameSpan.start);
  return { value: directive.name, span: directive.nameSpan, ...(first === '"' || first === "'" ? { quote: first } : {}) };
}

/** Escapes nginx's reader turns into one character: `\"`, `\'`, `\\`, `\t`, `\r`, `\n` (parser.ts, unescapeWord). */
const READER_ESCAPES: ReadonlySet<string> = new Set(['"', "'", '\\', 't', 'r', 'n']);

/** The source offset of a position in a word's value, stepping over the escapes the reader removed. */
function offsetOf(word: NginxWord, index: number, source: SourceText): number {
  const inner = word.quote ? 1 : 0;
  const start = word.span.start + inner;
  const written = source.text.slice(start, word.span.end - inner);
  if (written.length === word.value.length) return start + index;
  let at = 0;
  for (let position = 0; position < index && at < written.length; position++) {
    at += written[at] === '\\' && READER_ESCAPES.has(written[at + 1] ?? '') ? 2 : 1;
  }
  return start + at;
}

function valueSpan(word: NginxWord, start: number, end: number, source: SourceText): Span {
  return { start: offsetOf(word, start, source), end: offsetOf(word, end, source) };
}

/** Where text added at the end of a word goes: before its closing quote. */
function pointAfterValue(word: NginxWord): Span {
  const end = word.span.end - (word.quote ? 1 : 0);
  return { start: end, end };
}

interface VariableUse {
  readonly name: string;
  /** Offsets in the value, `$` included. */
  readonly start: number;
  readonly end: number;
  readonly braced: boolean;
}

/** Letters, digits and `_` from `lastIndex` on. */
const WORD = /\w+/y;

/**
 * The variables of a value as nginx's script compiler reads them (ngx_http_script_compile):
 * `$1`…`$9` are one digit, `${name}` is braced, `$name` runs over letters, digits and `_`.
 */
function variablesIn(value: string): VariableUse[] {
  const uses: VariableUse[] = [];
  for (let at = value.indexOf('$'); at !== -1 && at + 1 < value.length; at = value.indexOf('$', at + 1)) {
    const next = value.charAt(at + 1);
    if (next >= '1' && next <= '9') {
      uses.push({ name: next, start: at, end: at + 2, braced: false });
      continue;
    }
    const braced = next === '{';
    const close = braced ? value.indexOf('}', at + 2) : -1;
    WORD.lastIndex = at + 1;
    const name = braced ? (close === -1 ? '' : value.slice(at + 2, close)) : (WORD.exec(value)?.[0] ?? '');
    if (name === '') continue;
    const end = braced ? close + 1 : at + 1 + name.length;
    uses.push({ name, start: at, end, braced });
    at = end - 1;
  }
  return uses;
}

/** A value as nginx builds it: literal text, and variables (`set` ones replaced by what they are set to). */
type Piece = { readonly text: string } | VariablePiece;

interface VariablePiece {
  readonly name: string;
  /** Where the directive being checked names it (for a `set` variable: the name leading to it). */
  readonly use: VariableUse;
  /** The `set` lines followed to get here, outermost first. */
  readonly via: readonly NginxDirective[];
  /** The blocks around the line the variable is written in: they decide what `$1` means there. */
  readonly around: readonly NginxDirective[];
}

function isText(piece: Piece): piece is { readonly text: string } {
  return 'text' in piece;
}

/** `set` chains followed at most this deep (a loop of sets is cut sooner, by name). */
const MAX_SET_DEPTH = 4;

function expand(value: string, around: readonly NginxDirective[], outer?: VariableUse, via: readonly NginxDirective[] = []): Piece[] {
  const pieces: Piece[] = [];
  let copied = 0;
  for (const use of variablesIn(value)) {
    if (use.start > copied) pieces.push({ text: value.slice(copied, use.start) });
    copied = use.end;
    const set = via.length < MAX_SET_DEPTH ? setLine(use.name, around) : undefined;
    if (set && !via.includes(set.directive)) pieces.push(...expand(set.directive.args[1]!.value, set.around, outer ?? use, [...via, set.directive]));
    else pieces.push({ name: use.name, use: outer ?? use, via, around });
  }
  if (copied < value.length) pieces.push({ text: value.slice(copied) });
  return pieces;
}

/**
 * The `set $name …` nginx runs last before the directive: the last one written directly in
 * the innermost block around it that has one.
 */
function setLine(name: string, around: readonly NginxDirective[]): { directive: NginxDirective; around: readonly NginxDirective[] } | undefined {
  for (let depth = around.length - 1; depth >= 0; depth--) {
    const sets = childrenNamed(around[depth]!, 'set').filter((set) => set.args.length === 2 && set.args[0]!.value === `$${name}`);
    const last = sets[sets.length - 1];
    if (last) return { directive: last, around: around.slice(0, depth + 1) };
  }
  return undefined;
}

/** `$target (set from $arg_url)`, or just `$arg_url`. */
function describeVia(piece: VariablePiece): string {
  const shown = `$${piece.name}`;
  const first = piece.via[0];
  return first ? `${first.args[0]!.value} (set from ${shown})` : shown;
}

function relatedOf(piece: VariablePiece, capture: CaptureOrigin | undefined, context: RuleContext): RelatedDraft[] {
  return [
    ...piece.via.map((set) => ({ document: context.document, span: set.span, message: `sets ${set.args[0]!.value}` })),
    ...(capture ? [{ document: context.document, span: capture.site.directive.span, message: `the regex that captures $${piece.name}` }] : []),
  ];
}

// --- locations, ifs and the captures they make ------------------------------------------------

interface LocationMatch {
  readonly modifier: '' | '=' | '^~' | '~' | '~*' | '@';
  readonly path: string;
  /** The word holding the path (the modifier may be written glued to it: `location ~*\.php$`). */
  readonly argument: NginxWord;
}

const MODIFIERS: readonly LocationMatch['modifier'][] = ['^~', '~*', '~', '=', '@'];

function locationMatch(location: NginxDirective): LocationMatch | undefined {
  const [first, second] = location.args;
  if (!first) return undefined;
  if (second) {
    const modifier = MODIFIERS.find((candidate) => candidate === first.value);
    return modifier ? { modifier, path: second.value, argument: second } : undefined;
  }
  // A named location keeps its @ in the name; other modifiers may be glued to the path.
  const modifier = first.value.startsWith('@') ? '@' : (MODIFIERS.find((candidate) => candidate !== '@' && first.value.startsWith(candidate)) ?? '');
  return { modifier, path: first.value.slice(modifier === '@' ? 0 : modifier.length), argument: first };
}

interface IfCondition {
  readonly subject: string;
  readonly operator: string;
  readonly operand?: NginxWord;
}

/**
 * `if ($a ~ "x")` with its parentheses written glued to the words or apart: nginx strips a
 * leading `(` and a trailing `)` from the first and last words, quoted or not
 * (ngx_http_rewrite_if).
 */
function ifCondition(directive: NginxDirective): IfCondition | undefined {
  const words: NginxWord[] = [...directive.args];
  const first = words[0];
  if (first?.value === '(') words.shift();
  else if (first?.value.startsWith('(')) words[0] = { ...first, value: first.value.slice(1), span: first.quote ? first.span : { start: first.span.start + 1, end: first.span.end } };
  else return undefined;
  const last = words[words.length - 1];
  if (last?.value === ')') words.pop();
  else if (last?.value.endsWith(')')) words[words.length - 1] = { ...last, value: last.value.slice(0, -1), span: last.quote ? last.span : { start: last.span.start, end: last.span.end - 1 } };
  else return undefined;
  const [subject, operator, operand] = words;
  if (!subject || words.length > 3) return undefined;
  return { subject: subject.value, operator: operator?.value ?? '', ...(operand ? { operand } : {}) };
}

/** A regex nginx matches against part of the request. */
interface RegexSite {
  readonly directive: NginxDirective;
  readonly regex: Regex;
  /** What it is matched against: the decoded path, something else the client writes, or neither. */
  readonly subject: 'path' | 'client' | 'other';
}

interface CaptureOrigin {
  readonly capture: Capture;
  readonly site: RegexSite;
}

/** Regex parses per directive: one location regex serves every directive inside it. */
const siteCache = new WeakMap<NginxDirective, RegexSite | null>();

/** The regex a location, an `if` or a rewrite matches, when it has one nginx would compile. */
function regexSite(directive: NginxDirective): RegexSite | undefined {
  const cached = siteCache.get(directive);
  if (cached !== undefined) return cached ?? undefined;
  const site = readRegexSite(directive) ?? null;
  siteCache.set(directive, site);
  return site ?? undefined;
}

function readRegexSite(directive: NginxDirective): RegexSite | undefined {
  if (directive.name === 'location') {
    // Most locations are prefixes: only a `~` (or `~*`, glued to the regex or not) starts a regex one.
    if (!directive.args[0]?.value.startsWith('~')) return undefined;
    const match = locationMatch(directive);
    const regex = match && (match.modifier === '~' || match.modifier === '~*') ? parseRegex(match.path, match.modifier === '~*') : undefined;
    return regex ? { directive, regex, subject: 'path' } : undefined;
  }
  if (directive.name === 'rewrite') {
    const regex = directive.args[0] ? parseRegex(directive.args[0].value, false) : undefined;
    return regex ? { directive, regex, subject: 'path' } : undefined;
  }
  const condition = directive.name === 'if' ? ifCondition(directive) : undefined;
  if (!condition?.operand || (condition.operator !== '~' && condition.operator !== '~*')) return undefined;
  const regex = parseRegex(condition.operand.value, condition.operator === '~*');
  if (!regex) return undefined;
  const name = condition.subject.replace(/^\$\{?|\}$/g, '');
  const subject = DECODED_PATH_VARIABLES.has(name) ? 'path' : clientInput(name) ? 'client' : 'other';
  return { directive, regex, subject };
}

/**
 * The regex capture a variable reads, if it reads one: `$1`…`$9` from the innermost regex
 * location or `if` around it (or the rewrite it is written in), a name from the regex
 * around it that defines it. `$1` is left unknown when a rewrite or another regex `if` in
 * those blocks may have matched since.
 */
function captureOrigin(piece: VariablePiece, own: RegexSite | undefined): CaptureOrigin | undefined {
  const numbered = /^[1-9]$/.test(piece.name);
  const sites = regexSitesAround(piece.around);
  if (numbered) {
    const site = own ?? sites[0];
    if (!site || (!own && capturesMayBeReplaced(site, piece.around))) return undefined;
    const capture = site.regex.captures[Number(piece.name) - 1];
    return capture ? { capture, site } : undefined;
  }
  for (const site of own ? [own, ...sites] : sites) {
    const capture = site.regex.captures.find((candidate) => candidate.name === piece.name);
    if (capture) return { capture, site };
  }
  return undefined;
}

/** The regex locations and `if`s around a line, innermost first. */
function regexSitesAround(around: readonly NginxDirective[]): RegexSite[] {
  const sites: RegexSite[] = [];
  for (let depth = around.length - 1; depth >= 0; depth--) {
    const site = regexSite(around[depth]!);
    if (site) sites.push(site);
  }
  return sites;
}

function capturesMayBeReplaced(site: RegexSite, around: readonly NginxDirective[]): boolean {
  const from = around.indexOf(site.directive);
  return around.slice(from).some((block) =>
    (block.block?.directives ?? []).some((child) => child.name === 'rewrite' || (child.name === 'if' && !around.includes(child) && /^~\*?$/.test(ifCondition(child)?.operator ?? ''))),
  );
}
