import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { IncludeGraph, IncludeSite } from '../../server/src/core/formats/nginx/includes';
import {
  expandGlob,
  globMatch,
  includeGraphOf,
  MAX_CONTEXT_DEPTH,
  MAX_INCLUDED_FILES,
  resolveIncludePath,
} from '../../server/src/core/formats/nginx/includes';
import { parseNginx } from '../../server/src/core/formats/nginx/parser';
import { normalizePath } from '../../server/src/core/text/paths';
import { graphOf, TestFiles } from '../helpers/nginx-files';

/** The fixture tree test/fixtures/nginx/debian, placed at /etc/nginx. */
function debianTree(): Record<string, string> {
  const files: Record<string, string> = {};
  const pending = [''];
  while (pending.length > 0) {
    const relative = pending.pop()!;
    const directory = join('test/fixtures/nginx/debian', relative);
    for (const name of readdirSync(directory)) {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) pending.push(join(relative, name));
      else files[`/etc/nginx/${join(relative, name)}`] = readFileSync(path, 'utf8');
    }
  }
  return files;
}

function site(graph: IncludeGraph, file: string, pattern: string): IncludeSite {
  const found = graph.sites.find((candidate) => candidate.file === file && candidate.directive.args[0]!.value === pattern);
  assert.ok(found, `no include of ${pattern} in ${file}`);
  return found;
}

const contextsOf = (graph: IncludeGraph, path: string) => graph.contexts.get(path)?.map((chain) => chain.join(' > '));

describe('resolveIncludes: a Debian-shaped tree', () => {
  const { graph } = graphOf(debianTree(), '/etc/nginx/nginx.conf');

  it('resolves relative includes against the prefix (the main file\'s folder by default)', () => {
    assert.equal(graph.prefix, '/etc/nginx');
    assert.deepEqual(site(graph, '/etc/nginx/nginx.conf', 'mime.types').targets, ['/etc/nginx/mime.types']);
    assert.deepEqual(site(graph, '/etc/nginx/sites-enabled/app', 'proxy_params').targets, ['/etc/nginx/proxy_params']);
  });

  it('expands globs to sorted matches', () => {
    assert.deepEqual(site(graph, '/etc/nginx/nginx.conf', 'conf.d/*.conf').targets, ['/etc/nginx/conf.d/gzip.conf', '/etc/nginx/conf.d/upstreams.conf']);
    assert.deepEqual(site(graph, '/etc/nginx/nginx.conf', 'sites-enabled/*').targets, ['/etc/nginx/sites-enabled/app', '/etc/nginx/sites-enabled/static']);
  });

  it('lists the include sites in the order nginx reads them', () => {
    assert.deepEqual(
      graph.sites.map((s) => `${s.file.replace('/etc/nginx/', '')}: ${s.directive.args[0]!.value}`),
      [
        'nginx.conf: modules-enabled/*.conf',
        'nginx.conf: mime.types',
        'nginx.conf: conf.d/*.conf',
        'nginx.conf: sites-enabled/*',
        'sites-enabled/app: snippets/security.conf',
        'sites-enabled/app: proxy_params',
        'sites-enabled/app: proxy_params',
        'sites-enabled/app: snippets/security.conf',
        'sites-enabled/static: snippets/security.conf',
      ],
    );
    assert.ok(graph.sites.every((s) => s.failures.length === 0));
    assert.deepEqual(graph.cycles, []);
    assert.equal(graph.truncated, false);
  });

  it('gives every file the blocks it is read in, once per distinct context', () => {
    assert.deepEqual(contextsOf(graph, '/etc/nginx/nginx.conf'), ['']);
    assert.deepEqual(contextsOf(graph, '/etc/nginx/modules-enabled/50-example.conf'), ['']);
    assert.deepEqual(contextsOf(graph, '/etc/nginx/mime.types'), ['http']);
    assert.deepEqual(contextsOf(graph, '/etc/nginx/sites-enabled/static'), ['http']);
    assert.deepEqual(contextsOf(graph, '/etc/nginx/proxy_params'), ['http > server > location']);
    assert.deepEqual(contextsOf(graph, '/etc/nginx/snippets/security.conf'), ['http > server', 'http > server > location']);
    assert.equal(graph.contexts.has('/etc/nginx/sites-available/app'), false, 'sites-available is not included');
    const security = site(graph, '/etc/nginx/sites-enabled/app', 'snippets/security.conf');
    assert.deepEqual(security.context, ['http', 'server']);
    assert.deepEqual(security.contexts, [['http', 'server']]);
    assert.deepEqual(
      graph.includedFrom.get('/etc/nginx/snippets/security.conf')!.map((s) => `${s.file}:${s.directive.nameSpan.start}`).length,
      3,
    );
  });

  it('keeps the include directive with its exact span', () => {
    const text = debianTree()['/etc/nginx/nginx.conf']!;
    const mime = site(graph, '/etc/nginx/nginx.conf', 'mime.types');
    assert.equal(text.slice(mime.directive.span.start, mime.directive.span.end), 'include mime.types;');
  });
});

describe('resolveIncludes: paths', () => {
  it('uses an explicit prefix for relative paths, absolute paths as written', () => {
    const { graph } = graphOf(
      { '/srv/deploy/site.conf': 'include snippets/a.conf;\ninclude /opt/b.conf;\n', '/etc/nginx/snippets/a.conf': '', '/opt/b.conf': '' },
      '/srv/deploy/site.conf',
      { prefix: '/etc/nginx/' },
    );
    assert.deepEqual(graph.sites.map((s) => s.targets), [['/etc/nginx/snippets/a.conf'], ['/opt/b.conf']]);
    assert.ok(graph.sites.every((s) => s.failures.length === 0));
  });

  it('normalises . and .. and repeated slashes', () => {
    assert.equal(resolveIncludePath('../x/./y.conf', '/etc/nginx/'), '/etc/x/y.conf');
    assert.equal(resolveIncludePath('//a//b', '/p'), '/a/b');
    assert.equal(normalizePath('/../..'), '/');
  });

  it('reports a plain path that does not exist as nginx words it', () => {
    const { graph } = graphOf({ '/etc/nginx/nginx.conf': 'http {\n    include missing.conf;\n}\n' }, '/etc/nginx/nginx.conf');
    assert.deepEqual(graph.sites[0]!.failures, [
      { reason: 'missing', path: '/etc/nginx/missing.conf', message: 'open() "/etc/nginx/missing.conf" failed (2: No such file or directory)' },
    ]);
    assert.deepEqual(graph.sites[0]!.targets, ['/etc/nginx/missing.conf']);
  });

  it('ignores include directives nginx would refuse (no file, two files) and those inside split_clients', () => {
    const { graph } = graphOf(
      { '/r.conf': 'include;\ninclude a b;\nsplit_clients $x $y { include c; }\ntypes { include mime.types; }\n', '/mime.types': '' },
      '/r.conf',
    );
    assert.deepEqual(graph.sites.map((s) => s.pattern), ['/mime.types']);
    assert.deepEqual(graph.contexts.get('/mime.types'), [['types']]);
  });
});

describe('resolveIncludes: globs, as glob(3) expands them', () => {
  const files = new TestFiles({
    '/c/a.conf': '',
    '/c/b.conf': '',
    '/c/B.conf': '',
    '/c/10.conf': '',
    '/c/9.conf': '',
    '/c/.hidden.conf': '',
    '/c/notes.txt': '',
    '/c/x*y.conf': '',
    '/c/sub/site.conf': '',
    '/c/sub/other.conf': '',
    '/c/more/site.conf': '',
    '/c/empty/readme': '',
  });

  const expand = (pattern: string) => expandGlob(pattern, files).map((path) => path.replace('/c/', ''));

  it('matches *, ? and [...] without leading dots, sorted by bytes', () => {
    assert.deepEqual(expand('/c/*.conf'), ['10.conf', '9.conf', 'B.conf', 'a.conf', 'b.conf', 'x*y.conf']);
    assert.deepEqual(expand('/c/?.conf'), ['9.conf', 'B.conf', 'a.conf', 'b.conf']);
    assert.deepEqual(expand('/c/[ab].conf'), ['a.conf', 'b.conf']);
    assert.deepEqual(expand('/c/[!ab0-9].conf'), ['B.conf']);
    assert.deepEqual(expand('/c/[[:digit:]]*.conf'), ['10.conf', '9.conf']);
    assert.deepEqual(expand('/c/.*.conf'), ['.hidden.conf']);
    assert.deepEqual(expand('/c/x\\*y.conf'), ['x*y.conf']);
  });

  it('matches directories on the way and needs literal parts after them to exist', () => {
    assert.deepEqual(expand('/c/*/site.conf'), ['more/site.conf', 'sub/site.conf']);
    assert.deepEqual(expand('/c/s*/*.conf'), ['sub/other.conf', 'sub/site.conf']);
    assert.deepEqual(expand('/c/*'), ['10.conf', '9.conf', 'B.conf', 'a.conf', 'b.conf', 'empty', 'more', 'notes.txt', 'sub', 'x*y.conf']);
  });

  it('finds nothing, without a failure, when nothing matches or the folder is missing', () => {
    assert.deepEqual(expand('/c/*.none'), []);
    assert.deepEqual(expand('/nowhere/*.conf'), []);
    assert.deepEqual(expand('/c/x['), []);
    const { graph } = graphOf(new TestFiles({ '/r.conf': 'include /nowhere/*.conf;\ninclude /r.conf[;\n' }), '/r.conf');
    assert.deepEqual(graph.sites.map((s) => [s.targets, s.failures]), [[[], []], [[], []]]);
  });

  it('reads a directory a glob matched as nginx does: it fails to read it', () => {
    const { graph } = graphOf(new TestFiles({ '/r.conf': 'include /c/*;\n', '/c/a.conf': '', '/c/d/x': '' }).fail('/c/d', 'unreadable'), '/r.conf');
    assert.deepEqual(graph.sites[0]!.failures.map((f) => [f.reason, f.path]), [['unreadable', '/c/d']]);
  });

  it('says when a folder a glob needs lies outside what may be read', () => {
    const outside = new TestFiles({ '/r.conf': 'include /etc/nginx/modules-enabled/*.conf;\n' }).fail('/etc/nginx/modules-enabled', 'outside');
    const { graph } = graphOf(outside, '/r.conf');
    assert.deepEqual(graph.sites[0]!.failures.map((f) => [f.reason, f.path]), [['outside', '/etc/nginx/modules-enabled']]);
  });

  it('matches one name against a pattern in bounded time', () => {
    const started = Date.now();
    assert.equal(globMatch('*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000)), false);
    assert.ok(Date.now() - started < 1000);
    assert.equal(globMatch('[]a]', ']'), true);
    assert.equal(globMatch('[a-]', '-'), true);
    assert.equal(globMatch('[^a]', 'b'), true);
  });
});

describe('resolveIncludes: cycles', () => {
  it('reports a file that includes itself, with the chain', () => {
    const { graph } = graphOf({ '/etc/nginx/nginx.conf': 'include nginx.conf;\n' }, '/etc/nginx/nginx.conf');
    assert.deepEqual(graph.cycles.map((c) => c.chain), [['/etc/nginx/nginx.conf', '/etc/nginx/nginx.conf']]);
    assert.deepEqual(graph.sites[0]!.failures, [
      {
        reason: 'cycle',
        path: '/etc/nginx/nginx.conf',
        chain: ['/etc/nginx/nginx.conf', '/etc/nginx/nginx.conf'],
        message: '/etc/nginx/nginx.conf → /etc/nginx/nginx.conf: nginx follows the loop until it crashes',
      },
    ]);
  });

  it('reports a loop through other files once, however many ways it is entered', () => {
    const { graph } = graphOf({ '/n/root.conf': 'include a.conf;\ninclude b.conf;\n', '/n/a.conf': 'include b.conf;\n', '/n/b.conf': 'include a.conf;\n' }, '/n/root.conf');
    assert.deepEqual(graph.cycles.map((c) => c.chain), [['/n/a.conf', '/n/b.conf', '/n/a.conf']]);
    const closing = graph.cycles[0]!.site;
    assert.equal(closing.file, '/n/b.conf');
    const all = graph.sites.flatMap((s) => s.failures);
    assert.equal(all.length, 1);
  });

  it('sees a loop through a symbolic link by the file\'s identity', () => {
    const files = new TestFiles({ '/n/root.conf': 'include link.conf;\n', '/n/real.conf': 'include link.conf;\n' }).link('/n/link.conf', '/n/real.conf');
    const { graph } = graphOf(files, '/n/root.conf');
    assert.deepEqual(graph.cycles.map((c) => c.chain), [['/n/link.conf', '/n/link.conf']]);
  });

  it('sees the root included again through a link', () => {
    const files = new TestFiles({ '/n/nginx.conf': 'http { include sites/*; }\n', '/n/sites/a': 'include /n/alias.conf;\n' }).link('/n/alias.conf', '/n/nginx.conf');
    const { graph } = graphOf(files, '/n/nginx.conf');
    assert.deepEqual(graph.cycles.map((c) => c.chain), [['/n/nginx.conf', '/n/sites/a', '/n/alias.conf']]);
  });

  it('does not call a file included twice side by side a loop', () => {
    const { graph } = graphOf({ '/n/r.conf': 'server { include s.conf; }\nserver { include s.conf; }\n', '/n/s.conf': 'listen 80;\n' }, '/n/r.conf');
    assert.deepEqual(graph.cycles, []);
    assert.deepEqual(graph.contexts.get('/n/s.conf'), [['server']]);
  });
});

describe('resolveIncludes: bounds', () => {
  it('stops after the file limit, saying so once', () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 10; index++) files[`/n/f${index}.conf`] = `include f${index + 1}.conf;\n`;
    const { graph } = graphOf(files, '/n/f0.conf', { maxFiles: 5 });
    assert.equal(graph.truncated, true);
    // The root and the five files it may include.
    assert.equal(graph.contexts.size, 6);
    const limits = graph.sites.flatMap((s) => s.failures.filter((f) => f.reason === 'limit'));
    assert.deepEqual(limits.map((f) => f.message), ['more than 5 files are included from /n/f0.conf: /n/f6.conf and the rest were not followed']);
  });

  it(`follows at most ${MAX_INCLUDED_FILES} files by default`, function () {
    this.timeout(20_000);
    const files: Record<string, string> = { '/n/nginx.conf': 'http { include conf.d/*.conf; }\n' };
    for (let index = 0; index < MAX_INCLUDED_FILES + 50; index++) files[`/n/conf.d/${String(index).padStart(5, '0')}.conf`] = 'gzip on;\n';
    const { graph } = graphOf(files, '/n/nginx.conf');
    assert.equal(graph.truncated, true);
    assert.equal(graph.contexts.size, MAX_INCLUDED_FILES + 1);
    // The glob itself stops one past the bound, where the walk says it stopped.
    assert.equal(graph.sites[0]!.targets.length, MAX_INCLUDED_FILES + 1);
    assert.equal(graph.sites[0]!.failures.length, 1);
  });

  it('stops when the text read adds up past the byte limit', () => {
    const { graph } = graphOf({ '/n/r.conf': 'include a.conf;\ninclude b.conf;\n', '/n/a.conf': `x ${'a'.repeat(100)};`, '/n/b.conf': `y ${'b'.repeat(100)};` }, '/n/r.conf', { maxBytes: 200 });
    assert.equal(graph.truncated, true);
    assert.deepEqual([...graph.contexts.keys()], ['/n/r.conf', '/n/a.conf']);
    assert.match(graph.sites[1]!.failures[0]!.message, /add up to more than 200 characters: \/n\/b\.conf/);
  });

  it('follows a chain of 5,000 includes without deep recursion', () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 5000; index++) files[`/n/f${index}.conf`] = index < 4999 ? `include f${index + 1}.conf;\n` : 'listen 80;\n';
    const { graph } = graphOf(files, '/n/f0.conf');
    assert.equal(graph.contexts.size, 5000);
    assert.equal(graph.truncated, false);
  });

  it('does not follow includes nested deeper than any real configuration', () => {
    const depth = 100_000;
    const text = `${'a {'.repeat(depth)}include x.conf;${'}'.repeat(depth)}`;
    const started = Date.now();
    const { graph } = graphOf({ '/n/r.conf': text, '/n/x.conf': '' }, '/n/r.conf');
    assert.ok(Date.now() - started < 5000);
    assert.equal(graph.sites[0]!.context.length, MAX_CONTEXT_DEPTH);
    assert.match(graph.sites[0]!.failures[0]!.message, /^include nested more than 64 blocks deep/);
    assert.equal(graph.contexts.has('/n/x.conf'), false);
  });

  it('reads each file once per distinct context, through the caller\'s cache', () => {
    const { graph, parses } = graphOf(
      { '/n/r.conf': 'server { include s.conf; include s.conf; }\nserver { include s.conf; }\n', '/n/s.conf': 'include t.conf;\n', '/n/t.conf': '' },
      '/n/r.conf',
    );
    assert.equal(parses.get('/n/s.conf'), 1);
    assert.equal(parses.get('/n/t.conf'), 1);
    assert.deepEqual(graph.contexts.get('/n/t.conf'), [['server']]);
  });
});

describe('resolveIncludes: failures from the reader', () => {
  it('keeps each failure on the include that met it', () => {
    const files = new TestFiles({ '/n/r.conf': 'include out.conf;\ninclude locked.conf;\ninclude blob.conf;\ninclude huge.conf;\ninclude out.conf;\n' })
      .fail('/n/out.conf', 'outside')
      .fail('/n/locked.conf', 'unreadable')
      .fail('/n/blob.conf', 'binary')
      .fail('/n/huge.conf', 'too-large');
    const { graph } = graphOf(files, '/n/r.conf');
    assert.deepEqual(
      graph.sites.map((s) => s.failures.map((f) => [f.reason, f.path, f.message])),
      [
        [['outside', '/n/out.conf', '/n/out.conf: outside']],
        [['unreadable', '/n/locked.conf', '/n/locked.conf: unreadable']],
        [['binary', '/n/blob.conf', '/n/blob.conf: binary']],
        [['too-large', '/n/huge.conf', '/n/huge.conf: too-large']],
        [['outside', '/n/out.conf', '/n/out.conf: outside']],
      ],
    );
  });

  it('reads the root through the same callback, and says when it cannot', () => {
    const files = new TestFiles({ '/n/r.conf': 'include a.conf;\n', '/n/a.conf': '' });
    const parse = (path: string) => {
      const read = files.read(path);
      return read.ok ? parseNginx(read.text) : read;
    };
    const graph = includeGraphOf('/n/r.conf', { files, parse });
    assert.ok('sites' in graph);
    assert.deepEqual([...graph.contexts.keys()], ['/n/r.conf', '/n/a.conf']);
    const missing = includeGraphOf('/n/none.conf', { files, parse });
    assert.ok('rootFailure' in missing);
    assert.equal(missing.rootFailure.reason, 'missing');
  });

  it('places the includes of a fragment under the context it is read in', () => {
    const { graph } = graphOf({ '/etc/nginx/sites-enabled/app': 'server { location / { include proxy_params; } }\n', '/etc/nginx/proxy_params': '' }, '/etc/nginx/sites-enabled/app', {
      prefix: '/etc/nginx',
      rootContext: ['http'],
    });
    assert.deepEqual(graph.contexts.get('/etc/nginx/proxy_params'), [['http', 'server', 'location']]);
  });
});
