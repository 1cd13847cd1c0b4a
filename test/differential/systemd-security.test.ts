import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../server/src/cli/main';
import { parseDocument, type ParsedDocument } from '../../server/src/core/engine/document';
import { mergeUnits } from '../../server/src/core/engine/merged-unit';
import { loadKnowledge } from '../../server/src/core/knowledge/tables';
import type { Finding } from '../../server/src/core/model/finding';
import { exposureOf } from '../../server/src/core/rules/systemd/exposure';
import { applyEdits } from '../../server/src/core/text/edits';
import { requireOracle } from '../helpers/oracles';

const knowledge = loadKnowledge();
const SYSTEM = '/lib/systemd/system';

/** Hardened units written by hand, each leaning on other settings than the fix's set. */
const HAND_WRITTEN: Record<string, string> = {
  'dynamic-user.service': '[Service]\nDynamicUser=yes\nExecStart=/bin/true\nProtectHome=tmpfs\nPrivateDevices=yes\nCapabilityBoundingSet=\n',
  'deny-list.service':
    '[Service]\nUser=app\nExecStart=/bin/true\nSystemCallFilter=~@privileged @resources\nSystemCallFilter=~@mount @debug\nCapabilityBoundingSet=~CAP_SYS_ADMIN CAP_SYS_PTRACE\nRestrictNamespaces=~user net\nRestrictAddressFamilies=~AF_PACKET AF_NETLINK\n',
  'network-locked.service':
    '[Service]\nUser=app\nExecStart=/bin/true\nPrivateNetwork=yes\nIPAddressDeny=any\nIPAddressAllow=localhost\nPrivateUsers=yes\nPrivateMounts=yes\nUMask=0077\nProtectProc=noaccess\nProcSubset=pid\nRemoveIPC=yes\nSystemCallFilter=@system-service\nSystemCallFilter=~@privileged @resources\nSystemCallArchitectures=native\n',
  'early-boot.service': '[Unit]\nDefaultDependencies=no\n\n[Service]\nType=oneshot\nExecStart=/bin/true\nProtectSystem=full\nNoNewPrivileges=yes\nDevicePolicy=closed\nDeviceAllow=/dev/null rw\n',
};

/**
 * The seeds with the rule's fix applied: the set the rule offers, scored by systemd itself;
 * and the exposure the finding says the fix brings each to.
 */
function hardenedSeeds(): { units: Record<string, string>; promised: Map<string, number> } {
  let stdout = '';
  run(['--format', 'json', '--fail-on', 'none', 'examples'], { stdout: (text) => (stdout += text), stderr: () => undefined, isTerminal: false, cwd: process.cwd() });
  const report = JSON.parse(stdout) as { files: { path: string; findings: Finding[] }[] };
  const hardened: Record<string, string> = {};
  const promised = new Map<string, number>();
  for (const path of seedUnits()) {
    const finding = report.files.find((file) => file.path === path)?.findings.find((candidate) => candidate.rule === 'systemd/hardening' && candidate.severity === 'info');
    assert.ok(finding, `a hardening finding on ${path}`);
    const fixed = applyEdits(readFileSync(path, 'utf8'), finding.fixes[0]!.edits.filter((edit) => edit.path === path))!;
    const name = path.slice(path.lastIndexOf('/') + 1).replace(/\.service$/, '-hardened.service');
    hardened[name] = fixed;
    const [, whole, tenth] = /brings it to (\d+)\.(\d)/.exec(finding.message)!;
    promised.set(name, Number(whole) * 10 + Number(tenth));
  }
  return { units: hardened, promised };
}

function seedUnits(): string[] {
  return readdirSync('examples').flatMap((folder) =>
    existsSync(`examples/${folder}`) && lstatSync(`examples/${folder}`).isDirectory()
      ? readdirSync(`examples/${folder}`).filter((name) => name.endsWith('.service')).map((name) => `examples/${folder}/${name}`)
      : [],
  );
}

/** Debian's services: the unit files, not the alias links to them. */
function debianUnits(): string[] {
  return readdirSync(SYSTEM)
    .filter((name) => name.endsWith('.service') && lstatSync(`${SYSTEM}/${name}`).isFile())
    .map((name) => `${SYSTEM}/${name}`);
}

/** A unit file and the drop-ins beside it, read as deploylint reads them. */
function documentsOf(path: string): ParsedDocument[] {
  const documents = [parseDocument({ path, text: readFileSync(path, 'utf8'), kind: 'systemd' }, knowledge)];
  const folder = `${path}.d`;
  if (existsSync(folder)) {
    for (const name of readdirSync(folder).filter((entry) => entry.endsWith('.conf'))) {
      documents.push(parseDocument({ path: `${folder}/${name}`, text: readFileSync(`${folder}/${name}`, 'utf8'), kind: 'systemd' }, knowledge));
    }
  }
  return documents;
}

/** systemd-analyze's name for a unit: a template is analysed as its instance `i`. */
function analysedName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/@\.service$/, '@i.service');
}

/** Spearman's rank correlation, ties given their average rank. */
function spearman(xs: readonly number[], ys: readonly number[]): number {
  const ranks = (values: readonly number[]) => {
    const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
    const result = new Array<number>(values.length);
    for (let start = 0; start < order.length; ) {
      let end = start;
      while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end++;
      for (let k = start; k <= end; k++) result[order[k]!.index] = (start + end) / 2 + 1;
      start = end + 1;
    }
    return result;
  };
  const rx = ranks(xs);
  const ry = ranks(ys);
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const mx = mean(rx);
  const my = mean(ry);
  let covariance = 0;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < rx.length; i++) {
    covariance += (rx[i]! - mx) * (ry[i]! - my);
    vx += (rx[i]! - mx) ** 2;
    vy += (ry[i]! - my) ** 2;
  }
  return vx === 0 || vy === 0 ? (vx === vy ? 1 : 0) : covariance / Math.sqrt(vx * vy);
}

describe('systemd/hardening: the exposure agrees with systemd-analyze security --offline=true', function () {
  this.timeout(60_000);

  it("on Debian's services, the seeds, the seeds as the fix hardens them and hand-written hardened units", function () {
    if (!requireOracle(this, 'systemd-analyze')) return;
    const release = /^systemd (\d+)/.exec(execFileSync('systemd-analyze', ['--version'], { encoding: 'utf8' }))![1]!;
    const folder = mkdtempSync(join(tmpdir(), 'deploylint-security-'));
    try {
      const seeds = hardenedSeeds();
      const written = { ...HAND_WRITTEN, ...seeds.units };
      for (const [name, text] of Object.entries(written)) writeFileSync(join(folder, name), text);
      const debian = debianUnits();
      const paths = [...debian, ...seedUnits().map((path) => join(process.cwd(), path)), ...Object.keys(written).map((name) => join(folder, name))];

      // One run for every unit: it prints a table and an "Overall exposure level" line for each
      // it could load. An empty SYSTEMD_UNIT_PATH keeps it to the units' own folders: drop-ins
      // the machine has in /etc/systemd/system would count otherwise.
      const result = spawnSync('systemd-analyze', ['security', '--offline=true', '--no-pager', ...paths], {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, SYSTEMD_UNIT_PATH: '' },
      });
      if (result.error) throw result.error;
      const theirs = new Map<string, number>();
      for (const match of result.stdout.matchAll(/Overall exposure level for (\S+): (\d+)\.(\d) /g)) theirs.set(match[1]!, Number(match[2]) * 10 + Number(match[3]));

      const compared: { name: string; ours: number; theirs: number }[] = [];
      for (const path of paths) {
        const score = theirs.get(analysedName(path));
        if (score === undefined) continue;
        const unit = mergeUnits(documentsOf(path)).find((candidate) => candidate.main?.path === path)!;
        compared.push({ name: analysedName(path), ours: exposureOf(unit, { systemd: release }, { knowledge }).tenths, theirs: score });
      }
      const debianScored = compared.filter((entry) => debian.some((path) => analysedName(path) === entry.name)).length;
      assert.ok(debianScored >= 40, `only ${debianScored} of Debian's services were scored by systemd-analyze`);
      for (const name of [...seedUnits(), ...Object.keys(written)].map(analysedName)) assert.ok(theirs.has(name), `systemd-analyze scored ${name}`);

      const rho = spearman(
        compared.map((entry) => entry.ours),
        compared.map((entry) => entry.theirs),
      );
      const worst = Math.max(...compared.map((entry) => Math.abs(entry.ours - entry.theirs)));
      console.log(`      ${compared.length} units (${debianScored} of Debian's): Spearman ${rho.toFixed(4)}, largest difference ${(worst / 10).toFixed(1)}`);
      assert.ok(rho >= 0.9, `Spearman ${rho}`);
      // What the finding promises for its fix is what systemd finds once it is applied.
      for (const [name, tenths] of seeds.promised) assert.equal(theirs.get(name), tenths, `${name}: the fix promised ${tenths / 10}`);
      const far = compared.filter((entry) => Math.abs(entry.ours - entry.theirs) > 10).map((entry) => `${entry.name}: ours ${entry.ours / 10}, systemd ${entry.theirs / 10}`);
      assert.deepEqual(far, []);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
