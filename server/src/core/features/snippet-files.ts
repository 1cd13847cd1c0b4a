import { ASSUMED } from '../host/resolve';
import { gunicornConfig, gunicornService, gunicornSocket, layoutText, machineText, nginxSite, templateNumbers, type FilledTemplate } from './templates';

/** An entry of a VS Code snippet file. */
interface SnippetEntry {
  readonly prefix: string;
  readonly description: string;
  readonly body: readonly string[];
}

const SIZED_BY_COMPLETION = 'In an empty line, the completion "deploylint: … sized for this host" inserts the same, sized for the machine you declare.';

/**
 * The static snippets, as the files snippets/*.json hold them (path → JSON text): the
 * templates filled in for the machine deploylint assumes when none is declared, with the
 * gthread config sized for its mixed workload and the sync one for a CPU-bound app.
 * `npm run snippets` writes them; a test holds the committed files equal to this.
 */
export function snippetFiles(): Record<string, string> {
  const mixed = templateNumbers(ASSUMED);
  const cpuBound = templateNumbers({ ...ASSUMED, workload: 'cpu' });
  const machine = machineText(mixed);
  return {
    'snippets/gunicorn.json': snippetFile({
      'gunicorn config (gthread)': entry('gunicorn-gthread', `gunicorn.conf.py with ${layoutText(mixed.layout)}, timeouts and worker recycling, for ${machine}.`, gunicornConfig(mixed)),
      'gunicorn config (sync)': entry('gunicorn-sync', `gunicorn.conf.py with ${layoutText(cpuBound.layout)} for a CPU-bound app, timeouts and worker recycling, for ${machine}.`, gunicornConfig(cpuBound)),
    }),
    'snippets/systemd.json': snippetFile({
      'gunicorn service': entry('gunicorn-service', `A hardened service for gunicorn with restart backoff, memory and task limits for ${machine}.`, gunicornService(mixed)),
      'gunicorn socket': entry('gunicorn-socket', 'The socket unit that holds gunicorn\'s listening socket, for nginx to connect to.', gunicornSocket()),
    }),
    'snippets/nginx.json': snippetFile({
      'gunicorn reverse proxy': entry('gunicorn-site', `A site proxying to gunicorn's socket: upstream keepalive, forwarded headers, a WebSocket location; timeouts for ${machine}.`, nginxSite(mixed)),
    }),
  };
}

function entry(prefix: string, description: string, template: FilledTemplate): SnippetEntry {
  const sized = template.arithmetic.length > 0;
  return { prefix, description: sized ? `${description} ${SIZED_BY_COMPLETION}` : description, body: template.body.split('\n') };
}

function snippetFile(entries: Readonly<Record<string, SnippetEntry>>): string {
  return `${JSON.stringify(entries, null, 2)}\n`;
}
