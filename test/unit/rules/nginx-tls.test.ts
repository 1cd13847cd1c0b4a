import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { LintSetup } from '../../helpers/lint';
import { assertFixRoundTrip, findingsOf, seen } from '../../helpers/lint';

const SITE = '/srv/deploy/nginx/sites-available/app';
const MAIN = '/srv/deploy/nginx/nginx.conf';
/** Debian 12's nginx: TLSv1 and TLSv1.1 on by default, TLSv1.3 not. */
const BOOKWORM: LintSetup = { host: { versions: { nginx: '1.22.1' } } };
/** Ubuntu 24.04's nginx: TLSv1.3 on by default, TLSv1 and TLSv1.1 still. */
const NOBLE: LintSetup = { host: { versions: { nginx: '1.24.0' } } };
const at = (nginx: string): LintSetup => ({ host: { versions: { nginx } } });

const pairs = (rule: string, path: string, text: string, setup: LintSetup = {}) => seen(rule, path, text, setup).map((f) => [f.underlined, f.message]);

describe('nginx/weak-tls', () => {
  const rule = 'nginx/weak-tls';

  describe('ssl_protocols', () => {
    it("flags TLSv1 and TLSv1.1 as Debian's nginx.conf enables them, and allows only TLSv1.2 TLSv1.3", () => {
      const text = 'http {\n    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3; # Dropping SSLv3, ref: POODLE\n}\n';
      assert.deepEqual(pairs(rule, MAIN, text), [
        ['TLSv1 TLSv1.1', 'ssl_protocols allows TLSv1 and TLSv1.1: insecure protocols that RFC 8996 forbids and current browsers no longer use; allow only TLSv1.2 TLSv1.3'],
      ]);
      assert.equal(assertFixRoundTrip(rule, MAIN, text), 'http {\n    ssl_protocols TLSv1.2 TLSv1.3; # Dropping SSLv3, ref: POODLE\n}\n');
    });

    it('names the RFC of each protocol, matches names as nginx does (without case), and underlines from the first to the last', () => {
      const text = 'server {\n    ssl_protocols sslv3 TLSv1.2 tlsv1;\n}\n';
      assert.deepEqual(pairs(rule, SITE, text), [
        ['sslv3 TLSv1.2 tlsv1', 'ssl_protocols allows sslv3 and tlsv1: insecure protocols that RFC 7568 and RFC 8996 forbid and current browsers no longer use; allow only TLSv1.2 TLSv1.3'],
      ]);
    });

    it('leaves out TLSv1.3 from the fix for a release that does not know it', () => {
      const text = 'server {\n    ssl_protocols SSLv3 TLSv1 TLSv1.2;\n}\n';
      assert.equal(assertFixRoundTrip(rule, SITE, text, { setup: at('1.12.2') }), 'server {\n    ssl_protocols TLSv1.2;\n}\n');
    });

    it('accepts TLSv1.2 and TLSv1.3, in any level', () => {
      assert.deepEqual(seen(rule, MAIN, 'http {\n    ssl_protocols TLSv1.2 TLSv1.3;\n    server { ssl_protocols TLSv1.3; }\n}\nstream {\n    ssl_protocols TLSv1.2;\n}\n'), []);
    });
  });

  describe("nginx's default protocols", () => {
    const server = 'server {\n    listen 443 ssl http2;\n    server_name app.example;\n    ssl_certificate /etc/ssl/app.pem;\n}\n';

    it('flags a TLS server without ssl_protocols when the target still enables TLSv1 and TLSv1.1 by default', () => {
      assert.deepEqual(pairs(rule, SITE, server, BOOKWORM), [
        [
          'listen 443 ssl http2;',
          'this server takes TLS connections and no ssl_protocols applies to it, so nginx 1.22.1 allows TLSv1 and TLSv1.1 (its default before 1.27.3 is TLSv1 TLSv1.1 TLSv1.2), which RFC 8996 forbids; set ssl_protocols TLSv1.2 TLSv1.3',
        ],
      ]);
      assert.match(seen(rule, SITE, server, NOBLE)[0]!.message, /nginx 1\.24\.0 allows TLSv1 and TLSv1\.1 \(its default before 1\.27\.3 is TLSv1 TLSv1\.1 TLSv1\.2 TLSv1\.3\)/);
    });

    it('says nothing from nginx 1.27.3, whose default is TLSv1.2 TLSv1.3 (the stable line assumed when none is declared)', () => {
      assert.deepEqual(seen(rule, SITE, server, at('1.27.3')), []);
      assert.deepEqual(seen(rule, SITE, server), []);
    });

    it('sets the protocols right after the listen line', () => {
      assert.equal(
        assertFixRoundTrip(rule, SITE, server, { setup: BOOKWORM }),
        'server {\n    listen 443 ssl http2;\n    ssl_protocols TLSv1.2 TLSv1.3;\n    server_name app.example;\n    ssl_certificate /etc/ssl/app.pem;\n}\n',
      );
    });

    it('takes ssl_protocols from http, across files, as nginx merges it', () => {
      const main = (protocols: string) => `events {}\nhttp {\n${protocols}    include sites-enabled/*;\n}\n`;
      const enabled = '/srv/deploy/nginx/sites-enabled/app';
      assert.deepEqual(seen(rule, enabled, server, { ...BOOKWORM, others: { [MAIN]: main('    ssl_protocols TLSv1.2;\n') } }), []);
      assert.equal(seen(rule, enabled, server, { ...BOOKWORM, others: { [MAIN]: main('') } }).length, 1);
    });

    it('says nothing when an include it cannot read may set them, and reads one it can', () => {
      const withInclude = server.replace('    server_name', '    include snippets/tls.conf;\n    server_name');
      assert.deepEqual(seen(rule, SITE, withInclude, BOOKWORM), []);
      const tls = (text: string): LintSetup => ({ ...BOOKWORM, files: { '/srv/deploy/nginx/snippets/tls.conf': text } });
      assert.deepEqual(seen(rule, SITE, withInclude, tls('ssl_protocols TLSv1.2 TLSv1.3;\n')), []);
      assert.equal(seen(rule, SITE, withInclude, tls('ssl_session_timeout 1d;\n')).length, 1);
    });

    it('underlines the include that brings in the listen line, and adds the protocols after it', () => {
      const text = 'server {\n    include snippets/listen.conf;\n    root /srv/www;\n}\n';
      const setup: LintSetup = { ...BOOKWORM, files: { '/srv/deploy/nginx/snippets/listen.conf': 'listen 443 ssl;\n' } };
      assert.deepEqual(seen(rule, SITE, text, setup).map((f) => f.underlined), ['include snippets/listen.conf;']);
      assert.equal(assertFixRoundTrip(rule, SITE, text, { setup }), 'server {\n    include snippets/listen.conf;\n    ssl_protocols TLSv1.2 TLSv1.3;\n    root /srv/www;\n}\n');
    });

    it('knows plain-HTTP servers, QUIC-only ones and stream servers', () => {
      assert.deepEqual(seen(rule, SITE, 'server {\n    listen 80;\n    listen 443 quic;\n}\n', BOOKWORM), []);
      const stream = 'events {}\nstream {\n    server {\n        listen 5432 ssl;\n        proxy_pass 127.0.0.1:5433;\n    }\n}\n';
      assert.deepEqual(seen(rule, MAIN, stream, BOOKWORM).map((f) => f.underlined), ['listen 5432 ssl;']);
    });

    it('flags the NetMonitor fragment on Debian 12, which the Trunk8 site is not', () => {
      const netmonitor = readFileSync('examples/netmonitor/netmonitor-dashboard.nginx', 'utf8');
      assert.deepEqual(seen(rule, '/srv/netmonitor/netmonitor-dashboard.nginx', netmonitor, BOOKWORM).map((f) => f.underlined), ['listen 443 ssl http2;']);
      const trunk8 = readFileSync('examples/trunk8/nginx/sites-available/trunk8', 'utf8');
      assert.deepEqual(seen(rule, '/srv/trunk8/nginx/sites-available/trunk8', trunk8, BOOKWORM), []);
    });
  });

  describe('ssl_ciphers', () => {
    const ciphers = (value: string, setup: LintSetup = {}) => pairs(rule, SITE, `server {\n    ssl_ciphers ${value};\n}\n`, setup);

    it("accepts nginx's default and lists of named strong suites", () => {
      assert.deepEqual(ciphers('HIGH:!aNULL:!MD5'), []);
      assert.deepEqual(ciphers('ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256'), []);
      assert.deepEqual(ciphers("'EECDH+AESGCM:EDH+AESGCM:AES256+EECDH:AES256+EDH'"), []);
      assert.deepEqual(ciphers('HIGH:!ADH:!AECDH'), [], 'both kinds of anonymous suites removed');
      assert.deepEqual(ciphers('DEFAULT'), []);
    });

    it('flags HIGH or ALL without !aNULL: they hold anonymous suites, and !ADH leaves the AECDH ones', () => {
      assert.deepEqual(ciphers('HIGH:!MD5'), [['HIGH', 'ssl_ciphers allows anonymous suites, which authenticate no server ("HIGH" includes them)']]);
      assert.deepEqual(ciphers('HIGH:!ADH'), [['HIGH', 'ssl_ciphers allows anonymous suites, which authenticate no server ("HIGH" includes them)']]);
    });

    it('keeps the list and excludes the weak suites, as the preferred fix', () => {
      const text = 'server {\n    ssl_ciphers HIGH:!MD5;\n}\n';
      assert.equal(assertFixRoundTrip(rule, SITE, text), 'server {\n    ssl_ciphers HIGH:!MD5:!aNULL;\n}\n');
      const [finding] = findingsOf(rule, SITE, text);
      assert.deepEqual(finding!.fixes.map((fix) => [fix.title, fix.preferred === true]), [
        ['Remove the weak suites: add !aNULL', true],
        ['Use only forward-secret AEAD suites (EECDH+AESGCM:EECDH+CHACHA20:EDH+AESGCM:EDH+CHACHA20)', false],
      ]);
    });

    it("names each weak family in the old Apache-style list, underlining from the first culprit to the last", () => {
      const value = "'ALL:!ADH:!EXPORT56:RC4+RSA:+HIGH:+MEDIUM:+LOW:+SSLv2:+EXP'";
      assert.deepEqual(ciphers(value), [['ALL:!ADH:!EXPORT56:RC4+RSA', 'ssl_ciphers allows anonymous suites, which authenticate no server ("ALL" includes them) and RC4 suites ("RC4+RSA")']]);
      const text = `server {\n    ssl_ciphers ${value};\n}\n`;
      assert.equal(assertFixRoundTrip(rule, SITE, text), "server {\n    ssl_ciphers 'ALL:!ADH:!EXPORT56:RC4+RSA:+HIGH:+MEDIUM:+LOW:+SSLv2:+EXP:!aNULL:!RC4';\n}\n");
    });

    it('knows suites by name: NULL, EXPORT, DES, 3DES, MD5, anonymous', () => {
      assert.deepEqual(ciphers('ECDHE-RSA-AES128-GCM-SHA256:DES-CBC3-SHA:NULL-SHA256:EXP-RC4-MD5:ADH-AES128-SHA'), [
        [
          'DES-CBC3-SHA:NULL-SHA256:EXP-RC4-MD5:ADH-AES128-SHA',
          'ssl_ciphers allows 3DES suites ("DES-CBC3-SHA"), suites without encryption ("NULL-SHA256"), export-grade suites ("EXP-RC4-MD5"), RC4 suites ("EXP-RC4-MD5"), MD5 suites ("EXP-RC4-MD5") and anonymous suites, which authenticate no server ("ADH-AES128-SHA")',
        ],
      ]);
      assert.deepEqual(ciphers('AES128-SHA:EDH-RSA-DES-CBC-SHA').map(([, message]) => message), ['ssl_ciphers allows DES suites ("EDH-RSA-DES-CBC-SHA")']);
    });

    it('reads ! as removal for good and - as removal until something adds back, in order', () => {
      assert.deepEqual(ciphers('!RC4:RC4-SHA:AES128-SHA'), []);
      assert.deepEqual(ciphers('RC4:AES128-SHA:-RC4'), []);
      assert.deepEqual(ciphers('-RC4:RC4:AES128-SHA').map(([underlined]) => underlined), ['RC4']);
      assert.deepEqual(ciphers('AES128-SHA:+RC4'), [], '+ only moves suites already in the list');
    });

    it('flags @SECLEVEL=0, and drops it in the fix', () => {
      const text = 'server {\n    ssl_ciphers DEFAULT:@SECLEVEL=0;\n}\n';
      assert.deepEqual(pairs(rule, SITE, text), [
        ['@SECLEVEL=0', "ssl_ciphers allows OpenSSL's security level 0, which lets in every weak suite and key the library has (\"@SECLEVEL=0\")"],
      ]);
      assert.equal(assertFixRoundTrip(rule, SITE, text), 'server {\n    ssl_ciphers DEFAULT;\n}\n');
    });

    it('replaces a list made only of weak suites, since excluding them would leave none', () => {
      const text = 'server {\n    ssl_ciphers RC4-SHA:RC4-MD5;\n}\n';
      const [finding] = findingsOf(rule, SITE, text);
      assert.deepEqual(finding!.fixes.map((fix) => fix.title), ['Use only forward-secret AEAD suites (EECDH+AESGCM:EECDH+CHACHA20:EDH+AESGCM:EDH+CHACHA20)']);
      assert.equal(assertFixRoundTrip(rule, SITE, text), 'server {\n    ssl_ciphers EECDH+AESGCM:EECDH+CHACHA20:EDH+AESGCM:EDH+CHACHA20;\n}\n');
    });

    it('says nothing where only TLSv1.3 is allowed, which ssl_ciphers does not configure', () => {
      assert.deepEqual(pairs(rule, SITE, 'server {\n    ssl_protocols TLSv1.3;\n    ssl_ciphers HIGH;\n}\n'), []);
      assert.equal(seen(rule, SITE, 'server {\n    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_ciphers HIGH;\n}\n').length, 1);
    });
  });
});

describe('nginx/gzip-types-duplicate', () => {
  const rule = 'nginx/gzip-types-duplicate';

  it('flags text/html, which gzip always compresses, and removes it safely', () => {
    const text = 'http {\n    gzip on;\n    gzip_types text/html text/css application/json;\n}\n';
    assert.deepEqual(pairs(rule, MAIN, text), [['text/html', '"text/html" is always compressed: gzip_types need not list it, and nginx warns "duplicate MIME type"']]);
    const [finding] = findingsOf(rule, MAIN, text);
    assert.equal(finding!.fixes[0]!.safe, true);
    assert.equal(assertFixRoundTrip(rule, MAIN, text), 'http {\n    gzip on;\n    gzip_types text/css application/json;\n}\n');
  });

  it('flags a type listed twice in one line, without regard to case', () => {
    const text = 'server {\n    gzip_types text/css application/json TEXT/CSS;\n}\n';
    assert.deepEqual(pairs(rule, SITE, text), [['TEXT/CSS', '"TEXT/CSS" is already listed earlier in this gzip_types: nginx warns "duplicate MIME type"']]);
    assert.equal(assertFixRoundTrip(rule, SITE, text), 'server {\n    gzip_types text/css application/json;\n}\n');
  });

  it('reads every gzip_types line of a block as one list, and removes a line that only repeats', () => {
    const text = 'server {\n    gzip_types text/css;\n    gzip_types text/css;\n}\n';
    assert.deepEqual(pairs(rule, SITE, text), [['text/css', '"text/css" is already listed by the gzip_types on line 2 in the same block: nginx warns "duplicate MIME type"']]);
    assert.equal(findingsOf(rule, SITE, text)[0]!.related[0]!.range.start.line, 1);
    assert.equal(assertFixRoundTrip(rule, SITE, text), 'server {\n    gzip_types text/css;\n}\n');
  });

  it('removes a type that has its line in a long list with that line', () => {
    const text = 'http {\n    gzip_types\n        text/css\n        text/html\n        application/json;\n}\n';
    assert.equal(assertFixRoundTrip(rule, MAIN, text), 'http {\n    gzip_types\n        text/css\n        application/json;\n}\n');
  });

  it('offers no fix for a line that only lists text/html: without it the block would take the outer list', () => {
    const text = 'http {\n    gzip_types text/css;\n    server {\n        gzip_types text/html;\n    }\n}\n';
    const [finding] = findingsOf(rule, MAIN, text);
    assert.equal(finding!.message, '"text/html" is always compressed: gzip_types need not list it, and nginx warns "duplicate MIME type"');
    assert.deepEqual(finding!.fixes, []);
  });

  it('allows the same type in different blocks, and anything after *', () => {
    assert.deepEqual(seen(rule, MAIN, 'http {\n    gzip_types text/css;\n    server {\n        gzip_types text/css;\n        location / { gzip_types text/css; }\n    }\n}\n'), []);
    assert.deepEqual(seen(rule, SITE, 'server {\n    gzip_types * text/html;\n    gzip_types text/css text/css;\n}\n'), []);
  });

  it('sees a repeat across an include, and says where the first one is', () => {
    const conf = '/srv/deploy/nginx/conf.d/gzip.conf';
    const main = 'events {}\nhttp {\n    gzip_types application/json;\n    include conf.d/*.conf;\n}\n';
    assert.deepEqual(pairs(rule, conf, 'gzip on;\ngzip_types application/json text/css;\n', { others: { [MAIN]: main } }), [
      ['application/json', '"application/json" is already listed by the gzip_types on nginx.conf:3 in the same block: nginx warns "duplicate MIME type"'],
    ]);
  });

  it('finds nothing in the seed sites', () => {
    assert.deepEqual(seen(rule, '/srv/lernmanager/lernmanager.nginx', readFileSync('examples/lernmanager/lernmanager.nginx', 'utf8')), []);
    assert.deepEqual(seen(rule, '/srv/trunk8/nginx/nginx.conf', readFileSync('examples/trunk8/nginx/nginx.conf', 'utf8')), []);
  });
});
