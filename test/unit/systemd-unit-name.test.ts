import assert from 'node:assert/strict';
import { dropInDirectories, isDropIn, parseUnitName, templateOf, unitFileRole, unitTypeOf } from '../../server/src/core/formats/systemd/unit-name';

describe('unit names', () => {
  it('reads plain units, templates and instances', () => {
    assert.deepEqual(parseUnitName('app.service'), { name: 'app.service', type: 'service', prefix: 'app', kind: 'plain' });
    assert.deepEqual(parseUnitName('app@.service'), { name: 'app@.service', type: 'service', prefix: 'app', instance: '', kind: 'template' });
    assert.deepEqual(parseUnitName('app@blue.service'), { name: 'app@blue.service', type: 'service', prefix: 'app', instance: 'blue', kind: 'instance' });
    // The first "@" splits, the last "." ends: instances may hold both.
    assert.deepEqual(parseUnitName('getty@tty1.x@y.socket'), { name: 'getty@tty1.x@y.socket', type: 'socket', prefix: 'getty', instance: 'tty1.x@y', kind: 'instance' });
    assert.equal(parseUnitName('dev-sda1.device')?.type, 'device');
  });

  it('refuses what systemd refuses', () => {
    for (const name of ['app', 'app.conf', '.service', '@x.service', 'a b.service', 'app@.d', 'ünï.service', `${'a'.repeat(248)}.service`]) {
      assert.equal(parseUnitName(name), undefined, name);
    }
    assert.ok(parseUnitName(`${'a'.repeat(247)}.service`), '255 bytes is the limit');
  });

  it('names the template of an instance', () => {
    assert.equal(templateOf('app@blue.service'), 'app@.service');
    assert.equal(templateOf('app@.service'), undefined);
    assert.equal(templateOf('app.service'), undefined);
  });

  it('says what a path configures', () => {
    assert.deepEqual(unitFileRole('/etc/systemd/system/app.service'), { role: 'unit', unit: parseUnitName('app.service') });
    assert.deepEqual(unitFileRole('/etc/systemd/system/app.service.d/override.conf'), { role: 'drop-in', unit: parseUnitName('app.service') });
    assert.deepEqual(unitFileRole('/etc/systemd/system/app@.service.d/10-limits.conf'), { role: 'drop-in', unit: parseUnitName('app@.service') });
    assert.deepEqual(unitFileRole('/etc/systemd/system/service.d/10-all.conf'), { role: 'type-drop-in', type: 'service' });
    assert.equal(unitFileRole('/etc/systemd/system/app.service.d/notes.txt'), undefined);
    assert.equal(unitFileRole('/etc/nginx/nginx.conf'), undefined);
  });

  it('gives the unit type of a file, drop-ins included', () => {
    assert.equal(unitTypeOf('/etc/systemd/system/app.service'), 'service');
    assert.equal(unitTypeOf('app.socket'), 'socket');
    assert.equal(unitTypeOf('/etc/systemd/system/app.timer.d/override.conf'), 'timer');
    assert.equal(unitTypeOf('/etc/systemd/system/socket.d/defaults.conf'), 'socket');
    assert.equal(unitTypeOf('/srv/app/gunicorn.conf.py'), undefined);
    assert.equal(unitTypeOf('/etc/systemd/system/app.conf'), undefined);
    // Not a name systemd accepts, but the checks of a service still apply.
    assert.equal(unitTypeOf('/home/me/my app.service'), 'service');
    assert.equal(isDropIn('/etc/systemd/system/app.service.d/override.conf'), true);
    assert.equal(isDropIn('/etc/systemd/system/app.service'), false);
  });
});

describe('dropInDirectories', () => {
  const names = (unit: string) => dropInDirectories(unit).map((directory) => directory.name);

  it('reads the unit’s own directory, then the type-wide one (since 244)', () => {
    assert.deepEqual(dropInDirectories('app.service'), [
      { name: 'app.service.d', reason: 'unit', since: '198' },
      { name: 'service.d', reason: 'type', since: '244' },
    ]);
  });

  it('adds the template directory for an instance', () => {
    assert.deepEqual(dropInDirectories('app@blue.service'), [
      { name: 'app@blue.service.d', reason: 'unit', since: '198' },
      { name: 'app@.service.d', reason: 'template' },
      { name: 'service.d', reason: 'type', since: '244' },
    ]);
    assert.deepEqual(names('app@.service'), ['app@.service.d', 'service.d']);
  });

  it('adds each shorter dash prefix (since 239): the directories systemd-analyze verify 252 was seen to read, in its search order', () => {
    assert.deepEqual(names('a-b-c.service'), ['a-b-c.service.d', 'a-b-.service.d', 'a-.service.d', 'service.d']);
    assert.deepEqual(names('foo--bar.service'), ['foo--bar.service.d', 'foo--.service.d', 'foo-.service.d', 'service.d']);
    assert.deepEqual(names('-foo-bar.service'), ['-foo-bar.service.d', '-foo-.service.d', 'service.d']);
    assert.deepEqual(names('foo-bar@baz.service'), ['foo-bar@baz.service.d', 'foo-bar@.service.d', 'foo-.service.d', 'foo-@baz.service.d', 'foo-@.service.d', 'service.d']);
    assert.equal(dropInDirectories('a-b.service').find((directory) => directory.name === 'a-.service.d')?.since, '239');
  });

  it('gives nothing for a name systemd would not accept', () => {
    assert.deepEqual(dropInDirectories('not a unit'), []);
  });
});
