import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import table from '../../schemas/systemd.json';
import type { SystemdDirective, SystemdKnowledge } from '../../server/src/core/knowledge/types';
import { availableIn } from '../../server/src/core/knowledge/knowledge';
import { requireOracle } from '../helpers/oracles';

const systemd = table as unknown as SystemdKnowledge;
const entries = (name: string, section: string): SystemdDirective | undefined =>
  systemd.directives.find((directive) => directive.name === name && (directive.sections as readonly string[]).includes(section));

describe('schemas/systemd.json', () => {
  it('has each key once per section, with a summary and a documentation link', () => {
    const seen = new Set<string>();
    for (const directive of systemd.directives) {
      for (const section of directive.sections) {
        const key = `${section}.${directive.name}`;
        assert.ok(!seen.has(key), `${key} twice`);
        seen.add(key);
      }
      assert.ok(directive.summary.length > 10 && !directive.summary.includes('\n'), directive.name);
      assert.match(directive.docs, /^https:\/\/www\.freedesktop\.org\/software\/systemd\/man\/latest\/systemd\.[a-z-]+\.html#\w+=$/);
    }
  });

  it('knows the facts the rules lean on', () => {
    assert.equal(entries('RestartSteps', 'Service')?.since, '254');
    assert.equal(entries('RestartMaxDelaySec', 'Service')?.since, '254');
    assert.deepEqual(entries('Restart', 'Service')?.values, ['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always']);
    assert.ok(entries('StartLimitIntervalSec', 'Unit'));
    assert.ok(!entries('StartLimitIntervalSec', 'Service'));
    for (const section of ['Service', 'Socket', 'Mount', 'Slice']) {
      for (const name of ['MemoryMax', 'MemoryHigh', 'TasksMax']) assert.ok(entries(name, section), `${section}.${name}`);
    }
    assert.ok(entries('LimitNOFILE', 'Service'));
    assert.equal(entries('MemoryLimit', 'Service')?.replacement, 'MemoryMax');
    assert.equal(entries('StartLimitBurst', 'Service')?.replacementNote, 'StartLimitBurst= belongs in [Unit].');
    assert.equal(entries('Environment', 'Service')?.accumulates, true);
    assert.equal(entries('ExecStartPre', 'Service')?.accumulates, true);
    assert.equal(entries('RestartSec', 'Service')?.accumulates, false);
    assert.deepEqual(entries('KillMode', 'Service')?.values, ['control-group', 'process', 'mixed', 'none']);
    assert.deepEqual(systemd.unitTypes.service, ['Unit', 'Service', 'Install']);
  });

  it('agrees with the installed systemd on which keys exist in its release', function () {
    if (!requireOracle(this, '/lib/systemd/systemd', ['--version'])) return;
    const release = /^systemd (\d+)/.exec(execFileSync('/lib/systemd/systemd', ['--version'], { encoding: 'utf8' }))![1]!;
    const dump = execFileSync('/lib/systemd/systemd', ['--dump-configuration-items'], { encoding: 'utf8' });
    const known = new Set(Object.values(systemd.unitTypes).flat());
    const installed = new Set<string>();
    let section = '';
    for (const line of dump.split('\n')) {
      if (line.startsWith('[')) section = line.slice(1, -1);
      else if (line.includes('=') && known.has(section as never)) installed.add(`${section}.${line.slice(0, line.indexOf('='))}`);
    }
    const tabled = new Set<string>();
    for (const directive of systemd.directives) {
      if (!availableIn(directive, release)) continue;
      for (const section of directive.sections) tabled.add(`${section}.${directive.name}`);
    }
    // Debian 12's systemd 252 carries OOMPolicy= for scopes, back-ported from 253.
    const backports = release === '252' ? ['Scope.OOMPolicy'] : [];
    assert.deepEqual([...installed].filter((key) => !tabled.has(key) && !backports.includes(key)).sort(), []);
    assert.deepEqual([...tabled].filter((key) => !installed.has(key)).sort(), []);
  });
});
