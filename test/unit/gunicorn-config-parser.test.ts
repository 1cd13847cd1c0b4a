import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseGunicornConfig } from '../../server/src/core/formats/gunicorn/config-parser';
import { evaluate, toPython } from '../../server/src/core/formats/gunicorn/value';
import { underlined } from '../helpers/text';

const example = (path: string) => readFileSync(`examples/${path}`, 'utf8');

describe('parseGunicornConfig', () => {
  it('reads the PXE server config of seed 002 with every binding and its exact span', () => {
    const text = example('nutanix-pxe/gunicorn.conf.py');
    const config = parseGunicornConfig(text);
    assert.deepEqual(config.problems, []);
    const names = config.bindings.map((binding) => binding.name);
    assert.equal(names.filter((name) => name === 'tmp_upload_dir').length, 2);
    assert.equal(names.filter((name) => name === 'worker_tmp_dir').length, 2);
    assert.equal(names.filter((name) => name === 'max_worker_memory').length, 2);
    const umask = config.bindings.find((binding) => binding.name === 'umask')!;
    assert.equal(underlined(text, umask.statementSpan), 'umask = 0');
    assert.deepEqual(umask.value, { kind: 'number', value: 0, integer: true });
    const preFork = config.bindings.find((binding) => binding.name === 'pre_fork')!;
    assert.equal(preFork.form, 'function');
    assert.deepEqual(preFork.parameters?.map((p) => p.name), ['server', 'worker']);
    assert.deepEqual(preFork.attributeReads?.map((read) => underlined(text, read.span)), ['server.log', 'worker.pid']);
    assert.deepEqual(config.imports.map((i) => i.target), ['multiprocessing']);
  });

  it('keeps cpu_count() symbolic and evaluates it for a declared machine', () => {
    const config = parseGunicornConfig('import multiprocessing as mp\nworkers = mp.cpu_count() * 2 + 1\n');
    const workers = config.bindings[0]!.value;
    assert.equal(toPython(workers), 'multiprocessing.cpu_count() * 2 + 1');
    assert.deepEqual(evaluate(workers, { cpus: 4 }), { kind: 'number', value: 9, integer: true });
    assert.equal(evaluate(workers).kind, 'arith');
  });

  it('models os.environ.get with its fallback, and int() over it', () => {
    const config = parseGunicornConfig(
      'import os\nfrom os import getenv\nworkers = int(os.environ.get("WORKERS", "3"))\nbind = getenv("BIND")\nport = os.environ["PORT"]\n',
    );
    const [workers, bind, port] = config.bindings;
    assert.equal(toPython(workers!.value), 'int(os.environ.get("WORKERS", "3"))');
    assert.deepEqual(evaluate(workers!.value, { environment: () => undefined }), { kind: 'number', value: 3, integer: true });
    assert.deepEqual(evaluate(workers!.value, { environment: () => '5' }), { kind: 'number', value: 5, integer: true });
    assert.deepEqual(bind!.value, { kind: 'env', name: 'BIND' });
    assert.deepEqual(port!.value, { kind: 'env', name: 'PORT' });
  });

  it('folds constants: strings, f-strings over module constants, lists, dicts, octal', () => {
    const text = [
      'host = "127.0.0.1"',
      'port = 8000',
      'bind = f"{host}:{port}"',
      'also = "a" "b" + r"\\d"',
      'umask = 0o22',
      'raw_env = ["A=1", \'B=2\']',
      'headers = {"X-FORWARDED-PROTO": "https"}',
      'big = 1_000 * 2',
      'neg = -5',
      'truthy = not False',
    ].join('\n');
    const values = Object.fromEntries(parseGunicornConfig(text).bindings.map((b) => [b.name, b.value]));
    assert.deepEqual(values.bind, { kind: 'string', value: '127.0.0.1:8000' });
    assert.deepEqual(values.also, { kind: 'string', value: 'ab\\d' });
    assert.deepEqual(values.umask, { kind: 'number', value: 18, integer: true });
    assert.equal(toPython(values.raw_env!), '["A=1", "B=2"]');
    assert.equal(toPython(values.headers!), '{"X-FORWARDED-PROTO": "https"}');
    assert.deepEqual(values.big, { kind: 'number', value: 2000, integer: true });
    assert.deepEqual(values.neg, { kind: 'number', value: -5, integer: true });
    assert.deepEqual(values.truthy, { kind: 'bool', value: true });
  });

  it('marks bindings inside top-level blocks as conditional, and ignores function bodies', () => {
    const text = 'if DEBUG:\n    reload = True\nelse:\n    reload = False\ndef helper():\n    workers = 99\n    return 1\n';
    const config = parseGunicornConfig(text);
    assert.deepEqual(
      config.bindings.map((b) => [b.name, b.conditional]),
      [
        ['reload', true],
        ['reload', true],
        ['helper', false],
      ],
    );
  });

  it('tells helpers apart from settings by whether a name is read', () => {
    const text = 'base = 2\nworkers = base * 2\nunused = 1\ndef on_starting(server):\n    server.log.info(unused_inner)\n';
    const config = parseGunicornConfig(text);
    assert.ok(config.namesRead.has('base'));
    assert.ok(!config.namesRead.has('unused'));
    assert.ok(!config.namesRead.has('workers'));
  });

  it('reads parameters the way gunicorn counts a hook arity', () => {
    const config = parseGunicornConfig('def post_request(worker, req, *args, env=None, **kw): pass\npost_fork = lambda server, worker: None\n');
    const [postRequest, postFork] = config.bindings;
    assert.deepEqual(
      postRequest!.parameters!.map((p) => `${p.name}:${p.kind}`),
      ['worker:positional', 'req:positional', 'args:var-positional', 'env:keyword-only', 'kw:var-keyword'],
    );
    assert.deepEqual(postFork!.parameters!.map((p) => p.name), ['server', 'worker']);
    assert.equal(postFork!.form, 'assignment');
  });

  it('records tuple and chained assignments as sharing a statement', () => {
    const config = parseGunicornConfig('a = b = 4\nx, y = 1, 2\n');
    assert.deepEqual(
      config.bindings.map((b) => [b.name, b.sharedStatement, toPython(b.value)]),
      [
        ['a', true, '4'],
        ['b', true, '4'],
        ['x', true, '1'],
        ['y', true, '2'],
      ],
    );
  });

  it('reports Python syntax errors and still reads the statements around them', () => {
    const text = 'workers = 2\nbind = (\nthreads = 4\numask = 0022\n';
    const config = parseGunicornConfig(text);
    assert.ok(config.problems.length >= 1);
    assert.ok(config.problems.some((p) => p.message.includes('Leading zeros') && underlined(text, p.span) === '0022'));
    assert.ok(config.bindings.some((b) => b.name === 'workers'));
  });

  it('collects comments with their spans', () => {
    const text = 'workers = 2  # deploylint: disable-next-line=x\n';
    const [comment] = parseGunicornConfig(text).comments;
    assert.equal(underlined(text, comment!.span), '# deploylint: disable-next-line=x');
  });

  it('never throws on hostile input', () => {
    const inputs = ['', '\0\0\0', '('.repeat(5000), 'x = ' + '['.repeat(3000), 'def f(:\n', '"""unterminated', '\uFEFFworkers = 1', 'a=1\r\nb=2\r\n'];
    for (const input of inputs) assert.doesNotThrow(() => parseGunicornConfig(input), input.slice(0, 20));
  });
});
