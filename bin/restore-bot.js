#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so `npx restore-bot …` works right after `npm ci` with no build step.
require('tsx/cjs');
const { main } = require('../src/cli.ts');

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
