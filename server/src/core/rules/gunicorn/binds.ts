import type { GunicornRun, PlacedUse } from '../../engine/gunicorn-runs';
import type { RuleContext } from '../../engine/rule';
import { evaluateOnHost } from './run-settings';

/** One address a run binds, as written, with the setting use that writes it. */
export interface RunBind {
  readonly text: string;
  readonly use: PlacedUse;
}

/** A bind address as gunicorn reads it (parse_address() in gunicorn/util.py, 20.1 to 23.0). */
export type BindAddress =
  /** `host` is lower-case; '' and '0.0.0.0' are every IPv4 address, '::' every address (gunicorn leaves IPV6_V6ONLY off). */
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'fd'; readonly fd: number };

/** Port gunicorn binds when an address names none. */
const DEFAULT_PORT = 8000;

/**
 * The addresses the run binds: the config file's last `bind` (a string or a list), or
 * every `-b` of the highest layer that has any, since gunicorn's command line replaces
 * GUNICORN_CMD_ARGS' list, which replaces the config file's. Undefined when nothing sets
 * `bind`; values that cannot be known without running the app are left out.
 */
export function bindsOf(run: GunicornRun, context: RuleContext): RunBind[] | undefined {
  const binds = run.uses.filter((use) => use.setting.name === 'bind');
  const top = binds.at(-1);
  if (!top) return undefined;
  const deciding: PlacedUse[] = top.layer === 'config' ? [top] : binds.filter((use) => use.layer === top.layer);
  const found: RunBind[] = [];
  for (const use of deciding) {
    const value = evaluateOnHost(use.value, context);
    for (const item of value.kind === 'list' ? value.items : [value]) if (item.kind === 'string') found.push({ text: item.value, use });
  }
  return found;
}

/**
 * gunicorn's default bind: `127.0.0.1:8000`, or `0.0.0.0:$PORT` when the environment has
 * PORT (gunicorn/config.py, class Bind). `port` is that variable's value, if any.
 */
export function defaultBind(port: string | undefined): string {
  return port === undefined ? `127.0.0.1:${DEFAULT_PORT}` : `0.0.0.0:${port}`;
}

/** Reads an address the way gunicorn does; undefined for one gunicorn refuses (a port that is no number). */
export function parseBind(text: string): BindAddress | undefined {
  const unix = /^unix:(\/\/)?/.exec(text);
  if (unix) return { kind: 'unix', path: text.slice(unix[0].length) };
  if (text.startsWith('fd://')) {
    const fd = Number(text.slice('fd://'.length));
    return Number.isInteger(fd) ? { kind: 'fd', fd } : undefined;
  }
  const netloc = text.startsWith('tcp://') ? text.slice('tcp://'.length) : text;
  let host = netloc;
  let port = String(DEFAULT_PORT);
  if (netloc.includes('[') && netloc.includes(']')) {
    host = netloc.split(']')[0]!.slice(1);
    port = netloc.split(']:')[1] ?? port;
  } else if (netloc.includes(':')) {
    [host, port = port] = netloc.split(':') as [string, string?];
  } else if (netloc === '') {
    host = '0.0.0.0';
  }
  // int() takes surrounding blanks, and nothing else.
  if (!/^\s*[+-]?\d+\s*$/.test(port)) return undefined;
  return { kind: 'tcp', host: host.toLowerCase(), port: Number(port) };
}
