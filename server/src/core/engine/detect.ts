import type { FileKind } from '../model/finding';

/**
 * What kind of file a path holds, from its name, its folder and, for ambiguous names
 * such as `*.conf`, a look at its content. Returns undefined for files deploylint does
 * not read.
 */
export function detectKind(path: string, text: string | undefined, isNginxDirective: (name: string) => boolean): FileKind | undefined {
  const parts = path.split('/');
  const name = parts[parts.length - 1] ?? '';
  const folder = parts[parts.length - 2] ?? '';
  const lower = name.toLowerCase();

  if (name === '.deploylint.ini') return 'hostspec';
  if (isGunicornConfigName(lower)) return 'gunicorn';
  if (isCommandFile(lower)) return text !== undefined && startsWebServer(text) ? 'gunicorn' : undefined;

  const extension = lower.includes('.') ? lower.slice(lower.lastIndexOf('.') + 1) : '';
  if (UNIT_EXTENSIONS.has(extension)) return 'systemd';
  if (extension === 'conf' && isDropInFolder(folder)) return 'systemd';

  if (lower === 'nginx.conf' || extension === 'nginx') return 'nginx';
  if (NGINX_SUPPORT_FILES.has(lower) && parts.some((part) => part.includes('nginx'))) return 'nginx';
  const inNginxFolder = NGINX_FOLDERS.has(folder) || parts.slice(0, -1).some((part) => part === 'nginx');
  if ((extension === 'conf' || inNginxFolder) && text !== undefined && looksLikeNginx(text, isNginxDirective)) {
    return 'nginx';
  }
  return undefined;
}

/** `gunicorn.conf.py`, `gunicorn_config.py`, `gunicorn-prod.py`, `app_gunicorn_config.py`. */
export function isGunicornConfigName(lowerName: string): boolean {
  if (!lowerName.endsWith('.py')) return false;
  return lowerName.startsWith('gunicorn') || (lowerName.includes('gunicorn') && lowerName.includes('config'));
}

const UNIT_EXTENSIONS = new Set([
  'service',
  'socket',
  'timer',
  'path',
  'mount',
  'automount',
  'swap',
  'slice',
  'scope',
  'target',
  'device',
]);

function isDropInFolder(folder: string): boolean {
  const dot = folder.lastIndexOf('.');
  if (dot < 0 || !folder.endsWith('.d')) return false;
  const unitName = folder.slice(0, -2);
  return UNIT_EXTENSIONS.has(unitName.slice(unitName.lastIndexOf('.') + 1));
}

/** Files that start processes: they may hold a gunicorn command line. */
function isCommandFile(lowerName: string): boolean {
  return (
    lowerName === 'procfile' ||
    lowerName === 'dockerfile' ||
    lowerName.endsWith('.dockerfile') ||
    lowerName === 'containerfile' ||
    lowerName.endsWith('.sh')
  );
}

/** A command file that starts gunicorn, or a Python development server deploylint would replace by gunicorn. */
function startsWebServer(text: string): boolean {
  return /\bgunicorn3?\b|\bflask\s+run\b|\bmanage\.py\s+runserver\b|\bpython[\d.]*\s+\S+\.py\b/.test(text.slice(0, 256 * 1024));
}

const NGINX_FOLDERS = new Set(['sites-available', 'sites-enabled', 'conf.d', 'snippets', 'nginx']);

/** Files Debian's nginx ships beside nginx.conf; they hold directives or maps, not prose. */
const NGINX_SUPPORT_FILES = new Set([
  'mime.types',
  'fastcgi_params',
  'fastcgi.conf',
  'proxy_params',
  'scgi_params',
  'uwsgi_params',
  'koi-utf',
  'koi-win',
  'win-utf',
]);

/**
 * A content check for files whose name does not settle it: statements that start with a
 * known nginx directive and end in `;` or `{`, and few lines shaped like INI or
 * `key=value`. Reads at most the first 200 lines.
 */
export function looksLikeNginx(text: string, isNginxDirective: (name: string) => boolean): boolean {
  let nginxVotes = 0;
  let otherVotes = 0;
  let lineStart = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let lineNumber = 0; lineNumber < 200 && lineStart < text.length; lineNumber++) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, Math.min(lineEnd, lineStart + 4096)).trim();
    lineStart = lineEnd + 1;
    if (line === '' || line.startsWith('#') || line === '}') continue;
    if (line.startsWith('[') || line.startsWith(';') || /^[\w.-]+\s*=/.test(line)) {
      otherVotes++;
      continue;
    }
    const firstWord = /^[a-z_0-9]+/.exec(line)?.[0];
    if (firstWord && isNginxDirective(firstWord) && endsStatement(line)) nginxVotes++;
    else otherVotes++;
  }
  return nginxVotes > 0 && nginxVotes >= otherVotes;
}

/** Whether a line ends a statement or a block (`;`, `{`, `}`), ignoring a trailing `# comment`. */
function endsStatement(line: string): boolean {
  let end = line.length;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) {
      end = i;
      break;
    }
  }
  const code = line.slice(0, end).trimEnd();
  const last = code[code.length - 1];
  return last === ';' || last === '{' || last === '}';
}

/**
 * Whether a file could be one deploylint reads, from its path alone: walking a folder
 * reads the start of these files only, not of every file in the tree.
 */
export function mightBeChecked(path: string): boolean {
  const parts = path.split('/');
  const lower = (parts[parts.length - 1] ?? '').toLowerCase();
  const folder = parts[parts.length - 2] ?? '';
  const extension = lower.includes('.') ? lower.slice(lower.lastIndexOf('.') + 1) : '';
  return (
    lower === '.deploylint.ini' ||
    isGunicornConfigName(lower) ||
    isCommandFile(lower) ||
    UNIT_EXTENSIONS.has(extension) ||
    extension === 'conf' ||
    extension === 'nginx' ||
    NGINX_SUPPORT_FILES.has(lower) ||
    NGINX_FOLDERS.has(folder) ||
    parts.includes('nginx')
  );
}

/**
 * For a file named on the command line whose name says nothing: a unit if it opens with
 * a unit section, nginx if it reads like nginx, gunicorn if it is Python that sets
 * gunicorn settings or a script that starts gunicorn.
 */
export function detectKindFromContent(path: string, text: string, isNginxDirective: (name: string) => boolean): FileKind | undefined {
  const firstStatement = text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.startsWith('#') && !line.startsWith(';'));
  if (firstStatement && /^\[(Unit|Service|Socket|Timer|Path|Mount|Automount|Swap|Slice|Scope|Install)\]$/.test(firstStatement)) {
    return 'systemd';
  }
  if (looksLikeNginx(text, isNginxDirective)) return 'nginx';
  if (path.endsWith('.py') && /^(bind|workers|worker_class|threads|timeout)\s*=/m.test(text)) return 'gunicorn';
  if (startsWebServer(text) && /^#!.*\b(ba|da|z)?sh\b/.test(text)) return 'gunicorn';
  return undefined;
}
