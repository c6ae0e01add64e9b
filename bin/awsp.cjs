#!/usr/bin/env node
// CommonJS on purpose: Node 20 takes ~12 ms longer to start an ES module. dist/load.cjs runs
// awsp's bundle through V8's code cache (src/load.ts).
require('../dist/load.cjs').loadBundle('cli');
