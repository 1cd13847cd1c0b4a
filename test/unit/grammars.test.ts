import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { INITIAL, Registry, parseRawGrammar, type IGrammar } from 'vscode-textmate';
import { createOnigScanner, createOnigString, loadWASM } from 'vscode-oniguruma';

/** The grammars as VS Code runs them: vscode-textmate over the Oniguruma engine. */
async function loadGrammar(scopeName: string, path: string): Promise<IGrammar> {
  const registry = new Registry({
    onigLib: Promise.resolve({ createOnigScanner, createOnigString }),
    loadGrammar: async (scope) => (scope === scopeName ? parseRawGrammar(readFileSync(path, 'utf8'), path) : null),
  });
  return (await registry.loadGrammar(scopeName))!;
}

/** Each token of each line as `text → innermost scope`. */
function tokens(grammar: IGrammar, text: string): string[] {
  let state = INITIAL;
  const result: string[] = [];
  for (const line of text.split('\n')) {
    const tokenized = grammar.tokenizeLine(line, state);
    for (const token of tokenized.tokens) {
      const piece = line.slice(token.startIndex, token.endIndex).trim();
      if (piece) result.push(`${piece} → ${token.scopes[token.scopes.length - 1]}`);
    }
    state = tokenized.ruleStack;
  }
  return result;
}

describe('TextMate grammars', () => {
  before(async () => {
    await loadWASM(readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer as ArrayBuffer);
  });

  it('colours nginx: blocks, directives, variables, strings, comments, numbers', async () => {
    const grammar = await loadGrammar('source.nginx', 'syntaxes/nginx.tmLanguage.json');
    const found = tokens(grammar, 'server { # site\n    listen 80;\n    proxy_set_header Host $host;\n    add_header X-A "a $b";\n    gzip on;\n}\n');
    for (const expected of [
      'server → storage.type.block.nginx',
      '{ → punctuation.section.block.begin.nginx',
      '# site → comment.line.number-sign.nginx',
      'listen → keyword.other.directive.nginx',
      '80 → constant.numeric.nginx',
      '$host → variable.other.nginx',
      '$b → variable.other.nginx',
      'on → constant.language.nginx',
      '} → punctuation.section.block.end.nginx',
    ]) {
      assert.ok(found.includes(expected), `${expected} in\n${found.join('\n')}`);
    }
  });

  it('colours the Trunk8 site without leaving a brace or a string open', async () => {
    const grammar = await loadGrammar('source.nginx', 'syntaxes/nginx.tmLanguage.json');
    const found = tokens(grammar, readFileSync('examples/trunk8/nginx/sites-available/trunk8', 'utf8'));
    assert.ok(found.includes('limit_req_zone → keyword.other.directive.nginx'));
    assert.equal(found[found.length - 1], '} → punctuation.section.block.end.nginx');
  });

  it('colours systemd units: sections, keys, continuations, specifiers, variables', async () => {
    const grammar = await loadGrammar('source.systemd', 'syntaxes/systemd.tmLanguage.json');
    const found = tokens(grammar, '# unit\n[Service]\nUser=%i\nExecStart=-/usr/bin/gunicorn \\\n    --workers $WORKERS app:app\nRestart=always\nNoNewPrivileges=yes\nRestartSec=5s\n');
    for (const expected of [
      '# unit → comment.line.systemd',
      'Service → entity.name.section.systemd',
      'User → variable.other.key.systemd',
      '%i → constant.other.placeholder.specifier.systemd',
      '- → keyword.operator.exec-prefix.systemd',
      '\\ → constant.character.escape.continuation.systemd',
      '$WORKERS → variable.other.environment.systemd',
      'yes → constant.language.systemd',
      '5s → constant.numeric.systemd',
    ]) {
      assert.ok(found.includes(expected), `${expected} in\n${found.join('\n')}`);
    }
    // The continuation line belongs to ExecStart, so "--workers" is no key.
    assert.ok(!found.some((token) => token.startsWith('--workers') && token.includes('key')));
  });
});
