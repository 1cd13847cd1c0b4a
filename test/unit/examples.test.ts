import assert from 'node:assert/strict';
import { run } from '../../server/src/cli/main';

/**
 * The seed systems in examples/ and what the generic rules must find in them. The
 * main job a newcomer runs (`npx deploylint examples/`) prints these.
 */
describe('deploylint examples/ (the seed systems)', () => {
  let stdout = '';
  let code = -1;
  before(() => {
    code = run(['--format', 'json', 'examples'], { stdout: (text) => (stdout += text), stderr: () => undefined, isTerminal: false, cwd: process.cwd() });
  });

  const findings = (path: string) => {
    const file = (JSON.parse(stdout) as { files: { path: string; findings: { rule: string; range: { start: { line: number } } }[] }[] }).files.find((f) => f.path === path);
    assert.ok(file, `${path} was checked`);
    return file.findings.map((finding) => `${finding.range.start.line + 1} ${finding.rule}`);
  };

  it('exits 1: the seeds have real problems', () => assert.equal(code, 1));

  it('PXE server (seed 002): three duplicates and the unknown max_worker_memory', () => {
    const generic = findings('examples/nutanix-pxe/gunicorn.conf.py').filter((f) => /duplicate-setting|unknown-setting/.test(f));
    assert.deepEqual(generic, [
      '29 gunicorn/duplicate-setting',
      '47 gunicorn/unknown-setting',
      '47 gunicorn/duplicate-setting',
      '48 gunicorn/duplicate-setting',
      '66 gunicorn/unknown-setting',
    ]);
  });

  it('Trunk8 (seed 003): keepalive without HTTP/1.1, a deprecated header, a lost add_header, both limit_req_zone lines inside server', () => {
    assert.deepEqual(
      findings('examples/trunk8/nginx/sites-available/trunk8').filter((f) => f.includes(' nginx/') && !f.endsWith('nginx/include')),
      ['10 nginx/upstream-keepalive-needs-http11', '29 nginx/deprecated-header', '35 nginx/add-header-inheritance', '40 nginx/not-allowed-here', '41 nginx/not-allowed-here'],
    );
  });

  it("NetMonitor (seed 001): its fragment with top-level upstream and server has no context error; its TLS server keeps Debian 12's TLSv1 and TLSv1.1", () => {
    assert.deepEqual(findings('examples/netmonitor/netmonitor-dashboard.nginx').filter((f) => f.includes(' nginx/')), ['10 nginx/weak-tls']);
  });

  it('PXE (seed 002), NetMonitor (seed 001), Trunk8 (seed 003): gunicorn writes its pid file and logs in folders nothing creates', () => {
    const writable = (path: string) => findings(path).filter((f) => f.endsWith('stack/writable-paths'));
    assert.deepEqual(writable('examples/nutanix-pxe/nutanix-pxe.service'), ['14 stack/writable-paths', '14 stack/writable-paths']);
    assert.deepEqual(writable('examples/netmonitor/netmonitor-dashboard.service'), ['15 stack/writable-paths', '16 stack/writable-paths']);
    assert.deepEqual(writable('examples/trunk8/trunk8.service'), ['21 stack/writable-paths']);
  });

  it('the stack, seed by seed (each folder declares its own machine): Trunk8 waits less than gunicorn, Lernmanager and NetMonitor expose gunicorn, NetMonitor hides the scheme', () => {
    const stack = (path: string) => findings(path).filter((f) => / stack\/(proxy|app-exposed|forwarded|port-conflict)/.test(f));
    assert.deepEqual(stack('examples/trunk8/nginx/sites-available/trunk8'), ['45 stack/proxy-timeout-below-app-timeout', '62 stack/proxy-timeout-below-app-timeout']);
    assert.deepEqual(stack('examples/trunk8/trunk8.service'), []);
    assert.deepEqual(stack('examples/lernmanager/lernmanager.service'), ['20 stack/app-exposed-behind-proxy']);
    assert.deepEqual(stack('examples/lernmanager/lernmanager.nginx'), []);
    assert.deepEqual(stack('examples/netmonitor/netmonitor-dashboard.service'), ['14 stack/app-exposed-behind-proxy']);
    assert.deepEqual(stack('examples/netmonitor/netmonitor-dashboard.nginx'), ['17 stack/forwarded-headers']);
    // Five machines that all use port 8080: no clash between them.
    assert.deepEqual(stack('examples/nutanix-pxe/gunicorn.conf.py'), []);
    assert.deepEqual(stack('examples/netflow-dashboard/netflow-dashboard.service'), []);
  });

  it('lists every file it checked, with its kind', () => {
    const files = (JSON.parse(stdout) as { files: { path: string; kind: string }[] }).files.map((f) => `${f.kind} ${f.path}`);
    for (const expected of [
      'gunicorn examples/nutanix-pxe/gunicorn.conf.py',
      'systemd examples/nutanix-pxe/nutanix-pxe.service',
      'systemd examples/trunk8/trunk8.service',
      'nginx examples/trunk8/nginx/nginx.conf',
      'nginx examples/lernmanager/lernmanager.nginx',
      'hostspec examples/lernmanager/.deploylint.ini',
    ]) {
      assert.ok(files.includes(expected), `${expected} in ${files.join(', ')}`);
    }
  });
});
