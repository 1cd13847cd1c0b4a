import assert from 'node:assert/strict';
import { parseHostOption, readHostValue } from '../../server/src/core/host/host-spec';
import { parseArguments } from '../../server/src/cli/arguments';

describe('--host', () => {
  it('reads the machine, the app and the versions', () => {
    assert.deepEqual(parseHostOption('cpus=4,memory=1G,distro=debian-12,container=false,worker_memory=250M,workload=io,nginx=1.22'), {
      cpus: 4,
      memoryMiB: 1024,
      distro: 'debian-12',
      container: false,
      workerMemoryMiB: 250,
      workload: 'io',
      versions: { nginx: '1.22' },
    });
  });

  it('still reads the old form, spaces around the pieces allowed', () => {
    assert.deepEqual(parseHostOption(' cpus=2 , memory=512M,'), { cpus: 2, memoryMiB: 512, versions: {} });
  });

  it('says what is wrong, one line', () => {
    assert.deepEqual(parseHostOption('cpus=0'), { error: 'cpus must be a whole number of at least 1, not "0"' });
    assert.deepEqual(parseHostOption('memory=lots'), { error: 'memory must be a size such as 512M or 1G (K, M, G, T are powers of 1024), not "lots"' });
    assert.deepEqual(parseHostOption('cpu=2'), { error: 'unknown host key "cpu" (did you mean "cpus"?); known: cpus, memory, distro, container, worker_memory, workload, gunicorn, systemd, nginx, python' });
    assert.deepEqual(parseHostOption('distro=debian12'), { error: '"debian12" is no distro deploylint knows (debian-11, debian-12, debian-13, ubuntu-22.04, ubuntu-24.04); did you mean "debian-12"?' });
    assert.deepEqual(parseHostOption('workload=web'), { error: 'workload must be io, cpu or mixed, not "web"' });
    assert.deepEqual(parseHostOption('container=maybe'), { error: 'container must be true or false, not "maybe"' });
    assert.deepEqual(parseHostOption('cpus=2,cpus=4'), { error: 'cpus is given twice' });
    assert.deepEqual(parseHostOption('cpus='), { error: 'cpus has no value' });
    assert.deepEqual(parseHostOption('four'), { error: '"four" is not key=value' });
  });

  it('reaches the CLI options, and its errors the CLI message', () => {
    const parsed = parseArguments(['--host', 'cpus=2,distro=ubuntu-24.04,workload=cpu', '.']);
    assert.equal(parsed.kind, 'run');
    assert.deepEqual(parsed.kind === 'run' ? parsed.options.host : undefined, { cpus: 2, distro: 'ubuntu-24.04', workload: 'cpu', versions: {} });
    assert.deepEqual(parseArguments(['--host=workload=web', '.']), { kind: 'error', message: '--host: workload must be io, cpu or mixed, not "web"' });
  });
});

describe('host values', () => {
  it('are read the same wherever the machine is declared', () => {
    assert.deepEqual(readHostValue('memory', '1.5G'), { spec: { memoryMiB: 1536 } });
    assert.deepEqual(readHostValue('memory', '512MiB'), { spec: { memoryMiB: 512 } });
    assert.deepEqual(readHostValue('worker_memory', '120M'), { spec: { workerMemoryMiB: 120 } });
    assert.deepEqual(readHostValue('distro', ' Debian-13 '), { spec: { distro: 'debian-13' } });
    assert.deepEqual(readHostValue('workload', 'IO'), { spec: { workload: 'io' } });
    assert.deepEqual(readHostValue('systemd', '252'), { version: { program: 'systemd', value: '252' } });
    assert.deepEqual(readHostValue('python', '3.11.2.1.0'), { error: 'python must be a version such as 3.11, not "3.11.2.1.0"' });
    assert.deepEqual(readHostValue('cpus', '99999999999999999999'), { error: 'cpus must be a whole number of at least 1, not "99999999999999999999"' });
  });
});
