import type { Rule } from '../../engine/rule';

/** What PATH must keep for programs an app runs by name (Debian's default PATH for services, minus sbin). */
const SYSTEM_DIRECTORIES = ':/usr/local/bin:/usr/bin:/bin';

/**
 * `Environment=PATH=/opt/app/venv/bin`: systemd itself finds ExecStart='s program through
 * its own built-in search path (systemd.service(5), "Command lines": "a fixed search path
 * determined at compilation time", since v239 allowed names without a path; v250's
 * ExecSearchPath= changes it, never Environment=), so the unit starts;
 * but the app and everything it starts inherit this PATH, and any program run by name
 * (`subprocess.run(["git", …])`, `os.system`, a library calling `sh`) is not found.
 */
export const pathOverride: Rule = {
  id: 'systemd/path-override',
  severity: 'warning',
  summary: 'Environment=PATH=… without /usr/bin and /bin: programs the app runs by name are not found',

  service(service, context) {
    for (const { placed, words } of service.environment()) {
      for (const word of words) {
        if (!word.text.startsWith('PATH=')) continue;
        const directories = word.text.slice('PATH='.length).split(':');
        if (directories.includes('/usr/bin') || directories.includes('/bin') || word.text.includes('$')) continue;
        const quote = /^["']/.test(word.raw) ? word.raw[0]! : '';
        context.report({
          document: placed.document,
          span: word.span,
          message: `${word.text} leaves out the system directories: the unit still starts (systemd finds ExecStart='s program on its own search path), but every program the app runs by name (sh, git, a subprocess call) fails with "No such file or directory"`,
          fixes: [
            {
              title: `Append ${SYSTEM_DIRECTORIES.slice(1)} (the virtualenv stays first)`,
              // The virtualenv keeps precedence; only names it lacks are now found where they always were.
              safe: true,
              preferred: true,
              edits: [{ document: placed.document, span: word.span, newText: `${quote}${word.text}${SYSTEM_DIRECTORIES}${quote}` }],
            },
          ],
        });
      }
    }
  },
};
