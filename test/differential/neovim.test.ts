import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { requireOracle } from '../helpers/oracles';

/**
 * A client nobody here wrote: headless Neovim starts `deploylint-language-server --stdio`
 * with its built-in LSP client, opens a gunicorn config, a unit and an nginx site, and
 * writes what diagnostics it received.
 */
const LUA = `
local out, files = ...
local results, pending = {}, {}
local server = vim.fn.fnamemodify('bin/deploylint-language-server.js', ':p')
local client_id = vim.lsp.start_client({
  name = 'deploylint',
  cmd = { 'node', server, '--stdio' },
  root_dir = vim.fn.getcwd(),
  handlers = {
    ['textDocument/publishDiagnostics'] = function(_, result)
      local codes = {}
      for _, diagnostic in ipairs(result.diagnostics) do
        table.insert(codes, string.format('%d:%s', diagnostic.range.start.line + 1, diagnostic.code))
      end
      results[vim.uri_to_fname(result.uri)] = codes
    end,
  },
})
for path in string.gmatch(files, '[^,]+') do
  vim.cmd('edit ' .. path)
  vim.lsp.buf_attach_client(vim.api.nvim_get_current_buf(), client_id)
  table.insert(pending, path)
end
vim.wait(15000, function()
  for _, path in ipairs(pending) do
    if results[path] == nil or #results[path] == 0 then return false end
  end
  return true
end, 50)
local file = io.open(out, 'w')
file:write(vim.fn.json_encode(results))
file:close()
vim.cmd('qall!')
`;

describe('a second LSP client: Neovim', function () {
  this.timeout(60_000);

  it('receives the diagnostics of a gunicorn config, a unit and an nginx site over --stdio', function () {
    if (!requireOracle(this, 'nvim', ['--version'])) return;
    const folder = mkdtempSync(join(tmpdir(), 'deploylint-nvim-'));
    try {
      const files = {
        config: join(folder, 'gunicorn.conf.py'),
        unit: join(folder, 'app.service'),
        site: join(folder, 'sites-enabled', 'app'),
      };
      writeFileSync(files.config, 'workers = 2\nkeep_alive = 5\n');
      writeFileSync(files.unit, '[Service]\nExecStart=/usr/bin/app\nRestartSecs=5\n');
      mkdirSync(join(folder, 'sites-enabled'));
      writeFileSync(files.site, 'server {\n    listen 80;\n    limit_req_zone $binary_remote_addr zone=a:10m rate=1r/s;\n}\n');
      const script = join(folder, 'client.lua');
      const out = join(folder, 'results.json');
      writeFileSync(script, LUA);
      const result = spawnSync('nvim', ['--headless', '-u', 'NONE', '-c', `lua loadfile('${script}')('${out}', '${Object.values(files).join(',')}')`], {
        cwd: resolve(__dirname, '..', '..'),
        encoding: 'utf8',
        timeout: 45_000,
      });
      assert.equal(result.status, 0, result.stderr);
      const received = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string[]>;
      assert.deepEqual(received[files.config], ['2:gunicorn/unknown-setting']);
      assert.deepEqual(received[files.unit], ['3:systemd/unknown-directive']);
      assert.deepEqual(received[files.site], ['3:nginx/not-allowed-here']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
