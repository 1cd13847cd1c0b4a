import assert from 'node:assert/strict';
import { hostSpecOf, readSettings } from '../../server/src/lsp/settings';

describe('deploylint.host.* settings', () => {
  it('become a host declaration, the new keys included', () => {
    const settings = readSettings({ host: { cpus: 2, memory: '2G', distro: 'Ubuntu-24.04', container: true, workerMemory: '150M', workload: 'io', versions: { nginx: '1.24' } } });
    assert.deepEqual(hostSpecOf(settings), { cpus: 2, memoryMiB: 2048, distro: 'ubuntu-24.04', container: true, workerMemoryMiB: 150, workload: 'io', versions: { nginx: '1.24' } });
  });

  it('drop what is malformed, as VS Code sends null for unset', () => {
    const settings = readSettings({ host: { cpus: null, memory: '0G', distro: 'arch', container: 'yes', workerMemory: 'lots', workload: 'web', versions: {} } });
    assert.deepEqual(hostSpecOf(settings), { versions: {} });
  });
});
