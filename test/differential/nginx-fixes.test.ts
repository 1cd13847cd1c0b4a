import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../server/src/core/model/finding';
import { applyEdits } from '../../server/src/core/text/edits';
import { lintFiles } from '../helpers/lint';
import { requireOracle } from '../helpers/oracles';

/**
 * Every fix of the proxy and header rules, applied to the seed sites and to the test
 * configurations, leaves a configuration real `nginx -t` accepts. Each site is written to
 * sites-enabled/ of a temporary prefix and included inside http by a minimal nginx.conf,
 * with the files it names (proxy_params, mime.types, certificates) beside it.
 */

const RULES = [
  'nginx/upstream-keepalive-needs-http11',
  'nginx/websocket-headers-missing',
  'nginx/add-header-inheritance',
  'nginx/deprecated-header',
  'nginx/proxy-security',
  'stack/compression-lost',
  'stack/proxy-target-mismatch',
  'stack/proxy-timeout-below-app-timeout',
  'stack/forwarded-headers',
];
const ROOT = '/srv/deploy';
const SITE = `${ROOT}/nginx/sites-enabled/site`;
const MAIN = `${ROOT}/nginx/nginx.conf`;
/** The certificate paths in the cases; the test writes a self-signed pair under the prefix instead. */
const CERT = '@CERT@';
const KEY = '@KEY@';
/** What Debian's package puts in /etc/nginx/proxy_params (and what deploylint assumes when it is missing). */
const PROXY_PARAMS = 'proxy_set_header Host $host;\nproxy_set_header X-Real-IP $remote_addr;\nproxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\nproxy_set_header X-Forwarded-Proto $scheme;\n';

interface Case {
  readonly name: string;
  /** The rules the case is meant to draw. */
  readonly rules: readonly string[];
  readonly site: string;
  /** Lines for the http block of nginx.conf, before the sites are included. */
  readonly http?: string;
  /** Files beside the configuration (an app and its unit), by path under ROOT. */
  readonly others?: Readonly<Record<string, string>>;
  readonly files?: Readonly<Record<string, string>>;
  /** The rules whose findings and fixes the case looks at; RULES when absent. */
  readonly checks?: readonly string[];
}

const TLS_AND_GZIP = ['nginx/weak-tls', 'nginx/gzip-types-duplicate'];
/** Pins the release checked against to one whose default protocols include TLSv1 and TLSv1.1 (Debian 12's). */
const BOOKWORM_HOST = { [`${ROOT}/.deploylint.ini`]: '[versions]\nnginx = 1.22.1\n' };

const seed = (path: string) =>
  readFileSync(path, 'utf8')
    .replace(/\/etc\/letsencrypt\/live\/trunk8\.example\.com\/fullchain\.pem|\/etc\/ssl\/certs\/monitor\.example\.com\.pem/g, CERT)
    .replace(/\/etc\/letsencrypt\/live\/trunk8\.example\.com\/privkey\.pem|\/etc\/ssl\/private\/monitor\.example\.com\.key/g, KEY);

/** Trunk8's site as nginx accepts it: its two limit_req_zone lines moved out to http (the nginx/not-allowed-here fix). */
const trunk8 = seed('examples/trunk8/nginx/sites-available/trunk8').replace(/^ {4}limit_req_zone .*\n/gm, '');
const trunk8Zones = 'limit_req_zone $binary_remote_addr zone=general:10m rate=100r/m;\nlimit_req_zone $binary_remote_addr zone=auth:10m rate=5r/m;\n';
const netmonitor = seed('examples/netmonitor/netmonitor-dashboard.nginx');
const netmonitorStack = {
  others: { [`${ROOT}/netmonitor-dashboard.service`]: readFileSync('examples/netmonitor/netmonitor-dashboard.service', 'utf8') },
  files: { [`${ROOT}/wsgi.py`]: readFileSync('examples/netmonitor/wsgi.py', 'utf8'), [`${ROOT}/web_dashboard.py`]: readFileSync('examples/netmonitor/web_dashboard.py', 'utf8') },
};

const CASES: Case[] = [
  { name: 'the Trunk8 site', rules: ['nginx/upstream-keepalive-needs-http11', 'nginx/add-header-inheritance', 'nginx/deprecated-header'], site: trunk8, http: trunk8Zones },
  {
    name: 'the Trunk8 site with the unit that runs its gunicorn: nginx waits 30 s and 60 s, gunicorn 120 s',
    rules: ['nginx/upstream-keepalive-needs-http11', 'nginx/add-header-inheritance', 'nginx/deprecated-header', 'stack/proxy-timeout-below-app-timeout'],
    site: trunk8,
    http: trunk8Zones,
    others: { [`${ROOT}/trunk8.service`]: readFileSync('examples/trunk8/trunk8.service', 'utf8') },
  },
  { name: 'the NetMonitor fragment, as it is: TLS, and no X-Forwarded-Proto for gunicorn', rules: ['stack/forwarded-headers'], site: netmonitor, ...netmonitorStack },
  {
    name: 'the NetMonitor fragment without its WebSocket lines (and so without HTTP/1.1 for its keepalive)',
    rules: ['nginx/websocket-headers-missing', 'nginx/upstream-keepalive-needs-http11', 'stack/forwarded-headers'],
    site: netmonitor.replace(/ {8}proxy_http_version 1\.1;\n {8}proxy_set_header Upgrade \$http_upgrade;\n {8}proxy_set_header Connection "upgrade";\n/, ''),
    ...netmonitorStack,
  },
  { name: 'the Lernmanager site', rules: [], site: readFileSync('examples/lernmanager/lernmanager.nginx', 'utf8') },
  {
    name: 'keepalive: inherited headers, a one-line location, an if, HTTP/1.0 written out',
    rules: ['nginx/upstream-keepalive-needs-http11'],
    site:
      'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    listen 8091;\n    proxy_set_header Host $host;\n    location / {\n        proxy_pass http://app;\n    }\n    location /b { proxy_pass http://app; }\n    location /c {\n        proxy_http_version 1.0;\n        if ($arg_x) {\n            proxy_pass http://app;\n        }\n    }\n    location /d {\n        proxy_pass http://app/d/;\n        proxy_set_header Connection close;\n    }\n}\n',
  },
  {
    name: 'keepalive: "close" from the $http_upgrade map',
    rules: ['nginx/upstream-keepalive-needs-http11'],
    site: 'map $http_upgrade $connection_upgrade {\n    default upgrade;\n    \'\' close;\n}\nupstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    listen 8092;\n    location / {\n        proxy_pass http://app;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n    }\n}\n',
  },
  {
    name: 'WebSocket paths: bare, with inherited headers, with an empty Connection, in an if',
    rules: ['nginx/websocket-headers-missing'],
    site: 'server {\n    listen 8093;\n    proxy_set_header Host $host;\n    location /socket.io/ {\n        proxy_pass http://127.0.0.1:5000;\n    }\n    location ~ ^/ws/ {\n        proxy_pass http://127.0.0.1:5000;\n        proxy_set_header X-Real-IP $remote_addr;\n        proxy_set_header Connection "";\n    }\n    location /api/websocket {\n        if ($arg_v) {\n            proxy_pass http://127.0.0.1:5001;\n        }\n    }\n    location /cable/ws { proxy_pass http://127.0.0.1:5002; }\n}\n',
  },
  {
    name: 'add_header: server, location and if in location, with headers from http',
    rules: ['nginx/add-header-inheritance', 'nginx/deprecated-header'],
    http: '    add_header Strict-Transport-Security "max-age=63072000" always;\n',
    site: 'server {\n    listen 8094;\n    add_header X-Frame-Options DENY;\n    add_header X-XSS-Protection "1; mode=block";\n    location / {\n        add_header Cache-Control no-store;\n        if ($arg_x) {\n            add_header X-Debug 1;\n        }\n    }\n    location /one { add_header X-A 1; }\n}\n',
  },
  {
    // The location drops only X-XSS-Protection: no loss, so add-header-inheritance says nothing.
    name: 'X-XSS-Protection at http level inside the site and in a location',
    rules: ['nginx/deprecated-header'],
    site: "add_header x-xss-protection '1';\nserver {\n    listen 8095;\n    location / {\n        add_header X-XSS-Protection \"1; mode=block\" always;\n    }\n}\n",
  },
  {
    name: 'proxy-security: alias locations, $http_host, $uri in redirects, valid_referers none, Origin regexes, server_tokens',
    rules: ['nginx/proxy-security'],
    site:
      'map $http_origin $cors_origin {\n    default "";\n    ~^https://api.example.com$ $http_origin;\n}\nserver {\n    listen 8096;\n    server_tokens on;\n    valid_referers none blocked server_names;\n    location /static {\n        alias /srv/app/static/;\n    }\n    location ^~ "/media" { alias /srv/app/media/; }\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_set_header Host $http_host;\n        if ($http_origin ~* "^https://www.example.com$") {\n            add_header Access-Control-Allow-Origin $http_origin;\n        }\n    }\n    location /old { return 301 https://$http_host$request_uri; }\n    location /a { return 301 https://$host$uri$is_args$args; }\n    location /b { rewrite ^ https://$host${uri} redirect; }\n}\n',
  },
  {
    name: 'the Lernmanager site where gzip is off: Accept-Encoding cleared towards the app',
    rules: ['stack/compression-lost'],
    site: readFileSync('examples/lernmanager/lernmanager.nginx', 'utf8').replace(/ {4}gzip on;\n[\s\S]*?application\/javascript;\n\n/, ''),
  },
  {
    name: 'compression lost: gzip off written in the location, behind another proxy, a one-line location',
    rules: ['stack/compression-lost'],
    site: 'server {\n    listen 8097;\n    set_real_ip_from 10.0.0.0/8;\n    location / {\n        gzip off;\n        proxy_pass http://127.0.0.1:8000;\n        proxy_set_header Accept-Encoding "";\n    }\n    location /api { proxy_pass http://127.0.0.1:8000; proxy_set_header Accept-Encoding identity; }\n}\n',
  },
  {
    name: 'compression lost only for requests with Via: gzip on in http, gzip_proxied at its default',
    rules: ['stack/compression-lost'],
    http: '    gzip on;\n    set_real_ip_from 192.168.0.0/16;\n',
    site: 'server {\n    listen 8098;\n    proxy_set_header Host $host;\n    proxy_set_header Accept-Encoding "";\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n',
  },
  {
    name: 'weak-tls: old protocols for every server, and an Apache-style cipher list',
    rules: ['nginx/weak-tls'],
    checks: TLS_AND_GZIP,
    site: `ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\nserver {\n    listen 8100 ssl;\n    ssl_certificate ${CERT};\n    ssl_certificate_key ${KEY};\n    ssl_ciphers 'ALL:!ADH:RC4+RSA:+HIGH';\n}\n`,
  },
  {
    name: 'weak-tls: TLS servers on the default protocols of nginx 1.22.1, one of them at security level 0',
    rules: ['nginx/weak-tls'],
    checks: TLS_AND_GZIP,
    others: BOOKWORM_HOST,
    site: `server {\n    listen 8101 ssl;\n    ssl_certificate ${CERT};\n    ssl_certificate_key ${KEY};\n    ssl_ciphers DEFAULT:@SECLEVEL=0;\n}\nserver { listen 8102 ssl; ssl_certificate ${CERT}; ssl_certificate_key ${KEY}; }\n`,
  },
  {
    name: 'proxy targets where no gunicorn listens: an upstream server, a URL with a path, a unix socket; and a TLS site that forgets X-Forwarded-Proto',
    rules: ['stack/proxy-target-mismatch', 'stack/forwarded-headers'],
    others: {
      [`${ROOT}/app.service`]: '[Service]\nExecStart=/usr/bin/gunicorn --bind 127.0.0.1:8000 app:app\n',
      [`${ROOT}/api.service`]: '[Service]\nRuntimeDirectory=api\nExecStart=/usr/bin/gunicorn --bind unix:/run/api/api.sock api:app\n',
    },
    site: `upstream app {\n    server 127.0.0.1:8000;\n    server 127.0.0.1:8001;\n}\nserver {\n    listen 8104 ssl;\n    ssl_certificate ${CERT};\n    ssl_certificate_key ${KEY};\n    location / {\n        proxy_pass http://app;\n        proxy_set_header Host $host;\n    }\n    location /v2/ { proxy_pass http://127.0.0.1:8002/api/; }\n    location /api/ {\n        proxy_pass http://unix:/run/api/old.sock:/;\n        proxy_set_header X-Forwarded-Proto $scheme;\n    }\n}\n`,
  },
  {
    name: 'gzip_types: text/html, a type twice in one line, a line that repeats another',
    rules: ['nginx/gzip-types-duplicate'],
    checks: TLS_AND_GZIP,
    site: 'gzip on;\ngzip_types text/html text/css TEXT/CSS;\nserver {\n    listen 8103;\n    gzip_types application/json;\n    gzip_types\n        application/json\n        text/plain;\n}\n',
  },
];

function nginxTest(prefix: string): { ok: boolean; output: string } {
  const result = spawnSync('nginx', ['-t', '-q', '-p', `${prefix}/`, '-c', `${prefix}/nginx.conf`, '-g', 'pid /dev/null;'], { encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

describe('every fix of the proxy and header rules leaves a configuration nginx -t accepts', function () {
  this.timeout(120_000);
  let prefix = '';
  let version = '';

  before(function () {
    if (!requireOracle(this, 'nginx', ['-v'])) return;
    version = /nginx\/(\d+(?:\.\d+)*)/.exec(spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr)?.[1] ?? '';
    prefix = mkdtempSync(join(tmpdir(), 'deploylint-nginx-fixes-'));
    mkdirSync(join(prefix, 'logs'));
    mkdirSync(join(prefix, 'sites-enabled'));
    writeFileSync(join(prefix, 'proxy_params'), PROXY_PARAMS);
    writeFileSync(join(prefix, 'mime.types'), 'types {\n    text/html html;\n    text/css css;\n}\n');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=deploylint.test', '-days', '1', '-keyout', join(prefix, 'key.pem'), '-out', join(prefix, 'cert.pem')], { stdio: 'ignore' });
  });

  after(() => {
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  for (const example of CASES) {
    it(example.name, function () {
      if (!requireOracle(this, 'nginx', ['-v'])) return;
      const main = `events {}\nhttp {\n    include mime.types;\n${example.http ?? ''}    include sites-enabled/*;\n}\n`;
      // The release checked against is the one installed, so no fix reaches for a newer directive.
      const setup = {
        others: { [MAIN]: main, [`${ROOT}/.deploylint.ini`]: `[versions]\nnginx = ${version}\n`, ...example.others },
        files: example.files ?? {},
      };
      const site = example.site.replaceAll(CERT, join(prefix, 'cert.pem')).replaceAll(KEY, join(prefix, 'key.pem'));
      const write = (text: string) => {
        writeFileSync(join(prefix, 'nginx.conf'), main);
        writeFileSync(join(prefix, 'sites-enabled', 'site'), text);
        return nginxTest(prefix);
      };
      const before = write(site);
      assert.ok(before.ok, `nginx -t refuses the case before any fix: ${before.output}`);

      const reported = lintFiles(SITE, site, setup).find((report) => report.path === SITE)!.findings;
      const errors = (list: readonly Finding[]) => list.filter((finding) => finding.severity === 'error').map((finding) => `${finding.rule}: ${finding.message}`);
      const findings = reported.filter((finding) => (example.checks ?? RULES).includes(finding.rule));
      assert.deepEqual([...new Set(findings.map((finding) => finding.rule))].sort(), [...example.rules].sort(), 'the rules the case is meant to draw');
      const fixes = findings.flatMap((finding) => finding.fixes.map((fix) => ({ rule: finding.rule, fix })));
      assert.equal(fixes.length >= findings.length, true, 'every finding has a fix');
      // Fixes that change the app's side instead (gunicorn's timeout) are checked with gunicorn.
      for (const { rule, fix } of fixes.filter(({ fix }) => fix.edits.every((edit) => edit.path === SITE))) {
        const fixed = applyEdits(site, fix.edits);
        assert.ok(fixed !== undefined, `${rule}: "${fix.title}" has overlapping edits`);
        const after = write(fixed);
        assert.ok(after.ok, `${rule}: "${fix.title}" broke the configuration: ${after.output}\n${fixed}`);
        const errorsBefore = errors(reported);
        const added = errors(lintFiles(SITE, fixed, setup).find((report) => report.path === SITE)!.findings).filter((error) => !errorsBefore.includes(error));
        assert.deepEqual(added, [], `${rule}: "${fix.title}" brought deploylint errors`);
      }
    });
  }
});
