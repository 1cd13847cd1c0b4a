import type { Rule } from '../../engine/rule';
import type { Severity } from '../../model/finding';

/** Files Debian's nginx package installs beside nginx.conf: a repository rarely carries them. */
const PACKAGED_FILES = new Set(['mime.types', 'proxy_params', 'fastcgi_params', 'fastcgi.conf', 'scgi_params', 'uwsgi_params', 'koi-utf', 'koi-win', 'win-utf', 'snippets/fastcgi-php.conf', 'snippets/snakeoil.conf']);

export const include: Rule = {
  id: 'nginx/include',
  severity: 'warning',
  summary: 'An include that loops, or whose file could not be read, so it was not checked',

  document(document, context) {
    if (!document.nginx) return;
    for (const site of context.workspace.nginx.sitesIn(document)) {
      const span = site.directive.args[0]?.span ?? site.directive.span;
      for (const failure of site.failures) {
        let severity: Severity;
        let message: string;
        switch (failure.reason) {
          case 'cycle':
            severity = 'error';
            message = `include loop: ${failure.message}`;
            break;
          case 'missing': {
            const packaged = [...PACKAGED_FILES].some((name) => failure.path.endsWith(`/${name}`));
            severity = packaged ? 'info' : 'warning';
            message = packaged
              ? `${failure.path} is not among the checked files (Debian's nginx package installs it), so it was not checked`
              : `open() "${failure.path}" failed: nginx will refuse to start unless the file exists on the server`;
            break;
          }
          case 'outside':
            severity = 'info';
            message = `${failure.path} lies outside the checked folders and was not read`;
            break;
          case 'limit':
            severity = 'warning';
            message = failure.message;
            break;
          default:
            severity = 'error';
            message = `${failure.path} could not be read (${failure.message}), so it was not checked`;
        }
        context.report({ span, severity, message });
      }
    }
  },
};
