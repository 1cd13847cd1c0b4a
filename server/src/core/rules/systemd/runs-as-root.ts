import type { Rule } from '../../engine/rule';
import { parseBoolean } from '../../formats/systemd/values';
import { setDirectives } from './edits';
import { webServerStart } from './service-runs';

/** Folders of user units (`~/.config/systemd/user/`, `/etc/systemd/user/`): those run as their user, never as root. */
const USER_UNIT = /(^|\/)systemd\/user\//;

/**
 * A web service that systemd runs as root: a system service without `User=` (or
 * `DynamicUser=yes`) runs as root (systemd.exec(5), "User=, Group="). A unit that writes
 * `User=root` has said so on purpose and is left alone.
 *
 * The account the fix names is the unit's own name (`netflow-dashboard`), not a shared one
 * such as `www-data`, which nginx and often other apps run as: an app that is broken into
 * should reach none of their files. A `Group=` already written is kept.
 */
export const runsAsRoot: Rule = {
  id: 'systemd/runs-as-root',
  severity: 'warning',
  summary: 'A web service with no User= or DynamicUser=: it runs as root',

  service(service, context) {
    const start = webServerStart(service, context);
    if (!start || service.value('Service', 'User') || service.files.some((file) => USER_UNIT.test(file.path))) return;
    const dynamic = service.value('Service', 'DynamicUser');
    if (dynamic && parseBoolean(dynamic.entry.value)) return;
    const account = service.name.replace(/@?\.service$/, '').replace(/[^a-z0-9_-]/gi, '-').toLowerCase() || 'app';
    const group = service.value('Service', 'Group');
    context.report({
      document: start.document,
      span: start.entry.keySpan,
      message: `${service.name} runs its web server as root (no User= or DynamicUser=): a flaw in the app or in any of its dependencies gives the attacker the whole machine`,
      fixes: [
        {
          title: `Run as User=${account}${group ? '' : `, Group=${account}`} (create the account first: useradd --system --no-create-home ${account})`,
          // The account must exist and own what the app writes: the service fails to start otherwise.
          safe: false,
          preferred: true,
          edits: setDirectives(service, 'Service', group ? [['User', account]] : [
            ['User', account],
            ['Group', account],
          ]),
        },
      ],
    });
  },
};
