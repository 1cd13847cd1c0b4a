import { effectiveUse, type GunicornRun, type PlacedUse } from '../../engine/gunicorn-runs';
import type { FixDraft, RelatedDraft, Rule, RuleContext } from '../../engine/rule';
import { evaluateOnHost } from './run-settings';
import { rewriteValue } from './setting-edits';
import { useSpan } from './use-span';

/**
 * gunicorn applies `umask` only around `bind()` of a unix socket (gunicorn/sock.py,
 * UnixSocket.bind) and around creating the worker heartbeat file, which mkstemp makes
 * 0600 whatever the mask. So the mask decides one thing: who may connect to the socket,
 * which takes write permission on it.
 */
export const umaskWorldWritable: Rule = {
  id: 'gunicorn/umask-world-writable',
  severity: 'warning',
  summary: 'A umask that leaves write permission for others: the unix socket gunicorn binds lets every local user talk to the app',

  gunicornRun(run, context) {
    const use = effectiveUse(run, 'umask');
    // gunicorn's default is 0 too; only a mask someone wrote down is reported.
    if (!use || use.conditional) return;
    const mask = maskOf(use, context);
    if (mask === undefined || mask < 0 || (mask & 0o002) !== 0) return;
    const mode = socketMode(mask);
    const shown = shownMask(use, mask);
    const listening = listeningOf(run, context);
    const fixes = [
      maskFix(use, '007', 'owner and group keep access to the socket', listening.kind === 'unix'),
      maskFix(use, '027', 'others get no access', listening.kind !== 'unix'),
    ];
    if (listening.kind !== 'unix') fixes.reverse();
    const related: RelatedDraft[] =
      listening.kind === 'unix' && listening.use && listening.use.document !== use.document
        ? [{ document: listening.use.document, span: useSpan(listening.use, 'value'), message: 'the unix socket is bound here' }]
        : [];
    const span = use.layer === 'config' ? use.valueSpan : use.span;
    if (listening.kind === 'other') {
      context.report({
        document: use.document,
        span,
        severity: 'info',
        message: `umask ${shown} leaves write permission for others; gunicorn binds no unix socket here (${listening.addresses.join(', ')}), so the umask changes nothing, but a unix socket bound with it would be created ${mode}`,
        fixes,
      });
      return;
    }
    const socket = listening.kind === 'unix' ? `the unix socket ${listening.paths.join(', ')} as ${mode}` : `a unix socket it binds as ${mode}`;
    context.report({
      document: use.document,
      span,
      message: `umask ${shown} leaves write permission for others: gunicorn creates ${socket}, so any local user who can reach it can send requests straight to the app`,
      fixes,
      related,
    });
  },
};

/** The mask as gunicorn reads it: an int in the config file, or a string through int(x, 0); auto_int on a command line. */
function maskOf(use: PlacedUse, context: RuleContext): number | undefined {
  const value = evaluateOnHost(use.value, context);
  if (value.kind === 'number') return value.integer ? value.value : undefined;
  // validate_pos_int takes int(True) as 1.
  if (value.kind === 'bool') return value.value ? 1 : 0;
  // A flag's text was already converted as auto_int does; a string left over is one gunicorn rejects.
  if (value.kind === 'string' && use.layer === 'config') return intBaseZero(value.value);
  return undefined;
}

/** Python's int(text, 0): an optional sign, then 0x/0o/0b digits, a decimal without leading zeros, or zeros only. */
function intBaseZero(text: string): number | undefined {
  const trimmed = text.trim();
  const match = /^([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?\d)*|0(?:_?0)*)$/.exec(trimmed);
  if (!match) return undefined;
  const digits = match[2]!.replace(/_/g, '').toLowerCase();
  const radix = digits.startsWith('0x') ? 16 : digits.startsWith('0o') ? 8 : digits.startsWith('0b') ? 2 : 10;
  const magnitude = Number.parseInt(radix === 10 ? digits : digits.slice(2), radix);
  return match[1] === '-' ? -magnitude : magnitude;
}

/** `ls -l` of a unix socket created under the mask: bind() gives it 0777 & ~umask. */
function socketMode(mask: number): string {
  const mode = 0o777 & ~mask;
  const letters = 'rwxrwxrwx';
  let text = 's';
  for (let bit = 0; bit < 9; bit++) text += mode & (1 << (8 - bit)) ? letters[bit] : '-';
  return text;
}

/** The mask as written, with its octal reading when the text does not show it (`-m 20` is decimal: 0o024). */
function shownMask(use: PlacedUse, mask: number): string {
  const source = use.document.source.text;
  const written = use.layer === 'config' ? source.slice(use.valueSpan.start, use.valueSpan.end) : (use.option?.value ?? '');
  const plainlyOctal = /^(0[oO]?[0-7]*|0)$/.test(written.trim());
  return plainlyOctal ? written : `${written} (0o${mask.toString(8).padStart(3, '0')})`;
}

/** A safer mask, written the way the place reads it: a Python octal literal in the config file, `027` for auto_int on a command line. */
function maskFix(use: PlacedUse, octal: '007' | '027', effect: string, preferred: boolean): FixDraft {
  const written = use.layer === 'config' ? `0o${octal}` : octal;
  return { title: `Set umask to ${written} (${effect})`, safe: false, ...(preferred ? { preferred: true } : {}), edits: [rewriteValue(use, written)] };
}

type Listening =
  | { readonly kind: 'unix'; readonly paths: readonly string[]; readonly use?: PlacedUse }
  | { readonly kind: 'other'; readonly addresses: readonly string[] }
  | { readonly kind: 'unknown' };

/**
 * What the run listens on. Each layer replaces the one below it; within the config file
 * the last assignment counts, and on a command line every `-b` adds an address.
 */
function listeningOf(run: GunicornRun, context: RuleContext): Listening {
  const binds = run.uses.filter((use) => use.setting.name === 'bind');
  const top = binds.at(-1);
  if (!top) {
    // gunicorn's default (0.0.0.0:$PORT when PORT is set): TCP either way.
    const fallback = context.knowledge.gunicorn.setting('bind')?.default;
    return { kind: 'other', addresses: Array.isArray(fallback) ? fallback.map(String) : ['127.0.0.1:8000'] };
  }
  const deciding = top.layer === 'config' ? [top] : binds.filter((use) => use.layer === top.layer);
  const addresses: string[] = [];
  for (const use of deciding) {
    const found = addressesOf(use, context);
    if (!found) return { kind: 'unknown' };
    addresses.push(...found);
  }
  const unix = addresses.filter(isUnix).map((address) => address.replace(/^unix:(\/\/)?/, ''));
  if (unix.length === 0) return { kind: 'other', addresses };
  const binder = deciding.find((use) => addressesOf(use, context)?.some(isUnix));
  return { kind: 'unix', paths: unix, ...(binder ? { use: binder } : {}) };
}

function addressesOf(use: PlacedUse, context: RuleContext): string[] | undefined {
  const value = evaluateOnHost(use.value, context);
  const items = value.kind === 'list' ? value.items : [value];
  const addresses: string[] = [];
  for (const item of items) {
    if (item.kind !== 'string') return undefined;
    addresses.push(item.value);
  }
  return addresses;
}

/** parse_address reads "unix:PATH" and "unix://PATH" as a unix socket. */
function isUnix(address: string): boolean {
  return address.startsWith('unix:');
}
