#!/usr/bin/env node
'use strict';
const { run } = require('../dist/cli.js');

process.exitCode = run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTerminal: Boolean(process.stdout.isTTY),
  cwd: process.cwd(),
});
