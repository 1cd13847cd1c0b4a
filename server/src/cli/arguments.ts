import { parseHostOption, type HostSpec } from '../core/host/host-spec';
import { SEVERITIES, type Severity } from '../core/model/finding';

export type OutputFormat = 'text' | 'json' | 'sarif';

export interface CliOptions {
  readonly format: OutputFormat;
  readonly host?: HostSpec;
  readonly fix: boolean;
  /** Findings at or above this severity make the run exit 1; 'none' never does. */
  readonly failOn: Severity | 'none';
  readonly color: boolean | undefined;
  readonly paths: readonly string[];
}

export type ParsedArguments =
  | { readonly kind: 'run'; readonly options: CliOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'error'; readonly message: string };

export const USAGE = `Usage: deploylint [options] PATH...

Checks gunicorn configs and command lines, systemd units and nginx configs.
Folders are searched for the files deploylint reads.

Options:
  --format text|json|sarif   output format (default: text)
  --host cpus=N,memory=SIZE  the machine the files are deployed to; also
                             distro=ID (debian-12, ubuntu-24.04, ...),
                             container=true|false, worker_memory=SIZE,
                             workload=io|cpu|mixed, gunicorn=VER, systemd=VER,
                             nginx=VER, python=VER
  --fix                      apply every safe fix in place, then report what is left
  --fail-on error|warning|info|none
                             lowest severity that makes the exit code 1 (default: warning)
  --color, --no-color        force or turn off colours (default: on for a terminal)
  -h, --help                 show this help
  -v, --version              show the version

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 a usage error or a file that could not be read.
`;

export function parseArguments(argv: readonly string[]): ParsedArguments {
  let format: OutputFormat = 'text';
  let host: HostSpec | undefined;
  let fix = false;
  let failOn: Severity | 'none' = 'warning';
  let color: boolean | undefined;
  const paths: string[] = [];
  let optionsEnded = false;

  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (optionsEnded || !argument.startsWith('-') || argument === '-') {
      paths.push(argument);
      continue;
    }
    const [flag, inlineValue] = splitInline(argument);
    const value = (): string | undefined => inlineValue ?? argv[++index];
    switch (flag) {
      case '--':
        optionsEnded = true;
        break;
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '-v':
      case '--version':
        return { kind: 'version' };
      case '--fix':
        fix = true;
        break;
      case '--color':
        color = true;
        break;
      case '--no-color':
        color = false;
        break;
      case '--format': {
        const chosen = value();
        if (chosen !== 'text' && chosen !== 'json' && chosen !== 'sarif') {
          return { kind: 'error', message: `--format takes text, json or sarif, not ${describe(chosen)}` };
        }
        format = chosen;
        break;
      }
      case '--host': {
        const spec = value();
        if (spec === undefined) return { kind: 'error', message: '--host needs a value such as cpus=2,memory=1G' };
        const parsed = parseHostOption(spec);
        if ('error' in parsed) return { kind: 'error', message: `--host: ${parsed.error}` };
        host = parsed;
        break;
      }
      case '--fail-on': {
        const chosen = value();
        if (chosen !== 'none' && !(SEVERITIES as readonly (string | undefined)[]).includes(chosen)) {
          return { kind: 'error', message: `--fail-on takes error, warning, info or none, not ${describe(chosen)}` };
        }
        failOn = chosen as Severity | 'none';
        break;
      }
      default:
        return { kind: 'error', message: `unknown option ${flag}` };
    }
  }
  if (paths.length === 0) return { kind: 'error', message: 'no PATH given: name the files or folders to check' };
  return { kind: 'run', options: { format, ...(host ? { host } : {}), fix, failOn, color, paths } };
}

function splitInline(argument: string): [string, string | undefined] {
  if (!argument.startsWith('--')) return [argument, undefined];
  const equals = argument.indexOf('=');
  return equals < 0 ? [argument, undefined] : [argument.slice(0, equals), argument.slice(equals + 1)];
}

function describe(value: string | undefined): string {
  return value === undefined ? 'nothing' : `"${value}"`;
}
