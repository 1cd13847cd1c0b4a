import assert from 'node:assert/strict';
import { parseDocument } from '../../server/src/core/engine/document';
import { suppressionFix } from '../../server/src/core/engine/suppressions';
import { applyEdits } from '../../server/src/core/text/edits';
import { assertFixRoundTrip, lint, linter, seen } from '../helpers/lint';

const CONFIG = '/srv/app/gunicorn.conf.py';
const UNIT = '/srv/app/app.service';
const NGINX = '/etc/nginx/sites-enabled/app';
const rulesOf = (path: string, text: string) => lint(path, text).map((finding) => finding.rule);

describe('suppression comments', () => {
  it('disable-next-line silences the named rule on the next line only, the reason after " -- " ignored', () => {
    const text = '# deploylint: disable-next-line=gunicorn/unknown-setting -- read by our wrapper\nkeep_alive = 5\nkeep_alive2 = 5\n';
    assert.deepEqual(
      seen('gunicorn/unknown-setting', CONFIG, text).map((f) => f.underlined),
      ['keep_alive2'],
    );
    assert.deepEqual(seen('deploylint/unused-suppression', CONFIG, text), []);
  });

  it('disable silences a rule in the whole file, in units (# and ;) and nginx alike', () => {
    const unit = '; deploylint: disable=systemd/unknown-directive\n[Service]\nExecStart=/bin/true\nFooBar=1\nBazQux=2\n';
    assert.ok(!rulesOf(UNIT, unit).includes('systemd/unknown-directive'), rulesOf(UNIT, unit).join(', '));
    const nginx = 'server {\n    # deploylint: disable-next-line=nginx/unknown-directive\n    proxy_passs http://127.0.0.1:8000;\n}\n';
    assert.deepEqual(rulesOf(NGINX, nginx), []);
  });

  it('reports each id that covered nothing, and a misspelt one, as info; the fix takes the id and its comma', () => {
    const text = '# deploylint: disable-next-line=gunicorn/unknown-setting, gunicorn/nope\nworkers = 2\n';
    assert.deepEqual(seen('deploylint/unused-suppression', CONFIG, text), [
      { underlined: 'gunicorn/unknown-setting', severity: 'info', message: 'no gunicorn/unknown-setting finding on the next line: this suppression covers nothing' },
      { underlined: 'gunicorn/nope', severity: 'info', message: '"gunicorn/nope" is no deploylint rule: this suppression covers nothing' },
    ]);
    const once = assertFixRoundTrip('deploylint/unused-suppression', CONFIG, text);
    assert.equal(once, '# deploylint: disable-next-line=gunicorn/nope\nworkers = 2\n');
    assert.equal(assertFixRoundTrip('deploylint/unused-suppression', CONFIG, once), 'workers = 2\n');
  });

  it('offers "Suppress rule on this line", indented like the line, which silences exactly that finding', () => {
    const text = 'server {\n    location / {\n        proxy_passs http://127.0.0.1:8000;\n    }\n}\n';
    const [finding] = lint(NGINX, text);
    const document = parseDocument({ path: NGINX, text, kind: 'nginx' }, linter.knowledge);
    const fix = suppressionFix(document, finding!);
    assert.equal(fix?.title, 'Suppress nginx/unknown-directive on this line');
    const fixed = applyEdits(text, fix!.edits)!;
    assert.equal(fixed, 'server {\n    location / {\n        # deploylint: disable-next-line=nginx/unknown-directive\n        proxy_passs http://127.0.0.1:8000;\n    }\n}\n');
    assert.deepEqual(lint(NGINX, fixed), []);
  });

  it('is not offered where deploylint reads no comments (a Procfile)', () => {
    const path = '/srv/app/Procfile';
    const text = 'web: gunicorn --reload app:app\n';
    const [finding] = lint(path, text);
    assert.ok(finding);
    assert.equal(suppressionFix(parseDocument({ path, text, kind: 'gunicorn' }, linter.knowledge), finding), undefined);
  });
});
