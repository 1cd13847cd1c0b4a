import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { DeploylintServer } from './server';

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe', '--clientProcessId'];

/**
 * Entry of `deploylint-language-server`: VS Code starts it over node IPC, other editors
 * with `--stdio`. createConnection reads the transport from the arguments.
 */
export function main(argv: readonly string[]): void {
  if (!argv.some((argument) => TRANSPORTS.some((transport) => argument.startsWith(transport)))) {
    process.stderr.write('Usage: deploylint-language-server --stdio\n  (or --node-ipc, --socket=PORT, --pipe=NAME, as the client chooses)\n');
    process.exitCode = 2;
    return;
  }
  new DeploylintServer(createConnection(ProposedFeatures.all)).listen();
}

// VS Code forks this bundle directly; the bin script requires it and calls main itself.
if (require.main === module) main(process.argv.slice(2));
