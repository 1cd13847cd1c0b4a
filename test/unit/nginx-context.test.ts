import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { contextOf, describeChain, inferContext, placeByPath } from '../../server/src/core/formats/nginx/context';
import { parseNginx } from '../../server/src/core/formats/nginx/parser';
import type { NginxContext } from '../../server/src/core/knowledge/types';
import { loadKnowledge } from '../../server/src/core/knowledge/tables';
import { graphOf } from '../helpers/nginx-files';

const knowledge = loadKnowledge();
const allowedIn = (name: string): readonly NginxContext[] => knowledge.nginx.named(name).flatMap((entry) => entry.contexts);

const infer = (path: string, text: string, withTable = true) => inferContext(path, parseNginx(text), withTable ? { allowedIn } : {});

describe('inferContext: from the files that include it', () => {
  const tree: Record<string, string> = {
    '/etc/nginx/nginx.conf': 'include modules-enabled/*.conf;\nevents {}\nhttp {\n    include sites-enabled/*;\n    server { include odd/conf.d/nginx.conf; }\n}\n',
    '/etc/nginx/modules-enabled/10-x.conf': 'worker_rlimit_nofile 1024;\n',
    '/etc/nginx/sites-enabled/app': 'server {\n    include snippets/common.conf;\n    location / {\n        include proxy_params;\n        include snippets/common.conf;\n    }\n}\n',
    '/etc/nginx/snippets/common.conf': 'add_header X-A a;\n',
    '/etc/nginx/proxy_params': 'proxy_set_header Host $host;\n',
    // Named like a main file and in a folder that says http: the include wins over both.
    '/etc/nginx/odd/conf.d/nginx.conf': 'listen 80;\n',
  };
  const { graph } = graphOf(tree, '/etc/nginx/nginx.conf');
  const placed = (path: string) => inferContext(path, parseNginx(tree[path] ?? ''), { graphs: [graph], allowedIn });

  it('reads a site where nginx.conf includes it', () => {
    assert.deepEqual(placed('/etc/nginx/sites-enabled/app'), {
      chain: ['http'],
      reason: 'checked as if inside http { } because nginx.conf includes it there',
      source: 'include',
      others: [],
    });
  });

  it('reads a snippet in the blocks around its include, however deep', () => {
    const params = placed('/etc/nginx/proxy_params');
    assert.deepEqual(params.chain, ['http', 'server', 'location']);
    assert.equal(params.reason, 'checked as if inside http { server { location { } } } because app includes it there');
  });

  it('names the other places a file included twice is read in', () => {
    const common = placed('/etc/nginx/snippets/common.conf');
    assert.deepEqual(common.chain, ['http', 'server']);
    assert.deepEqual(common.others, [['http', 'server', 'location']]);
    assert.equal(common.reason, 'checked as if inside http { server { } } because app includes it there (it is also read as if inside http { server { location { } } })');
  });

  it('reads a file included at the top level in the main context', () => {
    assert.deepEqual(placed('/etc/nginx/modules-enabled/10-x.conf'), {
      chain: [],
      reason: 'checked at the top level (main context) because nginx.conf includes it there',
      source: 'include',
      others: [],
    });
  });

  it('trusts the include over the file\'s name and folder', () => {
    assert.deepEqual(placed('/etc/nginx/odd/conf.d/nginx.conf').chain, ['http', 'server']);
  });

  it('does not take the root for a file it includes', () => {
    assert.equal(placed('/etc/nginx/nginx.conf').source, 'name');
  });
});

describe('inferContext: from the path', () => {
  it('reads nginx.conf as the main file', () => {
    assert.deepEqual(infer('/srv/deploy/nginx.conf', 'worker_processes 1;\n'), {
      chain: [],
      reason: 'checked as the main configuration file (nginx.conf)',
      source: 'name',
      others: [],
    });
  });

  for (const folder of ['sites-enabled', 'sites-available', 'conf.d']) {
    it(`reads files in ${folder}/ inside http`, () => {
      const placement = infer(`/etc/nginx/${folder}/app.conf`, 'location / { }\n');
      assert.deepEqual(placement.chain, ['http']);
      assert.equal(placement.reason, `checked as if inside http { } because it is in ${folder}/`);
      assert.equal(placement.source, 'folder');
    });
  }

  it('reads modules-enabled/ at the top level', () => {
    assert.deepEqual(infer('/etc/nginx/modules-enabled/50-mod-http-geoip.conf', 'load_module modules/x.so;\n').chain, []);
  });

  it('reads a file with a top-level http or events block as a main file, wherever it is', () => {
    const placement = infer('/etc/nginx/conf.d/full.conf', 'events {}\nhttp {}\n');
    assert.deepEqual(placement.chain, []);
    assert.equal(placement.reason, 'checked as a main configuration file because it holds an http { } block');
  });

  it('reads the trunk8 seed site (sites-available/) inside http', () => {
    const text = readFileSync('examples/trunk8/nginx/sites-available/trunk8', 'utf8');
    assert.deepEqual(inferContext('examples/trunk8/nginx/sites-available/trunk8', parseNginx(text)).chain, ['http']);
  });
});

describe('inferContext: from what a fragment holds', () => {
  for (const withTable of [true, false]) {
    const how = withTable ? 'with the knowledge table' : 'without it';

    it(`puts top-level server and upstream blocks inside http (${how})`, () => {
      for (const path of ['examples/netmonitor/netmonitor-dashboard.nginx', 'examples/lernmanager/lernmanager.nginx']) {
        const placement = infer(path, readFileSync(path, 'utf8'), withTable);
        assert.deepEqual(placement.chain, ['http'], path);
        assert.equal(placement.source, 'content');
      }
    });

    it(`puts top-level locations inside a server (${how})`, () => {
      const placement = infer('/srv/snippets/static.conf', 'location /static/ { alias /srv/static/; }\nlocation /media/ { alias /srv/media/; }\n', withTable);
      assert.deepEqual(placement.chain, ['http', 'server']);
      assert.equal(placement.reason, 'checked as if inside http { server { } }, where its top-level directives (location) belong');
    });

    it(`puts proxy_pass inside a location (${how})`, () => {
      assert.deepEqual(infer('/srv/snippets/app.conf', 'proxy_pass http://app;\nproxy_set_header Host $host;\n', withTable).chain, ['http', 'server', 'location']);
    });

    it(`puts main-only directives at the top (${how})`, () => {
      assert.deepEqual(infer('/srv/snippets/main.conf', 'user www-data;\nworker_processes 4;\n', withTable).chain, []);
    });
  }

  it('prefers the outermost place when several fit as well', () => {
    assert.deepEqual(infer('/srv/snippets/headers.conf', 'proxy_set_header Host $host;\nproxy_set_header X-Real-IP $remote_addr;\n').chain, ['http']);
  });

  it('reads a file without directives at the top level', () => {
    assert.deepEqual(infer('/srv/snippets/empty.conf', '# nothing yet\n'), {
      chain: [],
      reason: 'checked at the top level (main context): it holds no directives',
      source: 'content',
      others: [],
    });
  });

  it('keeps placeByPath for callers without a graph', () => {
    assert.deepEqual(placeByPath('/etc/nginx/sites-enabled/x', parseNginx('server {}'), allowedIn).chain, ['http']);
  });
});

describe('contextOf and describeChain', () => {
  it('names the context a chain of blocks leads to', () => {
    assert.equal(contextOf([]), 'main');
    assert.equal(contextOf(['http', 'server', 'location', 'if']), 'lif');
    assert.equal(contextOf(['stream', 'server']), 'stream-server');
    assert.equal(contextOf(['http', 'map']), 'opaque');
    assert.equal(contextOf(['server']), undefined);
  });

  it('describes a chain the way a reason shows it', () => {
    assert.equal(describeChain([]), 'at the top level (main context)');
    assert.equal(describeChain(['http']), 'as if inside http { }');
    assert.equal(describeChain(['a', 'b', 'c', 'd', 'e', 'f', 'g']), 'as if inside a { b { … { f { g { } } } } }');
  });
});
