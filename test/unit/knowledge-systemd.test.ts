import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import table from '../../schemas/systemd.json';
import summaries from '../../schemas/summaries/systemd.json';
import { availableIn } from '../../server/src/core/knowledge/knowledge';
import type { SystemdDirective, SystemdKnowledge, SystemdSection } from '../../server/src/core/knowledge/types';
import { compareVersions } from '../../server/src/core/model/version';
import { requireOracle } from '../helpers/oracles';

const systemd = table as unknown as SystemdKnowledge;
const SECTIONS: readonly SystemdSection[] = ['Unit', 'Install', 'Service', 'Socket', 'Timer', 'Path', 'Mount', 'Automount', 'Swap', 'Slice', 'Scope'];
const CGROUP_UNITS: readonly SystemdSection[] = ['Service', 'Socket', 'Mount', 'Swap', 'Slice', 'Scope'];
const MAN = 'https://www.freedesktop.org/software/systemd/man/';

const entry = (section: SystemdSection, name: string): SystemdDirective | undefined =>
  systemd.directives.find((directive) => directive.name === name && directive.sections.includes(section));

function required(section: SystemdSection, name: string): SystemdDirective {
  const found = entry(section, name);
  assert.ok(found, `[${section}] ${name}= is not in the table`);
  return found;
}

describe('schemas/systemd.json', () => {
  describe('integrity', () => {
    it('records where its facts came from', () => {
      assert.equal(systemd.source.url, 'https://github.com/systemd/systemd');
      assert.match(systemd.source.ref, /^\d+(\.\d+)?$/);
      assert.match(systemd.source.commit ?? '', /^[0-9a-f]{40}$/);
      assert.match(systemd.source.generated, /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(systemd.source.files.some((file) => file.startsWith('src/core/load-fragment-gperf.gperf')));
      assert.ok((systemd.source.versionsScanned ?? []).includes('252'));
      assert.ok((systemd.source.notes ?? []).length > 0);
    });

    it('names each key once per section, in known sections only', () => {
      const seen = new Set<string>();
      for (const directive of systemd.directives) {
        assert.ok(directive.sections.length > 0, directive.name);
        for (const section of directive.sections) {
          assert.ok(SECTIONS.includes(section), `${directive.name}= in unknown section ${section}`);
          const key = `${section}.${directive.name}`;
          assert.ok(!seen.has(key), `${key} appears twice`);
          seen.add(key);
        }
      }
    });

    it('gives every entry a one-line summary and an https link into the freedesktop.org man pages', () => {
      for (const directive of systemd.directives) {
        assert.ok(directive.summary.trim().length > 10, `${directive.name}: summary`);
        assert.ok(!/[\r\n]/.test(directive.summary), `${directive.name}: summary spans lines`);
        assert.ok(directive.docs.startsWith(MAN), `${directive.name}: ${directive.docs}`);
        assert.match(directive.docs, /^https:\/\/www\.freedesktop\.org\/software\/systemd\/man\/(latest|\d+)\/systemd\.[a-z-]+\.html(#[^\s#]+)?$/, directive.name);
      }
    });

    it('takes every summary from schemas/summaries/systemd.json', () => {
      const written = summaries as Record<string, string>;
      for (const directive of systemd.directives) {
        const own = directive.sections.map((section) => written[`${section}.${directive.name}`]).find((text) => text !== undefined);
        assert.equal(directive.summary, own ?? written[directive.name], directive.name);
      }
    });

    it('links current keys to the entry systemd’s stylesheet anchors (first term of the entry)', () => {
      assert.equal(required('Service', 'RestartSec').docs, `${MAN}latest/systemd.service.html#RestartSec=`);
      assert.equal(required('Service', 'MemoryMax').docs, `${MAN}latest/systemd.resource-control.html#MemoryMax=bytes`);
      // ExecStartPost= shares the entry (and so the anchor) of ExecStartPre=.
      assert.equal(required('Service', 'ExecStartPost').docs, `${MAN}latest/systemd.service.html#ExecStartPre=`);
      assert.equal(required('Socket', 'ExecStartPre').docs, `${MAN}latest/systemd.socket.html#ExecStartPre=`);
      assert.equal(required('Service', 'LimitNOFILE').docs, `${MAN}latest/systemd.exec.html#LimitCPU=`);
      assert.equal(required('Unit', 'StartLimitIntervalSec').docs, `${MAN}latest/systemd.unit.html#StartLimitIntervalSec=interval`);
    });

    it('keeps version facts ordered and enum facts where they belong', () => {
      for (const directive of systemd.directives) {
        if (directive.since && directive.removed) assert.ok(compareVersions(directive.since, directive.removed) < 0, directive.name);
        if (directive.deprecated && directive.removed) assert.ok(compareVersions(directive.deprecated, directive.removed) < 0, directive.name);
        if (directive.since && directive.deprecated) assert.ok(compareVersions(directive.since, directive.deprecated) <= 0, directive.name);
        if (directive.type === 'enum') assert.ok((directive.values ?? []).length > 0, `${directive.name}: enum without values`);
        if (directive.deprecated) assert.ok(directive.replacement, `${directive.name}: deprecated without a replacement`);
      }
    });

    it('lists the sections of every unit type', () => {
      assert.deepEqual(systemd.unitTypes.service, ['Unit', 'Service', 'Install']);
      assert.deepEqual(systemd.unitTypes.scope, ['Unit', 'Scope']);
      assert.deepEqual(systemd.unitTypes.target, ['Unit', 'Install']);
      for (const type of ['service', 'socket', 'timer', 'path', 'mount', 'automount', 'swap', 'slice', 'scope', 'target', 'device']) {
        const sections = systemd.unitTypes[type];
        assert.ok(sections?.includes('Unit'), type);
        for (const section of sections ?? []) assert.ok(SECTIONS.includes(section), `${type}: ${section}`);
      }
      const own = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
      for (const type of ['service', 'socket', 'timer', 'path', 'mount', 'automount', 'swap', 'slice', 'scope']) {
        assert.ok(systemd.unitTypes[type]?.includes(own(type) as SystemdSection), type);
      }
    });
  });

  describe('facts the rules lean on', () => {
    it('dates RestartSteps= and RestartMaxDelaySec= to 254', () => {
      assert.equal(required('Service', 'RestartSteps').since, '254');
      assert.equal(required('Service', 'RestartMaxDelaySec').since, '254');
      assert.ok(!availableIn(required('Service', 'RestartSteps'), '252'));
      assert.ok(availableIn(required('Service', 'RestartSteps'), '254'));
    });

    it('knows the words of Restart=, Type=, KillMode=, NotifyAccess=, ExitType=, ProtectSystem= and ProtectHome=', () => {
      assert.deepEqual(required('Service', 'Restart').values, ['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always']);
      assert.equal(required('Service', 'Restart').type, 'enum');
      for (const word of ['simple', 'exec', 'forking', 'oneshot', 'dbus', 'notify', 'notify-reload', 'idle']) {
        assert.ok(required('Service', 'Type').values?.includes(word), `Type=${word}`);
      }
      assert.equal(required('Mount', 'Type').type, 'string');
      assert.deepEqual(required('Service', 'KillMode').values, ['control-group', 'process', 'mixed', 'none']);
      assert.deepEqual(required('Service', 'NotifyAccess').values, ['none', 'main', 'exec', 'all']);
      assert.deepEqual(required('Service', 'ExitType').values, ['main', 'cgroup']);
      assert.equal(required('Service', 'ExitType').since, '250');
      const protectSystem = required('Service', 'ProtectSystem');
      assert.deepEqual(protectSystem.values, ['no', 'yes', 'full', 'strict']);
      assert.equal(protectSystem.acceptsBoolean, true);
      assert.deepEqual(required('Service', 'ProtectHome').values, ['no', 'yes', 'read-only', 'tmpfs']);
      assert.equal(required('Service', 'SyslogLevel').acceptsNumber, true);
    });

    it('puts the start rate limit in [Unit], with the old [Service] spellings deprecated', () => {
      assert.equal(required('Unit', 'StartLimitIntervalSec').type, 'timespan');
      assert.ok(required('Unit', 'StartLimitBurst'));
      assert.ok(!entry('Service', 'StartLimitIntervalSec'));
      const interval = required('Service', 'StartLimitInterval');
      assert.equal(interval.replacement, 'StartLimitIntervalSec');
      assert.equal(interval.replacementNote, 'StartLimitIntervalSec= belongs in [Unit].');
      const burst = required('Service', 'StartLimitBurst');
      assert.equal(burst.replacement, 'StartLimitBurst');
      assert.equal(burst.replacementNote, 'StartLimitBurst= belongs in [Unit].');
      assert.equal(burst.deprecated, '229');
      assert.equal(required('Unit', 'StartLimitBurst').deprecated, undefined);
    });

    it('has the resource limits in every unit type with a control group', () => {
      for (const section of CGROUP_UNITS) {
        for (const name of ['MemoryMax', 'MemoryHigh', 'TasksMax', 'CPUWeight', 'IOWeight']) required(section, name);
      }
      assert.equal(required('Service', 'MemoryMax').type, 'size');
      assert.equal(required('Service', 'MemoryMax').since, '231');
      for (const section of ['Service', 'Socket', 'Mount', 'Swap'] as const) required(section, 'LimitNOFILE');
      assert.ok(!entry('Slice', 'LimitNOFILE'));
    });

    it('marks the cgroup v1 settings deprecated and, from 258, ignored', () => {
      const memoryLimit = required('Service', 'MemoryLimit');
      assert.equal(memoryLimit.replacement, 'MemoryMax');
      assert.equal(memoryLimit.deprecated, '231');
      assert.equal(memoryLimit.removed, '258');
      assert.ok(availableIn(memoryLimit, '252'));
      assert.ok(!availableIn(memoryLimit, '258'));
      assert.equal(required('Service', 'CPUShares').replacement, 'CPUWeight');
      assert.ok(required('Service', 'CPUShares').replacementNote);
      assert.equal(required('Service', 'StartupCPUShares').replacement, 'StartupCPUWeight');
      const blockIO: Readonly<Record<string, string>> = {
        BlockIOAccounting: 'IOAccounting',
        BlockIOWeight: 'IOWeight',
        StartupBlockIOWeight: 'StartupIOWeight',
        BlockIODeviceWeight: 'IODeviceWeight',
        BlockIOReadBandwidth: 'IOReadBandwidthMax',
        BlockIOWriteBandwidth: 'IOWriteBandwidthMax',
      };
      for (const [old, replacement] of Object.entries(blockIO)) {
        assert.equal(required('Service', old).replacement, replacement, old);
        assert.equal(required('Service', old).deprecated, '230', old);
        assert.equal(required('Service', old).removed, '258', old);
      }
    });

    it('knows PermissionsStartOnly= and the other compatibility spellings', () => {
      const permissions = required('Service', 'PermissionsStartOnly');
      assert.equal(permissions.deprecated, '240');
      assert.match(permissions.replacementNote ?? '', /"\+"/);
      assert.equal(required('Service', 'ReadWriteDirectories').replacement, 'ReadWritePaths');
      assert.equal(required('Unit', 'BindTo').replacement, 'BindsTo');
      assert.equal(required('Unit', 'RequiresOverridable').replacement, 'Requires');
    });

    it('tells accumulating keys from single-valued ones', () => {
      for (const name of ['Environment', 'EnvironmentFile', 'ExecStart', 'ExecStartPre', 'ExecStartPost', 'ExecStop', 'ReadWritePaths', 'SupplementaryGroups']) {
        assert.equal(required('Service', name).accumulates, true, name);
      }
      for (const name of ['After', 'Before', 'Wants', 'Requires', 'Conflicts', 'Documentation']) assert.equal(required('Unit', name).accumulates, true, name);
      assert.equal(required('Install', 'WantedBy').accumulates, true);
      assert.equal(required('Timer', 'OnCalendar').accumulates, true);
      for (const name of ['RestartSec', 'Restart', 'Type', 'User', 'WorkingDirectory', 'MemoryMax', 'TimeoutStopSec', 'KillMode']) {
        assert.equal(required('Service', name).accumulates, false, name);
      }
      assert.equal(required('Unit', 'Description').accumulates, false);
    });

    it('types values the way systemd parses them', () => {
      assert.equal(required('Service', 'RestartSec').type, 'timespan');
      assert.equal(required('Service', 'TimeoutStopSec').type, 'timespan');
      assert.equal(required('Service', 'ExecStart').type, 'command');
      assert.equal(required('Service', 'Environment').type, 'environment');
      assert.equal(required('Service', 'WorkingDirectory').type, 'path');
      assert.equal(required('Service', 'NoNewPrivileges').type, 'boolean');
      assert.equal(required('Service', 'KillSignal').type, 'signal');
      assert.equal(required('Service', 'UMask').type, 'mode');
      assert.equal(required('Unit', 'After').type, 'unit-list');
      assert.equal(required('Timer', 'OnCalendar').type, 'timestamp');
      assert.equal(required('Timer', 'OnBootSec').type, 'timespan');
    });

    it('dates keys by the table systemd looks them up in, not by the man page notes', () => {
      // Documented from 232, accepted in unit files only from 236 (upstream commit c54515b1e4).
      assert.equal(required('Service', 'RemoveIPC').since, '236');
      // Documented from 244, parsed from unit files only from 247.
      assert.equal(required('Unit', 'ConditionMemory').since, '247');
      assert.equal(required('Service', 'PAMName').since, undefined);
    });
  });

  describe('against the systemd installed here', () => {
    it('has every key `systemd --dump-configuration-items` prints, and no key that release lacks', function () {
      if (!requireOracle(this, '/lib/systemd/systemd', ['--version'])) return;
      const release = /^systemd (\d+)/.exec(execFileSync('/lib/systemd/systemd', ['--version'], { encoding: 'utf8' }))?.[1];
      assert.ok(release, 'systemd --version names no release');
      const dump = execFileSync('/lib/systemd/systemd', ['--dump-configuration-items'], { encoding: 'utf8' });
      const installed = new Set<string>();
      let section = '';
      for (const line of dump.split('\n')) {
        if (line.startsWith('[')) section = line.slice(1, -1);
        else if (line.includes('=') && SECTIONS.includes(section as SystemdSection)) installed.add(`${section}.${line.slice(0, line.indexOf('='))}`);
      }
      assert.ok(installed.size > 500, 'the dump lists too few keys to be read right');

      const tabled = new Set<string>();
      const known = new Set<string>();
      for (const directive of systemd.directives) {
        for (const section of directive.sections) {
          known.add(`${section}.${directive.name}`);
          if (availableIn(directive, release)) tabled.add(`${section}.${directive.name}`);
        }
      }
      // Debian's 252 (252.39) carries OOMPolicy= for scopes, upstream only from 253
      // (d5a1657d5a "core,man: add missing integration of OOMPolicy= in scopes"), picked
      // into the 252 stable series.
      const backports = release === '252' ? ['Scope.OOMPolicy'] : [];
      for (const key of backports) assert.ok(known.has(key), `${key} should be in the table under a later release`);
      assert.deepEqual([...installed].filter((key) => !tabled.has(key) && !backports.includes(key)).sort(), [], `keys systemd ${release} has that the table does not give it`);
      assert.deepEqual([...tabled].filter((key) => !installed.has(key)).sort(), [], `keys the table gives systemd ${release} that it does not have`);
    });
  });
});
