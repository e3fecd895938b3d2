#!/usr/bin/env node
// The RouterOS language server for any LSP editor (Neovim, Helix, Emacs, Zed, ...):
//   routeros-language-server --stdio
// Also accepts --node-ipc, --socket=PORT and --pipe=NAME. The server is bundled in dist/server.js (npm run build).
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(
    'Usage: routeros-language-server --stdio\n' +
      'Language server for MikroTik RouterOS scripts (.rsc): diagnostics, quick fixes, completion, hover.\n' +
      'Transports: --stdio | --node-ipc | --socket=PORT | --pipe=NAME\n',
  );
  process.exit(0);
}
if (args.includes('--version')) {
  process.stdout.write(require('../package.json').version + '\n');
  process.exit(0);
}
if (!args.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
  process.stderr.write('routeros-language-server: name a transport, e.g. --stdio (see --help)\n');
  process.exit(2);
}
const server = path.join(__dirname, '..', 'dist', 'server.js');
if (!fs.existsSync(server)) {
  process.stderr.write(`routeros-language-server: ${server} is missing; run \`npm run build\` first\n`);
  process.exit(1);
}
require(server);
