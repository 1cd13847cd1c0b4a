import assert from 'node:assert/strict';
import { parseDocument, type ParsedDocument } from '../../server/src/core/engine/document';
import { mergeUnits } from '../../server/src/core/engine/merged-unit';
import { setDirectives } from '../../server/src/core/rules/systemd/edits';
import { applyEdits } from '../../server/src/core/text/edits';
import { linter } from '../helpers/lint';

const parse = (files: Record<string, string>): ParsedDocument[] =>
  Object.entries(files).map(([path, text]) => parseDocument({ path, text, kind: 'systemd' }, linter.knowledge));

/** The text of each file after the edits, for the files they touch. */
function edited(documents: readonly ParsedDocument[], edits: ReturnType<typeof setDirectives>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const document of documents) {
    const own = edits.filter((edit) => edit.document === document).map((edit) => ({ range: document.source.rangeOf(edit.span), newText: edit.newText, path: document.path }));
    if (own.length > 0) result[document.path] = applyEdits(document.source.text, own)!;
  }
  return result;
}

describe('a unit merged with its drop-ins', () => {
  const documents = parse({
    '/etc/systemd/system/app.service': '[Unit]\nDescription=app\n\n[Service]\nExecStart=/usr/bin/gunicorn app:app\nRestart=always\nEnvironment=A=1\n\n[Install]\nWantedBy=multi-user.target\n',
    '/etc/systemd/system/app.service.d/20-later.conf': '[Service]\nRestart=on-failure\nEnvironment=\nEnvironment=C=3\n',
    '/etc/systemd/system/app.service.d/10-earlier.conf': '[Service]\nEnvironment=B=2\nTimeoutStopSec=\n',
    '/etc/systemd/system/service.d/limits.conf': '[Service]\nTasksMax=200\n',
    '/etc/systemd/system/other.service.d/x.conf': '[Service]\nUser=web\n',
  });
  const units = mergeUnits(documents);
  const app = units.find((unit) => unit.name === 'app.service')!;

  it('reads drop-ins after the unit, by file name across folders, and a type-wide drop-in into every unit', () => {
    assert.deepEqual(
      app.files.map((document) => document.path.replace('/etc/systemd/system/', '')),
      ['app.service', 'app.service.d/10-earlier.conf', 'app.service.d/20-later.conf', 'service.d/limits.conf'],
    );
    assert.deepEqual(units.map((unit) => [unit.name, unit.main !== undefined]), [['app.service', true], ['other.service', false]]);
  });

  it('gives the deciding assignment, where it is written, and list values after the last reset', () => {
    assert.equal(app.value('Service', 'Restart')?.entry.value, 'on-failure');
    assert.match(app.value('Service', 'Restart')!.document.path, /20-later\.conf$/);
    assert.equal(app.value('Service', 'TasksMax')?.entry.value, '200');
    assert.equal(app.value('Service', 'TimeoutStopSec'), undefined);
    assert.deepEqual(app.list('Service', 'Environment').map((placed) => placed.entry.value), ['C=3']);
  });

  it('rewrites a value where the deciding drop-in sets it, and adds a missing one to the unit file after its group', () => {
    const edits = setDirectives(app, 'Service', [['Restart', 'on-failure'], ['RestartSec', '5s'], ['TasksMax', '100']]);
    assert.deepEqual(edited(documents, edits), {
      '/etc/systemd/system/app.service':
        '[Unit]\nDescription=app\n\n[Service]\nExecStart=/usr/bin/gunicorn app:app\nRestart=always\nRestartSec=5s\nEnvironment=A=1\n\n[Install]\nWantedBy=multi-user.target\n',
      '/etc/systemd/system/service.d/limits.conf': '[Service]\nTasksMax=100\n',
    });
  });

  it('puts a new section where it belongs, above the comments of the next one', () => {
    const [unit] = parse({ '/srv/app.service': '[Service]\nExecStart=/usr/bin/gunicorn app:app\n\n# enable with systemctl enable\n[Install]\nWantedBy=multi-user.target\n' });
    const [merged] = mergeUnits([unit!]);
    assert.deepEqual(edited([unit!], setDirectives(merged!, 'Unit', [['StartLimitIntervalSec', '60'], ['StartLimitBurst', '5']])), {
      '/srv/app.service': '[Unit]\nStartLimitIntervalSec=60\nStartLimitBurst=5\n\n[Service]\nExecStart=/usr/bin/gunicorn app:app\n\n# enable with systemctl enable\n[Install]\nWantedBy=multi-user.target\n',
    });
  });
});
