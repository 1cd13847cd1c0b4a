import { execFileSync } from 'node:child_process';

/**
 * Whether a real program the differential tests compare with is installed. CI sets
 * DEPLOYLINT_REQUIRE_ORACLES=1, which turns a missing program into a failure instead of
 * a skipped test.
 */
export function requireOracle(context: Mocha.Context, command: string, versionArgs: string[] = ['--version']): boolean {
  try {
    execFileSync(command, versionArgs, { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.DEPLOYLINT_REQUIRE_ORACLES === '1') throw new Error(`${command} is required (DEPLOYLINT_REQUIRE_ORACLES=1) but is not installed`);
    console.log(`      (skipped: ${command} is not installed)`);
    context.skip();
    return false;
  }
}
