import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { LintSetup } from '../../helpers/lint';
import { assertFixRoundTrip, findingsOf, lint, lintFiles, seen } from '../../helpers/lint';

const SITE = '/srv/deploy/nginx/sites-available/app';
const MAIN = '/srv/deploy/nginx/nginx.conf';
/** Debian 12's nginx: before 1.29.7, so HTTP/1.0 and "Connection: close" upstream by default. */
const OLD: LintSetup = { host: { versions: { nginx: '1.22.1' } } };
const NEW: LintSetup = { host: { versions: { nginx: '1.29.7' } } };

const trunk8 = readFileSync('examples/trunk8/nginx/sites-available/trunk8', 'utf8');
const TRUNK8 = '/srv/trunk8/nginx/sites-available/trunk8';
const trunk8Host = { '/srv/trunk8/.deploylint.ini': readFileSync('examples/trunk8/.deploylint.ini', 'utf8') };
const netmonitor = readFileSync('examples/netmonitor/netmonitor-dashboard.nginx', 'utf8');
const NETMONITOR = '/srv/netmonitor/netmonitor-dashboard.nginx';
/** The NetMonitor deployment beside its nginx fragment: the unit that runs gunicorn, and the Flask-SocketIO app it serves. */
const netmonitorStack: LintSetup = {
  others: {
    '/srv/netmonitor/netmonitor-dashboard.service': readFileSync('examples/netmonitor/netmonitor-dashboard.service', 'utf8'),
    '/srv/netmonitor/.deploylint.ini': readFileSync('examples/netmonitor/.deploylint.ini', 'utf8'),
  },
  files: {
    '/srv/netmonitor/wsgi.py': readFileSync('examples/netmonitor/wsgi.py', 'utf8'),
    '/srv/netmonitor/web_dashboard.py': readFileSync('examples/netmonitor/web_dashboard.py', 'utf8'),
  },
};
const lernmanager = readFileSync('examples/lernmanager/lernmanager.nginx', 'utf8');

const pairs = (rule: string, path: string, text: string, setup: LintSetup = {}) => seen(rule, path, text, setup).map((f) => [f.underlined, f.message]);

describe('nginx/upstream-keepalive-needs-http11', () => {
  const rule = 'nginx/upstream-keepalive-needs-http11';

  it('flags keepalive 32 in the Trunk8 upstream: both locations proxy with nginx 1.22.1\'s HTTP/1.0 and "Connection: close"', () => {
    const [finding] = findingsOf(rule, TRUNK8, trunk8, { others: trunk8Host });
    assert.deepEqual(pairs(rule, TRUNK8, trunk8, { others: trunk8Host }), [
      [
        'keepalive 32;',
        'keepalive is not used for requests through location /auth/ and location /: they proxy to "trunk8_backend" without proxy_http_version 1.1 and proxy_set_header Connection "", so under nginx 1.22.1 each upstream connection is closed after one request',
      ],
    ]);
    assert.deepEqual(
      finding!.related.map((related) => [related.range.start.line + 1, related.message]),
      [
        [45, 'proxies to "trunk8_backend" with HTTP/1.0 (nginx\'s default before 1.29.7) and "Connection: close" (nginx\'s default before 1.29.7)'],
        [53, 'proxies to "trunk8_backend" with HTTP/1.0 (nginx\'s default before 1.29.7) and "Connection: close" (nginx\'s default before 1.29.7)'],
      ],
    );
  });

  it('adds both directives after each proxy_pass, at its indentation', () => {
    const fixed = assertFixRoundTrip(rule, TRUNK8, trunk8, { setup: { others: trunk8Host } });
    assert.ok(
      fixed.includes(
        '        proxy_pass http://trunk8_backend;\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n        include proxy_params;\n',
      ),
      fixed,
    );
    assert.ok(fixed.includes('        proxy_pass http://trunk8_backend;\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n        proxy_set_header Host $host;\n'), fixed);
  });

  it('offers no fix below an unterminated quote: nginx reads the rest of the file as that string', () => {
    // The closing quote of `add_header Cache-Control "public, immutable"` (line 35) deleted:
    // inserting `proxy_set_header Connection ""` at line 45 would end nginx's string there.
    const broken = trunk8.replace('"public, immutable";', '"public, immutable;');
    const [finding] = findingsOf(rule, TRUNK8, broken, { others: trunk8Host });
    assert.equal(finding?.range.start.line, 9);
    assert.deepEqual(finding.fixes, []);
    // A fix that edits only above the quote is still offered.
    const header = findingsOf('nginx/deprecated-header', TRUNK8, broken, { others: trunk8Host });
    assert.equal(header[0]?.range.start.line, 28);
    assert.ok(header[0].fixes.length > 0);
  });

  it('accepts locations that proxy with HTTP/1.1 and an empty or upgrading Connection header (NetMonitor)', () => {
    const text = 'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    location / {\n        proxy_pass http://app/;\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n    }\n}\n';
    assert.deepEqual(seen(rule, SITE, text, OLD), []);
    assert.deepEqual(seen(rule, NETMONITOR, netmonitor, netmonitorStack), []);
  });

  it('reads the settings as nginx merges them: from server, unless the location has proxy_set_header of its own', () => {
    const inherited = 'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    location / {\n        proxy_pass http://app;\n    }\n}\n';
    assert.deepEqual(seen(rule, SITE, inherited, OLD), []);
    const dropped = inherited.replace('        proxy_pass http://app;\n', '        proxy_pass http://app;\n        proxy_set_header Host $host;\n');
    assert.deepEqual(seen(rule, SITE, dropped, OLD).map((f) => f.message), [
      'keepalive is not used for requests through location /: it proxies to "app" without proxy_set_header Connection "", so under nginx 1.22.1 each upstream connection is closed after one request',
    ]);
  });

  it('repeats the inherited proxy_set_header lines when the location gets its first one', () => {
    const text = 'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    proxy_set_header Host $host;\n    location / {\n        proxy_pass http://app;\n    }\n}\n';
    assert.equal(
      assertFixRoundTrip(rule, SITE, text, { setup: OLD }),
      'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    proxy_set_header Host $host;\n    location / {\n        proxy_pass http://app;\n        proxy_http_version 1.1;\n        proxy_set_header Host $host;\n        proxy_set_header Connection "";\n    }\n}\n',
    );
  });

  it('rewrites proxy_http_version 1.0 in place, and fixes a one-line location on its line', () => {
    const text = 'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    location /a { proxy_pass http://app; proxy_http_version 1.0; proxy_set_header Connection ""; }\n}\n';
    assert.equal(
      assertFixRoundTrip(rule, SITE, text, { setup: OLD }),
      'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    location /a { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }\n}\n',
    );
    const oneLine = 'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    location /b { proxy_pass http://app; }\n}\n';
    assert.equal(
      assertFixRoundTrip(rule, SITE, oneLine, { setup: OLD }),
      'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    location /b { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }\n}\n',
    );
  });

  it('sees "close" coming from the usual $http_upgrade map, and fixes the map', () => {
    const text =
      'map $http_upgrade $connection_upgrade {\n    default upgrade;\n    \'\' close;\n}\nupstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    location / {\n        proxy_pass http://app;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n    }\n}\n';
    const [finding] = findingsOf(rule, SITE, text, OLD);
    assert.equal(finding?.related[0]?.message, 'proxies to "app" with "Connection: close" ($connection_upgrade is "close" for requests without Upgrade: map on line 1)');
    assert.equal(assertFixRoundTrip(rule, SITE, text, { setup: OLD }), text.replace("    '' close;", '    \'\' "";'));
  });

  it('follows proxy_pass into other files of the run, and ignores upstreams nothing proxies to', () => {
    const upstreams = '/srv/deploy/nginx/conf.d/upstreams.conf';
    const text = 'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nupstream unused {\n    server 127.0.0.1:8001;\n    keepalive 16;\n}\n';
    const site = 'server {\n    location / {\n        proxy_pass http://APP;\n    }\n}\n';
    const [finding] = findingsOf(rule, upstreams, text, { ...OLD, others: { [SITE]: site } });
    assert.equal(finding?.message.startsWith('keepalive is not used for requests through location /: it proxies to "app"'), true);
    assert.equal(findingsOf(rule, upstreams, text, { ...OLD, others: { [SITE]: site } }).length, 1);
    assert.equal(finding!.related[0]!.path, SITE);
    assert.deepEqual(finding!.fixes[0]!.edits.map((edit) => [edit.path, edit.newText]), [[SITE, '        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n']]);
  });

  it('says nothing when an include it cannot read may set them', () => {
    const text = 'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    location / {\n        proxy_pass http://app;\n        include snippets/proxy.conf;\n    }\n}\n';
    assert.deepEqual(seen(rule, SITE, text, OLD), []);
    const snippet = { '/srv/deploy/nginx/snippets/proxy.conf': 'proxy_http_version 1.1;\nproxy_set_header Connection "";\n' };
    assert.deepEqual(seen(rule, SITE, text, { ...OLD, files: snippet }), []);
    const weak = { '/srv/deploy/nginx/snippets/proxy.conf': 'proxy_set_header Host $host;\n' };
    assert.equal(seen(rule, SITE, text, { ...OLD, files: weak }).length, 1);
  });

  it('knows nginx 1.29.7 proxies with HTTP/1.1 and no Connection header by default', () => {
    const declared = { others: { '/srv/trunk8/.deploylint.ini': '[host]\ndistro = debian-12\n\n[versions]\nnginx = 1.29.7\n' } };
    assert.deepEqual(seen(rule, TRUNK8, trunk8, declared), []);
    assert.deepEqual(seen(rule, TRUNK8, trunk8, NEW), []);
    // Without a declaration the stable line (1.30) is assumed: the same.
    assert.deepEqual(seen(rule, TRUNK8, trunk8), []);
    const forced = 'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    location / {\n        proxy_pass http://app;\n        proxy_http_version 1.0;\n    }\n}\n';
    assert.deepEqual(seen(rule, SITE, forced, NEW).map((f) => f.message), [
      'keepalive is not used for requests through location /: it proxies to "app" without proxy_http_version 1.1, so under nginx 1.29.7 each upstream connection is closed after one request',
    ]);
    assert.equal(findingsOf(rule, SITE, forced, NEW)[0]!.related[0]!.message, 'proxies to "app" with HTTP/1.0 (proxy_http_version on line 8)');
    assert.deepEqual(seen(rule, '/srv/deploy/nginx/sites-available/other', forced.replace(' 1.0;', ' 1.1;'), NEW), []);
  });
});

describe('nginx/websocket-headers-missing', () => {
  const rule = 'nginx/websocket-headers-missing';
  const socketio = 'server {\n    location /socket.io/ {\n        proxy_pass http://127.0.0.1:5000;\n        proxy_set_header Host $host;\n    }\n}\n';

  it('flags a /socket.io/ location that does not pass the upgrade on', () => {
    assert.deepEqual(pairs(rule, SITE, socketio, OLD), [
      [
        'proxy_pass http://127.0.0.1:5000;',
        'location /socket.io/ proxies WebSocket connections (its path) without proxy_http_version 1.1, proxy_set_header Upgrade $http_upgrade and proxy_set_header Connection "upgrade": nginx does not pass the Upgrade handshake on, so Socket.IO clients fall back to HTTP long-polling',
      ],
    ]);
  });

  it('adds the three lines after proxy_pass', () => {
    assert.equal(
      assertFixRoundTrip(rule, SITE, socketio, { setup: OLD }),
      'server {\n    location /socket.io/ {\n        proxy_pass http://127.0.0.1:5000;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection "upgrade";\n        proxy_set_header Host $host;\n    }\n}\n',
    );
  });

  it('rewrites a Connection header the location already sets, and repeats inherited headers', () => {
    const text = 'server {\n    proxy_set_header Host $host;\n    location ~ ^/ws/ {\n        proxy_pass http://127.0.0.1:5000;\n    }\n    location /api/ws {\n        proxy_pass http://127.0.0.1:5000;\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n    }\n}\n';
    assert.deepEqual(seen(rule, SITE, text, NEW).map((f) => f.message), [
      'location ~ ^/ws/ proxies WebSocket connections (its path) without proxy_set_header Upgrade $http_upgrade and proxy_set_header Connection "upgrade": nginx does not pass the Upgrade handshake on, so WebSocket clients cannot connect',
      'location /api/ws proxies WebSocket connections (its path) without proxy_set_header Upgrade $http_upgrade and proxy_set_header Connection "upgrade": nginx does not pass the Upgrade handshake on, so WebSocket clients cannot connect',
    ]);
    const fixed = assertFixRoundTrip(rule, SITE, text, { setup: NEW });
    assert.ok(fixed.includes('        proxy_pass http://127.0.0.1:5000;\n        proxy_set_header Host $host;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection "upgrade";\n    }\n'), fixed);
    const second = findingsOf(rule, SITE, fixed, NEW)[0]!.fixes[0]!;
    assert.deepEqual(second.edits.map((edit) => edit.newText), ['Connection "upgrade"', '        proxy_set_header Upgrade $http_upgrade;\n']);
  });

  it('accepts a location that has them, through the usual map too, and paths that only look alike', () => {
    const complete = 'server {\n    location /ws/ {\n        proxy_pass http://127.0.0.1:5000;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection "Upgrade";\n    }\n}\n';
    assert.deepEqual(seen(rule, SITE, complete, OLD), []);
    const mapped = `map $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' close;\n}\n${complete.replace('"Upgrade"', '$connection_upgrade')}`;
    assert.deepEqual(seen(rule, SITE, mapped, OLD), []);
    const brokenMap = mapped.replace('default upgrade;', 'default close;');
    assert.equal(seen(rule, SITE, brokenMap, OLD).length, 1);
    assert.deepEqual(seen(rule, SITE, 'server {\n    location /wsgi/ {\n        proxy_pass http://127.0.0.1:5000;\n    }\n    location /news {\n        proxy_pass http://127.0.0.1:5000;\n    }\n}\n', OLD), []);
  });

  it('accepts the NetMonitor fragment, which already passes the upgrade on', () => {
    assert.deepEqual(seen(rule, NETMONITOR, netmonitor, netmonitorStack), []);
    assert.deepEqual(seen(rule, NETMONITOR, netmonitor), []);
  });

  it('knows a location serves a Socket.IO app from the gunicorn run listening behind it (NetMonitor without the headers)', () => {
    const stripped = netmonitor.replace(/ {8}proxy_http_version 1\.1;\n {8}proxy_set_header Upgrade \$http_upgrade;\n {8}proxy_set_header Connection "upgrade";\n/, '');
    assert.notEqual(stripped, netmonitor);
    const [finding] = findingsOf(rule, NETMONITOR, stripped, netmonitorStack);
    assert.equal(
      finding?.message,
      'location / proxies WebSocket connections (the app it proxies to sets up Flask-SocketIO in web_dashboard.py) without proxy_http_version 1.1, proxy_set_header Upgrade $http_upgrade and proxy_set_header Connection "upgrade": nginx does not pass the Upgrade handshake on, so Socket.IO clients fall back to HTTP long-polling',
    );
    assert.deepEqual(finding!.related.map((related) => [related.path, related.message]), [
      ['/srv/netmonitor/web_dashboard.py', 'Flask-SocketIO set up here'],
      ['/srv/netmonitor/netmonitor-dashboard.service', 'the app listens here'],
    ]);
    assertFixRoundTrip(rule, NETMONITOR, stripped, { setup: netmonitorStack });
    // Without the app beside it, or with the app on another machine, "/" is just "/".
    assert.deepEqual(seen(rule, NETMONITOR, stripped), []);
    const elsewhere = { ...netmonitorStack, others: { ...netmonitorStack.others, [NETMONITOR.replace('netmonitor-dashboard.nginx', 'nginx/.deploylint.ini')]: '[host]\ncpus = 2\n' } };
    assert.deepEqual(seen(rule, NETMONITOR.replace('netmonitor-dashboard.nginx', 'nginx/site.nginx'), stripped, elsewhere), []);
  });

  it('leaves "/" alone when the server has a location of its own for /socket.io', () => {
    const stripped = netmonitor.replace(/ {8}proxy_http_version 1\.1;\n {8}proxy_set_header Upgrade \$http_upgrade;\n {8}proxy_set_header Connection "upgrade";\n/, '');
    const split = stripped.replace('    location / {', '    location /socket.io {\n        proxy_pass http://netmonitor_dashboard;\n    }\n\n    location / {');
    assert.deepEqual(seen(rule, NETMONITOR, split, netmonitorStack).map((f) => f.underlined), ['proxy_pass http://netmonitor_dashboard;']);
    assert.equal(findingsOf(rule, NETMONITOR, split, netmonitorStack)[0]!.message.startsWith('location /socket.io proxies'), true);
  });

  it('knows nginx 1.29.7 speaks HTTP/1.1 upstream by default', () => {
    assert.deepEqual(seen(rule, SITE, socketio, NEW).map((f) => f.message), [
      'location /socket.io/ proxies WebSocket connections (its path) without proxy_set_header Upgrade $http_upgrade and proxy_set_header Connection "upgrade": nginx does not pass the Upgrade handshake on, so Socket.IO clients fall back to HTTP long-polling',
    ]);
  });
});

describe('nginx/add-header-inheritance', () => {
  const rule = 'nginx/add-header-inheritance';

  it('flags the Trunk8 /static/ location, which drops the security headers of its server', () => {
    const [finding] = findingsOf(rule, TRUNK8, trunk8, { others: trunk8Host });
    assert.deepEqual(pairs(rule, TRUNK8, trunk8, { others: trunk8Host }), [
      [
        'add_header Cache-Control "public, immutable";',
        'location /static/ has add_header of its own, so its responses lose the 2 headers added in server: X-Frame-Options, X-Content-Type-Options (security headers); nginx inherits add_header only into a level that has none',
      ],
    ]);
    assert.deepEqual(finding!.related.map((related) => [related.range.start.line + 1, related.message]), [
      [27, 'not sent from location /static/'],
      [28, 'not sent from location /static/'],
    ]);
  });

  it('repeats the lost headers before the location\'s own', () => {
    const fixed = assertFixRoundTrip(rule, TRUNK8, trunk8, { setup: { others: trunk8Host } });
    assert.ok(
      fixed.includes(
        '        expires 1y;\n        add_header X-Frame-Options "SAMEORIGIN" always;\n        add_header X-Content-Type-Options "nosniff" always;\n        add_header Cache-Control "public, immutable";\n',
      ),
      fixed,
    );
  });

  it('leaves levels alone that add none, repeat them all, or lose only X-XSS-Protection', () => {
    const text = 'server {\n    add_header X-Frame-Options DENY;\n    add_header X-XSS-Protection "1; mode=block";\n    location /a {\n        return 204;\n    }\n    location /b {\n        add_header X-Frame-Options SAMEORIGIN;\n        add_header Cache-Control no-store;\n    }\n}\n';
    assert.deepEqual(seen(rule, SITE, text, OLD), []);
  });

  it('names headers lost from http in the nginx.conf that includes the site, and if in location', () => {
    const main = 'events {}\nhttp {\n    add_header Strict-Transport-Security "max-age=63072000" always;\n    add_header X-Debug 1;\n    include sites-enabled/*;\n}\n';
    const site = '/srv/deploy/nginx/sites-enabled/app';
    const text = 'server {\n    add_header Content-Security-Policy "default-src \'self\'";\n    location / {\n        if ($request_method = POST) {\n            add_header Cache-Control no-store;\n        }\n    }\n}\n';
    const findings = findingsOf(rule, site, text, { ...OLD, others: { [MAIN]: main } });
    assert.deepEqual(
      findings.map((finding) => finding.message),
      [
        'server has add_header of its own, so its responses lose the 2 headers added in http: Strict-Transport-Security, X-Debug (Strict-Transport-Security is a security header); nginx inherits add_header only into a level that has none',
        'if ($request_method = POST) has add_header of its own, so its responses lose the header added in server: Content-Security-Policy (a security header); nginx inherits add_header only into a level that has none',
      ],
    );
    assert.deepEqual(findings[0]!.related.map((related) => [related.path, related.range.start.line + 1]), [
      [MAIN, 3],
      [MAIN, 4],
    ]);
    // (Fixing the server makes the if lose those two as well: its finding grows, so the round trip is shown without it.)
    const flat = 'server {\n    add_header Content-Security-Policy "default-src \'self\'";\n    location / {\n    }\n}\n';
    assert.equal(
      assertFixRoundTrip(rule, site, flat, { setup: { ...OLD, others: { [MAIN]: main } } }),
      'server {\n    add_header Strict-Transport-Security "max-age=63072000" always;\n    add_header X-Debug 1;\n    add_header Content-Security-Policy "default-src \'self\'";\n    location / {\n    }\n}\n',
    );
  });

  it('knows add_header_inherit merge (nginx 1.29.3), and offers it where the target has it', () => {
    const text = 'server {\n    add_header X-Frame-Options DENY;\n    location / {\n        add_header Cache-Control no-store;\n    }\n}\n';
    const merged = text.replace('server {\n', 'server {\n    add_header_inherit merge;\n');
    const modern = { host: { versions: { nginx: '1.29.3' } } };
    assert.deepEqual(seen(rule, SITE, merged, modern), []);
    // Before 1.29.3 the directive does not exist: nginx refuses it, and nothing is merged.
    assert.equal(seen(rule, SITE, merged, OLD).length, 1);
    assert.deepEqual(findingsOf(rule, SITE, text, OLD)[0]!.fixes.map((fix) => fix.title), ['Repeat the inherited header in location /']);
    assert.deepEqual(findingsOf(rule, SITE, text, modern)[0]!.fixes.map((fix) => fix.title), [
      'Repeat the inherited header in location /',
      'Keep the inherited headers with add_header_inherit merge (nginx 1.29.3)',
    ]);
    assert.equal(
      assertFixRoundTrip(rule, SITE, text, { setup: modern, fixTitle: /add_header_inherit/ }),
      'server {\n    add_header X-Frame-Options DENY;\n    location / {\n        add_header_inherit merge;\n        add_header Cache-Control no-store;\n    }\n}\n',
    );
    // "off" drops the outer headers on purpose.
    assert.deepEqual(seen(rule, SITE, text.replace('    location / {\n', '    location / {\n        add_header_inherit off;\n'), modern), []);
  });
});

describe('nginx/deprecated-header', () => {
  const rule = 'nginx/deprecated-header';

  it('flags X-XSS-Protection in the Trunk8 server', () => {
    assert.deepEqual(seen(rule, TRUNK8, trunk8, { others: trunk8Host }), [
      {
        underlined: 'add_header X-XSS-Protection "1; mode=block" always;',
        message:
          'X-XSS-Protection "1; mode=block" is deprecated: current browsers ignore it, and in old ones the XSS filter it turns on can itself open holes in safe pages; remove it (or send 0) and rely on Content-Security-Policy',
        severity: 'info',
      },
    ]);
  });

  it('removes the line, or sends 0', () => {
    const text = 'server {\n    add_header X-Frame-Options DENY;\n    add_header x-xss-protection "1; mode=block" always;\n}\n';
    assert.equal(assertFixRoundTrip(rule, SITE, text), 'server {\n    add_header X-Frame-Options DENY;\n}\n');
    assert.equal(
      assertFixRoundTrip(rule, SITE, text, { fixTitle: /: 0/ }),
      'server {\n    add_header X-Frame-Options DENY;\n    add_header x-xss-protection "0" always;\n}\n',
    );
  });

  it('accepts X-XSS-Protection 0 and other headers', () => {
    assert.deepEqual(seen(rule, SITE, 'server {\n    add_header X-XSS-Protection 0;\n    add_header X-Content-Type-Options nosniff;\n}\n'), []);
  });
});

describe('the seeds under the four proxy rules', () => {
  const rules = ['nginx/upstream-keepalive-needs-http11', 'nginx/websocket-headers-missing', 'nginx/add-header-inheritance', 'nginx/deprecated-header'];
  const ours = (path: string, text: string, setup: LintSetup) =>
    lint(path, text, setup)
      .filter((finding) => rules.includes(finding.rule))
      .map((finding) => `${finding.range.start.line + 1} ${finding.rule}`);

  it('Trunk8: keepalive without HTTP/1.1, the /static/ headers, X-XSS-Protection', () => {
    assert.deepEqual(ours(TRUNK8, trunk8, { others: trunk8Host }), [
      '10 nginx/upstream-keepalive-needs-http11',
      '29 nginx/deprecated-header',
      '35 nginx/add-header-inheritance',
    ]);
  });

  it('NetMonitor: HTTP/1.1 with "Connection: upgrade" keeps its keepalive; the WebSocket headers are there', () => {
    assert.deepEqual(ours(NETMONITOR, netmonitor, netmonitorStack), []);
  });

  it('Lernmanager: no upstream, no headers, nothing to say (its port is NetMonitor\'s, on another machine)', () => {
    const path = '/srv/lernmanager/lernmanager.nginx';
    const others = { ...netmonitorStack.others, '/srv/lernmanager/.deploylint.ini': readFileSync('examples/lernmanager/.deploylint.ini', 'utf8') };
    assert.deepEqual(ours(path, lernmanager, { ...netmonitorStack, others }), []);
    assert.equal(lintFiles(path, lernmanager, { ...netmonitorStack, others }).length, 4);
  });
});
