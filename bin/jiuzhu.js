#!/usr/bin/env node
// The `jiuzhu` command runs the compiled gateway in dist/ (built by `npm install`, `npm start`, `npm test`,
// or `npm run build` after editing the source).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/gateway/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('jiuzhu: not built yet; run `npm run build` in the jiuzhu folder\n');
  process.exit(2);
}
await import(cli.href);
