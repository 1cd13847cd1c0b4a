import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { Linter } from '../../server/src/core/linter';
import { Session } from '../../server/src/lsp/session';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import type { Finding } from '../../server/src/core/model/finding';

const SITE = resolve('examples/trunk8/nginx/sites-available/trunk8');
const MAIN = resolve('examples/trunk8/nginx/nginx.conf');
const UNIT = resolve('examples/trunk8/trunk8.service');

/** What gets typed into a site: pieces that matter to nginx's reader, and whole lines a user writes. */
const TYPED = [
  '{', '}', ';', '"', '#', '$', ' ', '\n', 'x', 'proxy_set_header Host $http_host;\n', 'location /api/ {\n    proxy_pass http://127.0.0.1:8001;\n}\n', 'keepalive 8;',
  // Another release: the directives kept from the keystroke before must be looked up again.
  '\n# deploylint: host nginx=1.0\n',
];

const edits = fc.array(
  fc.tuple(fc.noBias(fc.integer({ min: 0, max: 1000 })), fc.nat({ max: 8 }), fc.array(fc.constantFrom(...TYPED), { maxLength: 3 }).map((pieces) => pieces.join(''))),
  { minLength: 1, maxLength: 6 },
);

function opened(linter: Linter, site: string): Session {
  const session = new Session(linter);
  session.update(pathToFileURL(MAIN).href, 'nginx', 0, readFileSync(MAIN, 'utf8'));
  session.update(pathToFileURL(UNIT).href, 'systemd-unit-file', 0, readFileSync(UNIT, 'utf8'));
  session.update(pathToFileURL(SITE).href, 'nginx', 0, site);
  return session;
}

/**
 * The editor's path: every keystroke builds on the parse of the one before (an nginx parse
 * is taken over and moved in place). Whatever the edits, the findings must be those of a
 * session that opens the final text afresh.
 */
describe('Session: edits, one after another', () => {
  it('gives the findings a fresh session gives for the same text', () => {
    const linter = new Linter();
    const uri = pathToFileURL(SITE).href;
    fc.assert(
      fc.property(edits, (steps) => {
        let text = readFileSync(SITE, 'utf8');
        const session = opened(linter, text);
        session.check(uri, DEFAULT_SETTINGS);
        steps.forEach(([place, deleted, inserted], index) => {
          const at = Math.floor((place / 1000) * text.length);
          text = text.slice(0, at) + inserted + text.slice(at + deleted);
          session.update(uri, 'nginx', index + 1, text);
          assert.deepEqual(session.check(uri, DEFAULT_SETTINGS), opened(linter, text).check(uri, DEFAULT_SETTINGS), JSON.stringify(text));
        });
      }),
      { seed: 31_337, numRuns: 60 },
    );
  });

  it('in a unit too: findings after each edit are those of a fresh session', () => {
    const linter = new Linter();
    const uri = pathToFileURL(UNIT).href;
    const typed = ['\n', '=', '\\', '#', 'x', 'Restart=always\n', '[Install]\n', 'MemoryMax=1G\n', 'Environment=DB_PASSWORD=hunter2\n'];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.noBias(fc.integer({ min: 0, max: 1000 })), fc.nat({ max: 8 }), fc.array(fc.constantFrom(...typed), { maxLength: 2 }).map((pieces) => pieces.join(''))), { minLength: 1, maxLength: 6 }),
        (steps) => {
          let text = readFileSync(UNIT, 'utf8');
          const session = opened(linter, readFileSync(SITE, 'utf8'));
          session.check(uri, DEFAULT_SETTINGS);
          steps.forEach(([place, deleted, inserted], index) => {
            const at = Math.floor((place / 1000) * text.length);
            text = text.slice(0, at) + inserted + text.slice(at + deleted);
            session.update(uri, 'systemd-unit-file', index + 1, text);
            const fresh = opened(linter, readFileSync(SITE, 'utf8'));
            fresh.update(uri, 'systemd-unit-file', 0, text);
            assert.deepEqual(session.check(uri, DEFAULT_SETTINGS), fresh.check(uri, DEFAULT_SETTINGS), JSON.stringify(text));
          });
        },
      ),
      { seed: 4_711, numRuns: 60 },
    );
  });

  it('a release declared between two keystrokes applies to the blocks the keystroke did not touch', () => {
    const linter = new Linter();
    const uri = pathToFileURL(SITE).href;
    const text = readFileSync(SITE, 'utf8');
    const session = opened(linter, text);
    const before = session.check(uri, DEFAULT_SETTINGS);
    const declared = `# deploylint: host nginx=1.0\n${text}`;
    session.update(uri, 'nginx', 1, declared);
    const after = session.check(uri, DEFAULT_SETTINGS);
    assert.deepEqual(after, opened(linter, declared).check(uri, DEFAULT_SETTINGS));
    const missing = (findings: typeof before) => findings.filter((finding) => finding.message.includes('does not exist in nginx 1.0'));
    assert.equal(missing(before).length, 0);
    assert.ok(missing(after).length > 0);
  });

  it('a site moved into http by an edit of nginx.conf is placed again, though the site was not edited', () => {
    const session = new Session(new Linter());
    const main = pathToFileURL('/srv/moved/nginx/nginx.conf').href;
    const site = pathToFileURL('/srv/moved/nginx/sites-enabled/app').href;
    const siteText = 'server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n';
    session.update(site, 'nginx', 0, siteText);
    session.update(main, 'nginx', 0, 'events {}\ninclude /srv/moved/nginx/sites-enabled/app;\nhttp {\n}\n');
    const misplaced = session.check(site, DEFAULT_SETTINGS).map((finding) => finding.message);
    assert.ok(misplaced.includes('"server" directive is not allowed in the main context; it belongs in http, upstream, mail, stream, stream upstream'), misplaced.join('\n'));
    session.update(main, 'nginx', 1, 'events {}\nhttp {\n    include /srv/moved/nginx/sites-enabled/app;\n}\n');
    const placed = session.check(site, DEFAULT_SETTINGS).map((finding) => finding.message);
    assert.ok(!placed.some((message) => message.includes('not allowed')), placed.join('\n'));
  });

  it('a check under way keeps reading the parse it started with when another document is edited', () => {
    const session = new Session(new Linter());
    const main = pathToFileURL('/ws/nginx/nginx.conf').href;
    const headers = pathToFileURL('/ws/nginx/headers.conf').href;
    const mainText = 'events {}\nhttp {\n    include /ws/nginx/headers.conf;\n    server {\n        listen 80;\n        location / {\n            add_header X-A a;\n        }\n    }\n}\n';
    session.update(headers, 'nginx', 1, 'add_header X-Frame-Options DENY;\n');
    session.update(main, 'nginx', 1, mainText);
    const relatedOf = (findings: Finding[]) => findings.filter((finding) => finding.rule === 'nginx/add-header-inheritance').map((finding) => finding.related.map((related) => related.range));
    const expected = relatedOf(session.check(main, DEFAULT_SETTINGS));
    assert.ok(expected.flat().length > 0, 'no related location in headers.conf');

    const check = session.checkByRule(main, DEFAULT_SETTINGS)!;
    check.steps.next();
    // Pushes the header down three lines; the check under way was built on the old text.
    session.update(headers, 'nginx', 2, '# a comment pushing it down\n\n\nadd_header X-Frame-Options DENY;\n');
    let step = check.steps.next();
    while (!step.done) step = check.steps.next();
    assert.deepEqual(relatedOf(step.value), expected);
    // The next check sees the edit.
    assert.deepEqual(
      relatedOf(session.check(main, DEFAULT_SETTINGS)).flat().map((range) => range.start.line),
      expected.flat().map((range) => range.start.line + 3),
    );
  });

  it('hands the parse over again once a check under way has ended, finished or stopped', () => {
    const session = new Session(new Linter());
    const uri = pathToFileURL('/ws/nginx/sites-enabled/app').href;
    const text = 'server {\n    listen 80;\n}\nserver {\n    listen 81;\n}\n';
    session.update(uri, 'nginx', 1, text);
    const firstServer = () => session.featureContext(uri, DEFAULT_SETTINGS)!.document.nginx!.directives[0];
    const kept = firstServer();
    const check = session.checkByRule(uri, DEFAULT_SETTINGS)!;
    check.steps.next();
    session.update(uri, 'nginx', 2, `${text}# x\n`);
    // Parsed afresh while the check was under way.
    assert.notEqual(firstServer(), kept);
    check.steps.return([]);
    const reparsed = firstServer();
    session.update(uri, 'nginx', 3, `${text}# xy\n`);
    assert.equal(firstServer(), reparsed);
  });
});
