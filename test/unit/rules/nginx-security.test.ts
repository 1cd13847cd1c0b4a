import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertFixRoundTrip, findingsOf, seen } from '../../helpers/lint';

const RULE = 'nginx/proxy-security';
const SITE = '/srv/deploy/nginx/sites-available/app';

/** What the user sees of each finding: the underlined text and the message. */
const pairs = (text: string) => seen(RULE, SITE, text).map((f) => [f.underlined, f.message]);
const underlines = (text: string) => seen(RULE, SITE, text).map((f) => f.underlined);
const server = (body: string) => `server {\n    listen 80;\n${body}}\n`;
const assertQuiet = (text: string) => assert.deepEqual(pairs(text), []);

describe('nginx/proxy-security', () => {
  describe('alias traversal', () => {
    const text = server('    location /static {\n        alias /opt/app/static/;\n    }\n');

    it('flags a prefix location without a trailing slash whose alias has one', () => {
      assert.deepEqual(pairs(text), [
        [
          '/static',
          'location /static has no trailing slash but its alias /opt/app/static/ has one: a request for /static../app.py is served from /opt/app/static/../app.py, so every file under /opt/app/ can be read (path traversal); write location /static/',
        ],
      ]);
      assert.equal(seen(RULE, SITE, text)[0]!.severity, 'warning');
      assert.deepEqual(findingsOf(RULE, SITE, text)[0]!.related.map((r) => [r.range.start.line + 1, r.message]), [[4, 'the alias that ends with /']]);
    });

    it('adds the slash to the location, inside its quotes, after ^~', () => {
      assert.equal(assertFixRoundTrip(RULE, SITE, text), text.replace('location /static {', 'location /static/ {'));
      const quoted = server('    location ^~ "/media" { alias /srv/media/; }\n');
      assert.equal(assertFixRoundTrip(RULE, SITE, quoted), quoted.replace('"/media"', '"/media/"'));
    });

    it('offers no fix when the server already has the location with the slash', () => {
      const taken = server('    location /static { alias /opt/app/static/; }\n    location /static/ { alias /opt/app/static/; }\n');
      assert.deepEqual(findingsOf(RULE, SITE, taken).map((f) => f.fixes.length), [0]);
    });

    it('stays quiet for slashed locations, exact and regex locations, and aliases without a trailing slash', () => {
      assertQuiet(
        server(
          '    location /static/ { alias /opt/app/static/; }\n    location /logo { alias /opt/app/logo; }\n    location = /favicon.ico { alias /opt/app/static/; }\n    location ~ ^/media/(.*)$ { alias /srv/media/$1; }\n',
        ),
      );
      for (const example of ['examples/trunk8/nginx/sites-available/trunk8', 'examples/lernmanager/lernmanager.nginx', 'examples/netmonitor/netmonitor-dashboard.nginx']) {
        assert.deepEqual(pairs(readFileSync(example, 'utf8')), [], example);
      }
    });
  });

  describe('$http_host', () => {
    const HOST =
      '$http_host, the Host header exactly as the client wrote it: nginx routes by the host of an absolute request line (GET http://site/ …) before the Host header, so';

    it('flags it in a Host or X-Forwarded-Host header for the upstream, and in a redirect', () => {
      const text = server(
        '    location / {\n        proxy_pass http://app;\n        proxy_set_header Host $http_host;\n        proxy_set_header X-Forwarded-Host ${http_host};\n    }\n    return 301 https://$http_host$request_uri;\n',
      );
      assert.deepEqual(pairs(text), [
        ['$http_host', `proxy_set_header Host sends ${HOST} the app is told whatever host the client claims (host spoofing); use $host, the name nginx routed the request by`],
        ['${http_host}', `proxy_set_header X-Forwarded-Host sends ${HOST} the app is told whatever host the client claims (host spoofing); use $host, the name nginx routed the request by`],
        ['$http_host', `this redirect is built from ${HOST} the Location points wherever a forged Host header says; use $host, the name nginx routed the request by`],
      ]);
    });

    it('replaces it with $host, keeping the braces', () => {
      const header = server('    location / {\n        proxy_pass http://app;\n        proxy_set_header Host $http_host;\n    }\n');
      assert.equal(assertFixRoundTrip(RULE, SITE, header), header.replace('Host $http_host;', 'Host $host;'));
      const braced = server('    rewrite ^/old/(.*)$ https://${http_host}/new/$1 permanent;\n');
      assert.equal(assertFixRoundTrip(RULE, SITE, braced), braced.replace('${http_host}', '${host}'));
    });

    it('stays quiet for $host, for other headers, and for rewrites that stay inside nginx', () => {
      assertQuiet(
        server(
          '    location / {\n        proxy_pass http://app;\n        proxy_set_header Host $host;\n        proxy_set_header X-Original-Host $http_host;\n        rewrite ^/a$ /b/$http_host last;\n    }\n',
        ),
      );
    });
  });

  describe('header splitting', () => {
    const PATH = 'is the request path as nginx decoded it, so a request whose path holds %0A puts a line break into';
    const CAPTURED = 'from the decoded request path, and that pattern matches a line feed too, so a request whose path holds %0A puts a line break into';
    const EXCLUDE = 'leave line breaks out of the pattern (a class such as [^/\\s] instead of [^/])';

    it('flags decoded path variables in response headers and redirects', () => {
      const text = server(
        '    add_header X-Uri $uri;\n    location /a { return 301 https://$host$uri; }\n    location /b { rewrite ^ https://$host$document_uri redirect; }\n    location /c { add_header X-File $request_filename; }\n',
      );
      assert.deepEqual(pairs(text), [
        ['$uri', `$uri ${PATH} the X-Uri response header: the client can add headers of its own (response splitting); use $request_uri, which nginx leaves encoded`],
        ['$uri', `$uri ${PATH} the Location header: the client can add headers of its own (response splitting); use $request_uri, which nginx leaves encoded`],
        ['$document_uri', `$document_uri ${PATH} the Location header: the client can add headers of its own (response splitting); use $request_uri, which nginx leaves encoded`],
        [
          '$request_filename',
          '$request_filename ends with the request path as nginx decoded it, so a request whose path holds %0A puts a line break into the X-File response header: the client can add headers of its own (response splitting); use $request_uri, which nginx leaves encoded',
        ],
      ]);
    });

    it('flags them in the request to the upstream, the path of proxy_pass included', () => {
      const text = server('    location /i/ {\n        proxy_pass http://127.0.0.1:8000$uri;\n        proxy_set_header X-Original-URI $document_uri;\n    }\n');
      assert.deepEqual(pairs(text), [
        ['$uri', `$uri ${PATH} the request line sent to the upstream: the client can add headers of its own (request splitting); use $request_uri, which nginx leaves encoded`],
        ['$document_uri', `$document_uri ${PATH} the X-Original-URI header sent to the upstream: the client can add headers of its own (request splitting); use $request_uri, which nginx leaves encoded`],
      ]);
    });

    it('flags regex captures that can hold a line feed, numbered and named, through set', () => {
      const text = server(
        '    location ~ ^/v1/((?<action>[^.]*)\\.json)?$ { add_header X-Action $action; }\n    location ~ ^/e/([^/]+)$ { return 302 https://example.com/$1; }\n    location ~ /proxy/(a|b)/(\\W*)$ {\n        set $p $2;\n        proxy_pass http://storage/$p;\n    }\n',
      );
      assert.deepEqual(pairs(text), [
        ['$action', `$action is captured by (?<action>[^.]*) ${CAPTURED} the X-Action response header: the client can add headers of its own (response splitting); ${EXCLUDE}`],
        ['$1', `$1 is captured by ([^/]+) ${CAPTURED} the Location header: the client can add headers of its own (response splitting); ${EXCLUDE}`],
        ['$p', `$p (set from $2) is captured by (\\W*) ${CAPTURED} the request line sent to the upstream: the client can add headers of its own (request splitting); ${EXCLUDE}`],
      ]);
      const [, , viaSet] = findingsOf(RULE, SITE, text);
      assert.deepEqual(viaSet!.related.map((r) => [r.range.start.line + 1, r.message]), [
        [6, 'sets $p'],
        [5, 'the regex that captures $2'],
      ]);
    });

    it('knows nginx escapes $1 in a rewrite redirect, but not a named capture', () => {
      const text = server('    rewrite ^/g/([^/]+)$ https://example.com/$1 redirect;\n    rewrite ^/h/(?<page>[^/]+)$ https://example.com/$page redirect;\n');
      assert.deepEqual(underlines(text), ['$page']);
    });

    it('redirects to $request_uri (with ? after it in a rewrite, which would append the query again)', () => {
      const returns = server('    location /a {\n        return 301 https://$host$uri$is_args$args;\n    }\n');
      assert.equal(assertFixRoundTrip(RULE, SITE, returns), returns.replace('$uri$is_args$args', '$request_uri'));
      const rewrite = server('    rewrite ^ https://$host$uri redirect;\n');
      assert.equal(assertFixRoundTrip(RULE, SITE, rewrite), rewrite.replace('$uri redirect', '$request_uri? redirect'));
      const elsewhere = server('    return 302 https://$host$uri/index.html;\n    location /login { return 302 /signin?next=$uri; }\n');
      assert.deepEqual(findingsOf(RULE, SITE, elsewhere).map((f) => f.fixes.length), [0, 0]);
    });

    it('stays quiet for encoded variables, captures that cannot hold a line feed, bodies, and $1 a rewrite may have replaced', () => {
      assertQuiet(
        server(
          '    return 301 https://$host$request_uri;\n    add_header X-Args $args;\n    add_header X-Arg $arg_page;\n    location ~ ^/f/(.*)$ { return 302 https://example.com/$1; }\n    location ~ ^/s/([^/\\s]+)$ { return 302 https://example.com/$1; }\n    location /t { return 200 $uri; }\n    if ($request_uri ~ ^/w/([^/]+)) { return 302 https://example.com/$1; }\n    location ~ ^/u/([^/]+)$ {\n        rewrite ^/u/(.*)$ /v/$1;\n        add_header X-Part $1;\n    }\n',
        ),
      );
    });
  });

  describe('proxy_pass to a host the client picks', () => {
    const SSRF =
      ': anyone can have nginx send requests to an address of their choosing, internal services included (server-side request forgery); pick the upstream from a fixed list (a map) or mark the location internal';

    it('flags request parts and regex captures in the host part', () => {
      const text = server(
        '    location /proxy/ {\n        proxy_pass $arg_url;\n    }\n    location /p2/ { proxy_pass http://$http_x_backend$request_uri; }\n    location ~ ^/p3/(.*)/(.*)$ { proxy_pass http://$1/$2; }\n    location /p4/ {\n        set $target $cookie_srv;\n        proxy_pass http://$target;\n    }\n',
      );
      assert.deepEqual(pairs(text), [
        ['$arg_url', `proxy_pass takes the upstream host from $arg_url, the "url" query argument${SSRF}`],
        ['$http_x_backend', `proxy_pass takes the upstream host from $http_x_backend, the X-Backend request header${SSRF}`],
        ['$1', `proxy_pass takes the upstream host from $1, captured by (.*) from the request path${SSRF}`],
        ['$target', `proxy_pass takes the upstream host from $target (set from $cookie_srv), the "srv" cookie${SSRF}`],
      ]);
    });

    it('stays quiet for internal locations, paths, fixed words and variables set from the configuration', () => {
      assertQuiet(
        server(
          '    location /p5/ { internal; proxy_pass $arg_some; }\n    location /p6/ { proxy_pass http://backend$request_uri; }\n    location ~ ^/p7/(.*)$ { proxy_pass http://static.example.com/$1; }\n    location ~ ^/p8/(a|b)/ { proxy_pass http://$1.internal; }\n    location ~ ^/p9(/.*)$ { proxy_pass http://backend$1; }\n    location / {\n        set $upstream "http://backend$request_uri";\n        proxy_pass $upstream;\n    }\n    location /internal/ {\n        internal;\n        location /internal/nested/ { proxy_pass http://$arg_host; }\n    }\n',
        ),
      );
    });
  });

  describe('valid_referers none', () => {
    const MESSAGE =
      'valid_referers none counts a request without a Referer header as valid, and any page can make the browser leave Referer out (Referrer-Policy: no-referrer, a link from https to http): a check against forged requests then stops no one; remove none unless the check only keeps other sites from embedding files';

    it('flags none, as info, and removes it when the line has more', () => {
      const text = server('    valid_referers none blocked server_names *.example.com;\n');
      assert.deepEqual(seen(RULE, SITE, text), [{ underlined: 'none', message: MESSAGE, severity: 'info' }]);
      assert.equal(assertFixRoundTrip(RULE, SITE, text), text.replace('none blocked', 'blocked'));
      const last = server('    valid_referers server_names none;\n');
      assert.equal(assertFixRoundTrip(RULE, SITE, last), last.replace('server_names none', 'server_names'));
    });

    it('offers no fix when none is all the line has, and is quiet without it', () => {
      assert.deepEqual(findingsOf(RULE, SITE, server('    valid_referers none;\n')).map((f) => f.fixes.length), [0]);
      assertQuiet(server('    valid_referers server_names *.example.com;\n'));
    });
  });

  describe('Origin and Referer regexes', () => {
    it('shows the addresses an unescaped, unanchored regex lets through', () => {
      const text = server('    if ($http_origin ~ example.com) {\n        add_header Access-Control-Allow-Origin $http_origin;\n    }\n');
      assert.deepEqual(pairs(text), [
        [
          'example.com',
          'this Origin check also accepts https://example.com.evil.net and https://evilexample.com, addresses anyone can set up: nothing after example.com ends the host name (follow it with $); nothing before example.com marks where the host name begins (put it right after ^https://, or after ([a-z0-9-]+\\.)* for subdomains)',
        ],
        ['.', '"." matches any character, so this Origin check also accepts https://example-com; write "\\." for each dot of a host name'],
      ]);
    });

    it('underlines the dot that lets a foreign domain in, and escapes every dot of the host', () => {
      const text = server('    if ($http_origin ~* "^https://www.example.com$") {\n        add_header Access-Control-Allow-Origin $http_origin;\n    }\n');
      const [finding] = findingsOf(RULE, SITE, text);
      assert.deepEqual(pairs(text), [['.', '"." matches any character, so this Origin check also accepts https://www-example.com; write "\\." for each dot of a host name']]);
      assert.equal(finding!.range.start.character, text.split('\n')[2]!.indexOf('www.') + 3);
      assert.equal(finding!.fixes[0]!.safe, true);
      assert.equal(assertFixRoundTrip(RULE, SITE, text), text.replace('www.example.com', 'www\\.example\\.com'));
    });

    it('finds the dot in the source past the escapes the nginx reader removes', () => {
      // Written \\/ in quotes, nginx reads \/: the value is shorter than the text.
      const text = server('    if ($http_origin ~ "^https:\\\\/\\\\/www.example\\\\.com$") {\n        add_header Access-Control-Allow-Origin $http_origin;\n    }\n');
      assert.deepEqual(underlines(text), ['.']);
      assert.equal(assertFixRoundTrip(RULE, SITE, text), text.replace('www.example', 'www\\.example'));
    });

    it('checks Referer regexes as URLs with a path, in if and its negation', () => {
      const text = server('    if ($http_referer !~ "https://example\\.com/") {\n        return 403;\n    }\n    if ($http_referer !~ ^https://example\\.com) {\n        return 403;\n    }\n');
      assert.deepEqual(pairs(text), [
        ['https://example\\.com/', 'this Referer check also accepts https://evil.net/?https://example.com/, addresses anyone can set up: the regex is not anchored with ^, so it matches inside any other address too'],
        ['^https://example\\.com', 'this Referer check also accepts https://example.com.evil.net/, addresses anyone can set up: nothing after example.com ends the host name (follow it with / or $)'],
      ]);
    });

    it('reads the regex keys of a map on $http_origin, quoted or not', () => {
      const text = `map $http_origin $cors_origin {\n    default "";\n    "~^https://(www\\.)?example\\.com$" $http_origin;\n    ~*^https://api\\.example\\.com $http_origin;\n}\n${server('    add_header Access-Control-Allow-Origin $cors_origin;\n')}`;
      assert.deepEqual(pairs(text), [
        ['^https://api\\.example\\.com', 'this Origin check also accepts https://api.example.com.evil.net, addresses anyone can set up: nothing after api.example.com ends the host name (follow it with $)'],
      ]);
    });

    it('stays quiet for anchored, escaped regexes and for regexes it cannot read', () => {
      assertQuiet(
        server(
          '    if ($http_origin ~* "^https://(www\\.)?example\\.com$") { add_header A 1; }\n    if ($http_origin ~ "^https?://([a-z0-9-]+\\.)*example\\.com(:\\d+)?$") { add_header B 1; }\n    if ($http_referer !~ "^https://example\\.com/") { return 403; }\n    if ($http_origin ~ "^https://(?!evil)example\\.com") { add_header C 1; }\n    if ($http_user_agent ~ example.com) { return 403; }\n',
        ),
      );
    });
  });

  describe('server_tokens', () => {
    it('flags on and build, as info, and turns them off', () => {
      const text = 'http {\n    server_tokens on;\n}\n';
      assert.deepEqual(seen(RULE, '/srv/deploy/nginx/nginx.conf', text), [
        {
          underlined: 'server_tokens on;',
          message: 'server_tokens on shows the nginx version in the Server header and on error pages, which tells scanners which published vulnerabilities to try; set server_tokens off',
          severity: 'info',
        },
      ]);
      assert.equal(assertFixRoundTrip(RULE, '/srv/deploy/nginx/nginx.conf', text), text.replace('on;', 'off;'));
      assert.deepEqual(underlines(server('    server_tokens build;\n')), ['server_tokens build;']);
    });

    it('is quiet for off and for the default', () => {
      assertQuiet(server('    server_tokens off;\n'));
      assertQuiet(server('    location / { return 204; }\n'));
    });
  });
});
