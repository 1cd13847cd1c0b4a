import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { applyEdits } from '../../../server/src/core/text/edits';
import { assertFixRoundTrip, findingsOf, shown, type LintSetup } from '../../helpers/lint';

/** nginx in front of gunicorn: the rules that read both sides of the proxy. */

const seed = (path: string) => readFileSync(path, 'utf8');
const unit = (service: string) => `[Unit]\nDescription=app\n\n[Service]\n${service}\n[Install]\nWantedBy=multi-user.target\n`;

const TRUNK8_SITE = '/etc/nginx/sites-available/trunk8';
const TRUNK8_UNIT = '/etc/systemd/system/trunk8.service';
const trunk8Site = seed('examples/trunk8/nginx/sites-available/trunk8');
const trunk8Unit = seed('examples/trunk8/trunk8.service');
const trunk8: LintSetup = { others: { [TRUNK8_UNIT]: trunk8Unit } };

const LERN_SITE = '/etc/nginx/sites-available/lernmanager';
const LERN_UNIT = '/etc/systemd/system/lernmanager.service';
const lernSite = seed('examples/lernmanager/lernmanager.nginx');
const lernUnit = seed('examples/lernmanager/lernmanager.service');

const NET_SITE = '/srv/netmonitor/netmonitor-dashboard.nginx';
const NET_UNIT = '/srv/netmonitor/netmonitor-dashboard.service';
const netSite = seed('examples/netmonitor/netmonitor-dashboard.nginx');
const netUnit = seed('examples/netmonitor/netmonitor-dashboard.service');

const SITE = '/srv/app/nginx/sites-enabled/app';
const APP_UNIT = '/srv/app/app.service';
const CONFIG = '/srv/app/gunicorn.conf.py';
const site = (location: string, upstream = '') => `${upstream}server {\n    listen 80;\n    location / {\n${location}    }\n}\n`;
const gunicornUnit = (flags: string) => unit(`ExecStart=/usr/bin/gunicorn ${flags} app:app\n`);

describe('stack/proxy-target-mismatch', () => {
  const rule = 'stack/proxy-target-mismatch';
  const upstreamSite = site('        proxy_pass http://web;\n', 'upstream web {\n    server 127.0.0.1:8000;\n}\n');
  const NOT_LISTENING = 'where nothing the workspace starts listens, so every request sent there gets 502 Bad Gateway';

  it('seed 003: Trunk8 proxies to the unix socket its gunicorn binds, so nothing is reported', () => {
    assert.deepEqual(shown(rule, TRUNK8_SITE, trunk8Site, trunk8), []);
  });

  it("an upstream's server line where gunicorn does not listen: underlines the address, names each gunicorn, and proposes its address", () => {
    const setup = { others: { [CONFIG]: 'bind = "127.0.0.1:8001"\nworkers = 2\n' } };
    assert.deepEqual(shown(rule, SITE, upstreamSite, setup), [
      {
        underlined: '127.0.0.1:8000',
        severity: 'error',
        message: `nginx proxies to 127.0.0.1:8000, ${NOT_LISTENING}; gunicorn with gunicorn.conf.py listens on 127.0.0.1:8001 (gunicorn.conf.py:1)`,
        related: ['gunicorn.conf.py:1 gunicorn with gunicorn.conf.py binds 127.0.0.1:8001 here'],
      },
    ]);
    const fixed = assertFixRoundTrip(rule, SITE, upstreamSite, { setup });
    assert.match(fixed, /server 127\.0\.0\.1:8001;/);
  });

  it('a proxy_pass URL: only the address is underlined and replaced, the path stays; a listener on every address is reached over loopback', () => {
    const text = site('        proxy_pass http://localhost:9000/api/;\n');
    const setup = { others: { [APP_UNIT]: gunicornUnit('--bind 0.0.0.0:8000') } };
    const [finding] = findingsOf(rule, SITE, text, setup);
    assert.equal(text.split('\n')[finding!.range.start.line]!.slice(finding!.range.start.character, finding!.range.end.character), 'localhost:9000');
    assert.deepEqual(finding!.fixes.map((fix) => fix.title), ['Proxy to 127.0.0.1:8000, where gunicorn of app.service listens (app.service:5)']);
    assert.match(applyEdits(text, finding!.fixes[0]!.edits)!, /proxy_pass http:\/\/127\.0\.0\.1:8000\/api\/;/);
  });

  it('two gunicorns: one fix each, none preferred; a unix target inside a URL is only offered the unix socket', () => {
    const setup = { others: { [APP_UNIT]: gunicornUnit('--bind 127.0.0.1:8001'), '/srv/api/api.service': unit('RuntimeDirectory=api\nExecStart=/usr/bin/gunicorn --bind unix:/run/api/api.sock api:app\n') } };
    const fixesOf = (text: string) => findingsOf(rule, SITE, text, setup)[0]!.fixes.map((fix) => [fix.title, fix.preferred === true]);
    assert.deepEqual(fixesOf(upstreamSite), [
      ['Proxy to 127.0.0.1:8001, where gunicorn of app.service listens (app.service:5)', false],
      ['Proxy to unix:/run/api/api.sock, where gunicorn of api.service listens (api.service:6)', false],
    ]);
    assert.deepEqual(fixesOf(site('        proxy_pass http://unix:/run/app/old.sock:/;\n')), [['Proxy to unix:/run/api/api.sock, where gunicorn of api.service listens (api.service:6)', true]]);
  });

  it('answered targets and targets it cannot judge are left alone', () => {
    const bound = (bind: string) => ({ others: { [APP_UNIT]: gunicornUnit(`--bind ${bind}`) } });
    // 0.0.0.0 and :: take loopback; localhost is 127.0.0.1.
    assert.deepEqual(shown(rule, SITE, upstreamSite, bound('0.0.0.0:8000')), []);
    assert.deepEqual(shown(rule, SITE, upstreamSite, bound('[::]:8000')), []);
    assert.deepEqual(shown(rule, SITE, upstreamSite, bound('localhost:8000')), []);
    // gunicorn's default bind is 127.0.0.1:8000.
    assert.deepEqual(shown(rule, SITE, upstreamSite, { others: { [APP_UNIT]: gunicornUnit('--workers 2') } }), []);
    // Another machine, a variable: nothing to compare with.
    assert.deepEqual(shown(rule, SITE, site('        proxy_pass http://10.0.0.5:8000;\n'), bound('127.0.0.1:8001')), []);
    assert.deepEqual(shown(rule, SITE, site('        proxy_pass http://$backend;\n'), bound('127.0.0.1:8001')), []);
    // No gunicorn in the workspace; or one whose address an unread config file decides.
    assert.deepEqual(shown(rule, SITE, upstreamSite), []);
    assert.deepEqual(shown(rule, SITE, upstreamSite, { others: { [APP_UNIT]: gunicornUnit('-c /srv/app/missing.conf.py') } }), []);
  });

  it('a service started by a .socket unit listens where the socket does', () => {
    const socket = '[Socket]\nListenStream=127.0.0.1:8000\n\n[Install]\nWantedBy=sockets.target\n';
    const setup = { others: { [APP_UNIT]: gunicornUnit('--bind 127.0.0.1:9999'), '/srv/app/app.socket': socket } };
    assert.deepEqual(shown(rule, SITE, upstreamSite, setup), []);
  });
});

describe('stack/proxy-timeout-below-app-timeout', () => {
  const rule = 'stack/proxy-timeout-below-app-timeout';
  const SLOWER = 'gets 504 Gateway Timeout while its worker keeps working on an answer nobody will read';

  it("seed 003: Trunk8's proxy_read_timeout 30s, and the /auth/ location at nginx's 60 s, both below gunicorn's --timeout 120", () => {
    assert.deepEqual(shown(rule, TRUNK8_SITE, trunk8Site, trunk8), [
      {
        underlined: 'proxy_pass http://trunk8_backend;',
        severity: 'warning',
        message: `nginx waits 60 s for gunicorn of trunk8.service to answer (proxy_read_timeout's default, 60 s), but gunicorn lets a sync worker spend up to 120 s on a request (timeout, the command line in trunk8.service:16): a request slower than 60 s ${SLOWER}`,
        related: ["trunk8.service:16 gunicorn's timeout: 120 s"],
      },
      {
        underlined: 'proxy_read_timeout 30s;',
        severity: 'warning',
        message: `nginx waits 30 s for gunicorn of trunk8.service to answer (proxy_read_timeout 30s), but gunicorn lets a sync worker spend up to 120 s on a request (timeout, the command line in trunk8.service:16): a request slower than 30 s ${SLOWER}`,
        related: ["trunk8.service:16 gunicorn's timeout: 120 s", 'trunk8:53 the requests nginx passes to gunicorn'],
      },
    ]);
  });

  it('fixes: nginx waits 5 s longer than gunicorn (rewriting the line, or adding one after proxy_pass), or gunicorn stops when nginx does', () => {
    const once = assertFixRoundTrip(rule, TRUNK8_SITE, trunk8Site, { setup: trunk8, fixTitle: /^Wait 125s/ });
    assert.match(once, /proxy_pass http:\/\/trunk8_backend;\n {8}proxy_read_timeout 125s;\n {8}include proxy_params;/);
    const twice = assertFixRoundTrip(rule, TRUNK8_SITE, once, { setup: trunk8, fixTitle: /^Wait 125s/ });
    assert.match(twice, /^ {8}proxy_read_timeout 125s;$/m);
    assert.deepEqual(findingsOf(rule, TRUNK8_SITE, twice, trunk8), []);

    const [, explicit] = findingsOf(rule, TRUNK8_SITE, trunk8Site, trunk8);
    const lower = explicit!.fixes.find((fix) => fix.title.startsWith('Lower'))!;
    assert.equal(lower.title, "Lower gunicorn's timeout to 30 s (trunk8.service:16)");
    const unitFixed = applyEdits(trunk8Unit, lower.edits.filter((edit) => edit.path === TRUNK8_UNIT))!;
    assert.match(unitFixed, /--timeout 30 \\/);
    assert.deepEqual(findingsOf(rule, TRUNK8_SITE, trunk8Site, { others: { [TRUNK8_UNIT]: unitFixed } }), []);
  });

  it('not for workers whose timeout does not bound a request, nor when nginx waits long enough', () => {
    const trunk8With = (change: (text: string) => string) => ({ others: { [TRUNK8_UNIT]: change(trunk8Unit) } });
    assert.deepEqual(shown(rule, TRUNK8_SITE, trunk8Site, trunk8With((text) => text.replace('--worker-class sync', '--worker-class gthread'))), []);
    // --threads 4 turns sync into gthread.
    assert.deepEqual(shown(rule, TRUNK8_SITE, trunk8Site, trunk8With((text) => text.replace('--worker-class sync', '--threads 4'))), []);
    // gunicorn's default timeout, 30 s, against nginx's 30 s and 60 s.
    assert.deepEqual(shown(rule, TRUNK8_SITE, trunk8Site, trunk8With((text) => text.replace('    --timeout 120 \\\n', ''))), []);
    // 0 turns gunicorn's timeout off.
    assert.deepEqual(shown(rule, TRUNK8_SITE, trunk8Site, trunk8With((text) => text.replace('--timeout 120', '--timeout 0'))), []);
    assert.deepEqual(shown(rule, TRUNK8_SITE, trunk8Site.replace('proxy_read_timeout 30s;', 'proxy_read_timeout 2m 1s;').replace('include proxy_params;', 'include proxy_params;\n        proxy_read_timeout 125;'), trunk8), []);
  });
});

describe('stack/app-exposed-behind-proxy', () => {
  const rule = 'stack/app-exposed-behind-proxy';
  const lern = { others: { [LERN_SITE]: lernSite } };
  const AROUND = "anyone who can reach the machine can talk to gunicorn directly, around nginx's TLS, limits, buffering and headers";

  it("seed 004: Lernmanager's --bind 0.0.0.0:8080 behind nginx on the same host", () => {
    assert.deepEqual(shown(rule, LERN_UNIT, lernUnit, lern), [
      {
        underlined: '0.0.0.0:8080',
        severity: 'warning',
        message: `gunicorn of lernmanager.service listens on every address (0.0.0.0:8080, the command line in lernmanager.service:20), while nginx on this host reaches it at 127.0.0.1:8080 (lernmanager:14): ${AROUND}`,
        related: ['lernmanager:14 nginx proxies to the app here'],
      },
    ]);
    const fixed = assertFixRoundTrip(rule, LERN_UNIT, lernUnit, { setup: lern });
    assert.match(fixed, /--bind 127\.0\.0\.1:8080 \\/);
  });

  it('seed 001: NetMonitor too; in gunicorn.conf.py the fix writes a Python string', () => {
    assert.deepEqual(shown(rule, NET_UNIT, netUnit, { others: { [NET_SITE]: netSite } }).map((finding) => finding.underlined), ['0.0.0.0:8080']);
    const setup = { others: { [SITE]: site('        proxy_pass http://[::1]:8000;\n'), [APP_UNIT]: gunicornUnit('-c /srv/app/gunicorn.conf.py') } };
    const config = "bind = '[::]:8000'\n";
    assert.deepEqual(shown(rule, CONFIG, config, setup).map((finding) => finding.underlined), ["'[::]:8000'"]);
    assert.equal(assertFixRoundTrip(rule, CONFIG, config, { setup }), "bind = '[::1]:8000'\n");
  });

  it('not when gunicorn listens on loopback or a socket, nor when nginx reaches it from another machine', () => {
    assert.deepEqual(shown(rule, LERN_UNIT, lernUnit.replace('0.0.0.0:8080', '127.0.0.1:8080'), lern), []);
    assert.deepEqual(shown(rule, LERN_UNIT, lernUnit, { others: { [LERN_SITE]: lernSite.replace('127.0.0.1:8080', '10.0.0.2:8080') } }), []);
    assert.deepEqual(shown(rule, LERN_UNIT, lernUnit), []);
  });
});

describe('stack/forwarded-headers', () => {
  const rule = 'stack/forwarded-headers';
  const net = { others: { [NET_UNIT]: netUnit } };

  it('seed 001: NetMonitor terminates TLS and sends no X-Forwarded-Proto; the fix adds it beside the other headers', () => {
    assert.deepEqual(shown(rule, NET_SITE, netSite, net), [
      {
        underlined: 'proxy_pass http://netmonitor_dashboard;',
        severity: 'warning',
        message:
          'nginx terminates TLS (listen … ssl, netmonitor-dashboard.nginx:10) but proxies to gunicorn of netmonitor-dashboard.service without X-Forwarded-Proto: gunicorn sets wsgi.url_scheme to http, so the app builds http:// links and redirects and cannot tell an HTTPS request from a plain one',
        related: ['netmonitor-dashboard.nginx:10 clients connect over TLS here', 'netmonitor-dashboard.service:14 gunicorn of netmonitor-dashboard.service binds 0.0.0.0:8080 here'],
      },
    ]);
    const fixed = assertFixRoundTrip(rule, NET_SITE, netSite, { setup: net });
    assert.match(fixed, /proxy_set_header X-Real-IP \$remote_addr;\n {8}proxy_set_header X-Forwarded-Proto \$scheme;\n/);
  });

  it('seed 003: Trunk8 sends it in both locations (one through proxy_params); a plain-http site has nothing to say', () => {
    assert.deepEqual(shown(rule, TRUNK8_SITE, trunk8Site, trunk8), []);
    assert.deepEqual(shown(rule, NET_SITE, netSite.replace('listen 443 ssl http2;', 'listen 80;'), net), []);
    // A header gunicorn's secure_scheme_headers names is as good.
    assert.deepEqual(shown(rule, NET_SITE, netSite.replace('proxy_set_header Host $host;', 'proxy_set_header X-Forwarded-Ssl on;'), net), []);
  });

  it("gunicorn that does not trust nginx's address ignores the header: reported where forwarded_allow_ips is set", () => {
    const nginxSite = 'server {\n    listen 443 ssl;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_set_header X-Forwarded-Proto $scheme;\n    }\n}\n';
    const setup = { others: { [SITE]: nginxSite, [APP_UNIT]: gunicornUnit('-c /srv/app/gunicorn.conf.py') } };
    const config = 'bind = "0.0.0.0:8000"\nforwarded_allow_ips = "10.0.0.1"\n';
    assert.deepEqual(shown(rule, CONFIG, config, setup), [
      {
        underlined: '"10.0.0.1"',
        severity: 'warning',
        message:
          'forwarded_allow_ips (gunicorn.conf.py:2) leaves out 127.0.0.1, the address nginx on this host connects from to reach gunicorn of app.service at 127.0.0.1:8000: gunicorn ignores the X-Forwarded-Proto header nginx sends (app:5), so the app sees every request as plain http',
        related: ['app:5 nginx says here how the client connected'],
      },
    ]);
    assert.equal(assertFixRoundTrip(rule, CONFIG, config, { setup }), 'bind = "0.0.0.0:8000"\nforwarded_allow_ips = "10.0.0.1,127.0.0.1"\n');
    assert.deepEqual(shown(rule, CONFIG, config.replace('10.0.0.1', '*'), setup), []);
    // A network is read from gunicorn 25.0; before, only exact addresses.
    const network = config.replace('10.0.0.1', '127.0.0.0/8');
    assert.deepEqual(shown(rule, CONFIG, network, { ...setup, host: { versions: { gunicorn: '25.0.0' } } }), []);
    assert.equal(shown(rule, CONFIG, network, { ...setup, host: { versions: { gunicorn: '23.0.0' } } }).length, 1);
    // Over a unix socket gunicorn trusts the peer whatever the list says.
    const overSocket = { others: { [SITE]: nginxSite.replace('127.0.0.1:8000', 'unix:/run/app/app.sock:'), [APP_UNIT]: gunicornUnit('-c /srv/app/gunicorn.conf.py') } };
    assert.deepEqual(shown(rule, CONFIG, config.replace('0.0.0.0:8000', 'unix:/run/app/app.sock'), overSocket), []);
  });
});

describe('the stack joins the files of one machine', () => {
  it('files under two .deploylint.ini are two machines: nginx on one does not reach the other’s loopback, nor do their ports clash', () => {
    const host = '[host]\ncpus = 1\nmemory = 1G\n';
    const WEB_SITE = '/deploy/web/nginx/app';
    const API = '/deploy/api/api.service';
    const WEB = '/deploy/web/web.service';
    const api = gunicornUnit('--bind 0.0.0.0:8000');
    const web = gunicornUnit('--bind 127.0.0.1:8001');
    const proxySite = site('        proxy_pass http://127.0.0.1:8000;\n');
    const hosts = { '/deploy/web/.deploylint.ini': host, '/deploy/api/.deploylint.ini': host };
    const other = { '/deploy/other/other.service': gunicornUnit('--bind 0.0.0.0:8001') };
    assert.deepEqual(
      shown('stack/proxy-target-mismatch', WEB_SITE, proxySite, { others: { ...hosts, ...other, [API]: api, [WEB]: web } }).map((finding) => finding.message.split('; ').slice(1)),
      [['gunicorn of web.service listens on 127.0.0.1:8001 (the command line in web.service:5)']],
    );
    assert.deepEqual(shown('stack/app-exposed-behind-proxy', API, api, { others: { ...hosts, [WEB_SITE]: proxySite } }), []);
    // other.service is under no host file: a third machine, so its port 8001 does not clash with web.service's.
    assert.deepEqual(shown('stack/port-conflict', WEB, web, { others: { ...hosts, ...other } }), []);
    // One host file above both: one machine; a host file below it that only sets rules declares no machine of its own.
    assert.equal(shown('stack/app-exposed-behind-proxy', API, api, { others: { '/deploy/.deploylint.ini': host, [WEB_SITE]: proxySite } }).length, 1);
    const rulesOnly = { '/deploy/.deploylint.ini': host, '/deploy/web/.deploylint.ini': '[rules]\nsystemd/runs-as-root = off\n', [WEB_SITE]: proxySite };
    assert.equal(shown('stack/app-exposed-behind-proxy', API, api, { others: rulesOnly }).length, 1);
  });
});
