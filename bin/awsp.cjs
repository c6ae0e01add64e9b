#!/bin/sh
':' //; ulimit -S -c 0 2>/dev/null; exec node --inspect-port=192.0.2.1:0 "$0" -- "$@"
// A POLYGLOT: /bin/sh runs the line above, Node reads it as a string and a comment.
// Node 20 opens its inspector (a debugger on 127.0.0.1 that any local user can drive) on SIGUSR1,
// from early in its start until awsp's first line of JavaScript below, and has no flag to turn
// that off; a flag in the #! line is not portable. So the sh above starts Node with the
// inspector's address set to one no host has (TEST-NET-1): a SIGUSR1 in that window makes Node
// print "Starting inspector on 192.0.2.1:0 failed" and nothing listens. It also sets the soft
// core size limit to 0: a core of awsp (or of the command `awsp exec` runs) holds the keys.
//
// The `--` keeps awsp's arguments from Node: Node 20 reads `--env-file` anywhere before a `--`,
// even after the script's name, and exits when the file is missing.
//
// Then, before anything else: SIGUSR1 is awsp's own from here on, and never opens the inspector.
process.on('SIGUSR1', () => {});
if (process.argv[2] === '--' && process.execArgv.includes('--inspect-port=192.0.2.1:0')) process.argv.splice(2, 1);
// CommonJS on purpose: Node 20 takes ~12 ms longer to start an ES module. dist/load.cjs runs
// awsp's bundle through V8's code cache (src/load.ts).
require('../dist/load.cjs').loadBundle('cli');
