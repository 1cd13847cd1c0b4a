import fc from 'fast-check';
import type { NginxDirective, NginxFile } from '../../server/src/core/formats/nginx/model';

/** A directive as a generator wrote it: what the parser must read back. */
export interface Node {
  readonly name: string;
  readonly values: readonly string[];
  readonly children?: readonly Node[];
}

export function treeOf(file: NginxFile): Node[] {
  const convert = (directive: NginxDirective): Node => ({
    name: directive.name,
    values: directive.args.map((arg) => arg.value),
    ...(directive.block ? { children: directive.block.directives.map(convert) } : {}),
  });
  // Generated trees are shallow: plain recursion is fine here.
  return file.directives.map(convert);
}

/** A word and the value nginx reads from it. */
const bareWord = fc
  .tuple(
    fc.constantFrom('a', 'b', 'x9', '/srv', '^~', '~*', '$host', '${uri}', '127.0.0.1:80', 'on', 'https://$host$request_uri', '\\.(jpg|png)$', '(', ')'),
    fc.constantFrom('', 'z', '}', '#', "'", '"', '${x}', '\\d', '\\"'),
  )
  .map(([head, tail]) => {
    const raw = head + tail;
    return { raw, value: raw.replace(/\\(["'\\])/g, '$1') };
  });

const quotedWord = fc
  .tuple(fc.constantFrom('"', "'"), fc.array(fc.constantFrom('a', ' ', ';', '{', '}', '#', '$', '${b}', '"', "'", '\\', '\n', 't', 'é'), { maxLength: 8 }))
  .map(([quote, pieces]) => {
    const value = pieces.join('');
    const escaped = value.replace(/\\/g, '\\\\').replace(quote === '"' ? /"/g : /'/g, `\\${quote}`);
    return { raw: `${quote}${escaped}${quote}`, value };
  });

const word = fc.oneof({ arbitrary: bareWord, weight: 3 }, { arbitrary: quotedWord, weight: 2 });
const gap = fc.constantFrom(' ', '  ', '\t', '\n    ', '\r\n', ' # note; { } "\n  ');
const name = fc.constantFrom('listen', 'server_name', 'location', 'proxy_pass', 'add_header', 'set', 'if', 'upstream', 'x');

export interface Generated {
  readonly text: string;
  readonly tree: readonly Node[];
}

/** nginx configurations without syntax problems, with the tree they hold. */
export const { configuration } = fc.letrec<{ configuration: Generated; directive: Generated }>((tie) => ({
  configuration: fc
    .array(fc.tuple(tie('directive'), gap), { maxLength: 4 })
    .map((items) => ({ text: items.map(([item, after]) => item.text + after).join(''), tree: items.flatMap(([item]) => item.tree) })),
  directive: fc
    .tuple(name, fc.array(fc.tuple(gap, word), { maxLength: 4 }), fc.option(fc.tuple(gap, tie('configuration')), { depthSize: 'small' }))
    .map(([directiveName, words, body]) => {
      const head = directiveName + words.map(([before, item]) => before + item.raw).join('');
      const values = words.map(([, item]) => item.value);
      if (body === null) return { text: `${head};`, tree: [{ name: directiveName, values }] };
      const [before, inner] = body;
      return { text: `${head}${before}{${inner.text}}`, tree: [{ name: directiveName, values, children: inner.tree }] };
    }),
}));
