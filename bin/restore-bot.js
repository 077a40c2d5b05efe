#!/usr/bin/env node
// restify 11 reads process.binding('http_parser') at load (DEP0111): harmless, and noise in every command's
// output, so that one warning is dropped; every other warning is printed as usual.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const code = typeof rest[0] === 'object' && rest[0] !== null ? rest[0].code : rest[1];
  if (code === 'DEP0111') return;
  return emitWarning.call(process, warning, ...rest);
};

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
