import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DISTRO_PRESETS, distroPreset } from '../../server/src/core/host/presets';
import { parseVersion } from '../../server/src/core/model/version';

describe('distro presets', () => {
  it('are the versions each release ships', () => {
    const table = Object.fromEntries(DISTRO_PRESETS.map((preset) => [preset.id, [preset.versions.systemd, preset.versions.nginx, preset.versions.gunicorn, preset.versions.python]]));
    assert.deepEqual(table, {
      'debian-11': ['247', '1.18.0', '20.1.0', '3.9.2'],
      'debian-12': ['252', '1.22.1', '20.1.0', '3.11.2'],
      'debian-13': ['257', '1.26.3', '23.0.0', '3.13.5'],
      'ubuntu-22.04': ['249', '1.18.0', '20.1.0', '3.10.6'],
      'ubuntu-24.04': ['255', '1.24.0', '20.1.0', '3.12.3'],
    });
  });

  it('each carry a release name, a code name, readable versions and the source they were read from', () => {
    for (const preset of DISTRO_PRESETS) {
      assert.ok(preset.name.includes(`(${preset.codename})`), preset.id);
      for (const version of Object.values(preset.versions)) assert.ok(parseVersion(version), `${preset.id} ${version}`);
      assert.match(preset.source, /packages\.(debian|ubuntu)\.(org|com)/, preset.id);
    }
    assert.equal(new Set(DISTRO_PRESETS.map((preset) => preset.id)).size, DISTRO_PRESETS.length);
  });

  it('are found by id in any case', () => {
    assert.equal(distroPreset('Debian-12')?.name, 'Debian 12 (bookworm)');
    assert.equal(distroPreset('bookworm'), undefined);
  });

  it('are the choices of the deploylint.host.distro setting', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { configuration: { properties: Record<string, { enum?: unknown[] }> } } };
    const choices = manifest.contributes.configuration.properties['deploylint.host.distro']!.enum!.filter((choice) => choice !== null);
    assert.deepEqual(choices, DISTRO_PRESETS.map((preset) => preset.id));
  });
});
