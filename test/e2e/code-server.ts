import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * VS Code's server build, to run the extension in a real VS Code on machines that
 * cannot download VS Code itself. 4.100.3 (VS Code 1.100.3) is the newest that runs on
 * Node 20.
 */
export const CODE_SERVER_VERSION = '4.100.3';

/** @vscode/ripgrep, which code-server installs, downloads rg from GitHub unless its cache holds one. */
const RIPGREP_PACKAGE = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

export function cacheFolder(): string {
  return process.env.DEPLOYLINT_E2E_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'deploylint-e2e');
}

/** The code-server executable, installed into the cache folder on first use (about a minute). */
export function ensureCodeServer(log: (line: string) => void): string {
  const folder = join(cacheFolder(), `code-server-${CODE_SERVER_VERSION}`);
  const executable = join(folder, 'node_modules', '.bin', 'code-server');
  if (existsSync(executable)) return executable;
  log(`installing code-server ${CODE_SERVER_VERSION} into ${folder}`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), '{"name":"deploylint-e2e-code-server","private":true}\n');
  seedRipgrepCache();
  execFileSync('npm', ['install', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: folder,
    stdio: 'inherit',
    // Its install builds native modules and runs scripts as root.
    env: { ...process.env, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' },
  });
  return executable;
}

/** Puts Debian's rg where @vscode/ripgrep looks for a cached download. */
function seedRipgrepCache(): void {
  const cache = join(tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PACKAGE}`);
  if (existsSync(join(cache, RIPGREP_ASSET))) return;
  if (!existsSync('/usr/bin/rg')) throw new Error('ripgrep is needed to install code-server offline: apt-get install -y ripgrep');
  mkdirSync(cache, { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), 'rg-'));
  copyFileSync('/usr/bin/rg', join(staging, 'rg'));
  execFileSync('tar', ['czf', join(cache, RIPGREP_ASSET), '-C', staging, 'rg']);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface CodeServerOptions {
  readonly executable: string;
  readonly workspace: string;
  readonly extensionsDir: string;
  readonly log: (line: string) => void;
}

/** One code-server, with its own home, settings and extensions, in its own process group. */
export class CodeServer {
  private constructor(
    private readonly process: ChildProcess,
    readonly url: string,
  ) {}

  static async start(options: CodeServerOptions): Promise<CodeServer> {
    const root = mkdtempSync(join(tmpdir(), 'deploylint-code-server-'));
    const userData = join(root, 'user-data');
    mkdirSync(join(userData, 'User'), { recursive: true });
    writeFileSync(
      join(userData, 'User', 'settings.json'),
      JSON.stringify({
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoUpdate': false,
        'workbench.tips.enabled': false,
        'security.workspace.trust.enabled': false,
      }),
    );
    const config = join(root, 'config.yaml');
    writeFileSync(config, 'auth: none\n');
    const port = await freePort();
    const child = spawn(
      options.executable,
      [
        '--auth', 'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--bind-addr', `127.0.0.1:${port}`,
        '--user-data-dir', userData,
        '--extensions-dir', options.extensionsDir,
        '--config', config,
        options.workspace,
      ],
      {
        // A process group of its own, so stopping it stops the extension host and the language server too.
        detached: true,
        env: { ...process.env, HOME: join(root, 'home'), XDG_CONFIG_HOME: join(root, 'config'), XDG_DATA_HOME: join(root, 'data'), XDG_CACHE_HOME: join(root, 'cache'), TMPDIR: join(root, 'tmp') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    for (const name of ['home', 'config', 'data', 'cache', 'tmp']) mkdirSync(join(root, name), { recursive: true });
    child.stdout!.on('data', (chunk: Buffer) => options.log(`[code-server] ${chunk.toString().trimEnd()}`));
    child.stderr!.on('data', (chunk: Buffer) => options.log(`[code-server] ${chunk.toString().trimEnd()}`));
    const server = new CodeServer(child, `http://127.0.0.1:${port}`);
    await server.waitUntilHealthy();
    return server;
  }

  private async waitUntilHealthy(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) throw new Error(`code-server exited with ${this.process.exitCode}`);
      try {
        if ((await fetch(`${this.url}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error('code-server did not become healthy within 60 s');
  }

  /** Stops the whole group: politely, then for good. */
  async stop(): Promise<void> {
    const group = -this.process.pid!;
    try {
      process.kill(group, 'SIGTERM');
    } catch {
      return; // already gone
    }
    const deadline = Date.now() + 3_000;
    while (this.process.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      process.kill(group, 'SIGKILL');
    } catch {
      // the group has ended
    }
  }
}

/** Installs a .vsix into an extensions folder, as a user would. */
export function installExtension(executable: string, extensionsDir: string, vsix: string): void {
  execFileSync(executable, ['--extensions-dir', extensionsDir, '--install-extension', vsix], { stdio: 'ignore' });
}
