import assert from 'node:assert/strict';
import { parseNginx } from '../../server/src/core/formats/nginx/parser';
import { blockNames, childrenNamed, directiveAt, directivesNamed, lastChildNamed, walkNginx } from '../../server/src/core/formats/nginx/walk';

const TEXT = [
  'http {',
  '    server {',
  '        listen 80;',
  '        location / {',
  '            proxy_pass http://app;',
  '        }',
  '        listen 8080;',
  '    }',
  '    map $a $b { default 0; }',
  '}',
  'events {}',
].join('\n');

describe('walkNginx and helpers', () => {
  const file = parseNginx(TEXT);

  it('visits in source order with the blocks around each directive', () => {
    const seen: string[] = [];
    walkNginx(file.directives, (directive, ancestors) => {
      seen.push(`${blockNames(ancestors).join('>')}|${directive.name}`);
    });
    assert.deepEqual(seen, ['|http', 'http|server', 'http>server|listen', 'http>server|location', 'http>server>location|proxy_pass', 'http>server|listen', 'http|map', 'http>map|default', '|events']);
  });

  it('skips a block when the visitor answers false', () => {
    const seen: string[] = [];
    walkNginx(file.directives, (directive) => {
      seen.push(directive.name);
      return directive.name !== 'map';
    });
    assert.ok(!seen.includes('default'));
    assert.ok(seen.includes('proxy_pass'));
  });

  it('finds directives by name at any depth, and children of one block', () => {
    assert.deepEqual(directivesNamed(file.directives, 'listen').map((d) => d.args[0]!.value), ['80', '8080']);
    const server = directivesNamed(file.directives, 'server')[0]!;
    assert.equal(childrenNamed(server, 'listen').length, 2);
    assert.equal(lastChildNamed(server, 'listen')!.args[0]!.value, '8080');
    assert.equal(lastChildNamed(server, 'root'), undefined);
  });

  it('finds the children of a block by name alike in a small block and in one of thousands', () => {
    for (const count of [3, 5_000]) {
      const servers = Array.from({ length: count }, (_, index) => `server { listen ${index}; }`).join('\n');
      const [http] = parseNginx(`http {\n${servers}\nset $a 1;\nserver_tokens off;\nset $a 2;\n}\n`).directives;
      assert.equal(childrenNamed(http!, 'server').length, count);
      assert.deepEqual(childrenNamed(http!, 'set').map((set) => set.args[1]!.value), ['1', '2']);
      assert.deepEqual(childrenNamed(http!, 'listen'), []);
    }
  });

  it('finds the directive at an offset and the blocks around it', () => {
    const at = (needle: string) => directiveAt(file.directives, TEXT.indexOf(needle));
    const proxy = at('http://app');
    assert.equal(proxy.directive!.name, 'proxy_pass');
    assert.deepEqual(blockNames(proxy.ancestors), ['http', 'server', 'location']);
    const inServer = directiveAt(file.directives, TEXT.indexOf('        listen 8080') + 2);
    assert.equal(inServer.directive!.name, 'server');
    assert.deepEqual(blockNames(inServer.ancestors), ['http']);
    assert.equal(directiveAt(file.directives, TEXT.length + 5).directive, undefined);
  });

  it('finds the directive at an offset 100,000 blocks deep, without recursion', () => {
    const depth = 100_000;
    const deep = `${'a {'.repeat(depth)}x;${'}'.repeat(depth)}`;
    const found = directiveAt(parseNginx(deep).directives, deep.indexOf('x;'));
    assert.equal(found.directive!.name, 'x');
    assert.equal(found.ancestors.length, depth);
  });
});
