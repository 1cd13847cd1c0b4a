import assert from 'node:assert/strict';
import { parseHostIni } from '../../server/src/core/host/ini-file';
import { hostComment } from '../../server/src/core/host/inline';
import { resolveHost, type HostLayer } from '../../server/src/core/host/resolve';

const NEWEST = { gunicorn: '26.1.0', systemd: '258', nginx: '1.28.0', python: '3.13' };

describe('resolving the host', () => {
  it('assumes 1 CPU, 1 GiB, 100M workers and a mixed workload, and says so, when nothing is declared', () => {
    const host = resolveHost([], NEWEST);
    assert.deepEqual([host.cpus, host.memoryMiB, host.workerMemoryMiB, host.workload, host.container], [1, 1024, 100, 'mixed', false]);
    assert.deepEqual([...host.assumed].sort(), ['cpus', 'memory', 'worker_memory', 'workload']);
    assert.equal(host.declaredBy, undefined);
    assert.deepEqual(host.targets, { ...NEWEST, origin: 'newest known' });
    assert.deepEqual(host.rules, {});
  });

  it('takes each field from the nearest declaration: comment over .deploylint.ini over settings', () => {
    const comment = hostComment([{ text: ' deploylint: host cpus=4', span: { start: 0, end: 25 } }])!;
    const ini = parseHostIni('[host]\ncpus = 1\nmemory = 1G\n[app]\nworkload = io\n');
    const layers: HostLayer[] = [
      { spec: comment.spec, origin: 'the comment on line 1' },
      { spec: ini.spec, origin: '/srv/app/.deploylint.ini' },
      { spec: { memoryMiB: 8192, workerMemoryMiB: 250, workload: 'cpu', container: true, versions: {} }, origin: 'settings' },
    ];
    const host = resolveHost(layers, NEWEST);
    assert.deepEqual([host.cpus, host.memoryMiB, host.workload, host.workerMemoryMiB, host.container], [4, 1024, 'io', 250, true]);
    assert.equal(host.declaredBy, 'the comment on line 1');
    assert.deepEqual([...host.assumed], []);
  });

  it('names the first layer that set the CPUs or the memory as the one that declared the machine', () => {
    const host = resolveHost([{ spec: { workload: 'io', versions: {} }, origin: 'the comment on line 2' }, { spec: { memoryMiB: 2048, versions: {} }, origin: '--host' }], NEWEST);
    assert.equal(host.declaredBy, '--host');
    assert.deepEqual([...host.assumed], ['cpus', 'worker_memory']);
  });

  it('versions: an explicit version over the distro preset over the newest known, per program', () => {
    const host = resolveHost([{ spec: parseHostIni('[host]\ndistro = debian-12\n[versions]\ngunicorn = 23.0\n').spec, origin: '/srv/.deploylint.ini' }], NEWEST);
    assert.deepEqual([host.targets.gunicorn, host.targets.systemd, host.targets.nginx, host.targets.python], ['23.0', '252', '1.22.1', '3.11.2']);
    assert.equal(host.targets.origin, 'debian-12 with gunicorn 23.0 (from /srv/.deploylint.ini)');
  });

  it('an explicit version from a farther layer still beats a nearer distro', () => {
    const host = resolveHost(
      [
        { spec: { distro: 'ubuntu-24.04', versions: {} }, origin: 'the comment on line 1' },
        { spec: { distro: 'debian-12', versions: { nginx: '1.26' } }, origin: 'settings' },
      ],
      NEWEST,
    );
    assert.deepEqual([host.targets.systemd, host.targets.nginx], ['255', '1.26']);
    assert.equal(host.targets.origin, 'ubuntu-24.04 (from the comment on line 1) with nginx 1.26 (from settings)');
  });

  it('says what decided the versions', () => {
    const origin = (layers: HostLayer[]) => resolveHost(layers, NEWEST).targets.origin;
    assert.equal(origin([{ spec: { distro: 'debian-12', versions: {} }, origin: '/srv/.deploylint.ini' }]), 'debian-12 (from /srv/.deploylint.ini)');
    assert.equal(origin([{ spec: { versions: { gunicorn: '20.1' } }, origin: '--host' }]), 'gunicorn 20.1 (from --host), newest known otherwise');
    assert.equal(
      origin([
        { spec: { versions: { gunicorn: '20.1', nginx: '1.22' } }, origin: 'the comment on line 3' },
        { spec: { versions: { systemd: '252', python: '3.11', nginx: '1.18' } }, origin: 'settings' },
      ]),
      'gunicorn 20.1, nginx 1.22 (from the comment on line 3), systemd 252, python 3.11 (from settings)',
    );
  });

  it('skips a distro it has no preset for', () => {
    const host = resolveHost([{ spec: { distro: 'arch', versions: {} }, origin: 'settings' }, { spec: { distro: 'debian-13', versions: {} }, origin: '--host' }], NEWEST);
    assert.deepEqual([host.targets.gunicorn, host.targets.origin], ['23.0.0', 'debian-13 (from --host)']);
  });

  it('merges rule severities per rule, nearest first', () => {
    const host = resolveHost(
      [
        { spec: { versions: {}, rules: { 'systemd/wrong-section': 'warning' } }, origin: '/srv/app/.deploylint.ini' },
        { spec: { versions: {}, rules: { 'systemd/wrong-section': 'off', 'gunicorn/invalid-value': 'info' } }, origin: 'settings' },
      ],
      NEWEST,
    );
    assert.deepEqual(host.rules, { 'systemd/wrong-section': 'warning', 'gunicorn/invalid-value': 'info' });
  });
});
