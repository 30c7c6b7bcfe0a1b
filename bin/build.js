#!/usr/bin/env node
// Transpiles gateway/, adapters/, schemas/ and bench/ to dist/ (ESM, Node 20), file by file as tsc would lay them out,
// so `jiuzhu` runs compiled JavaScript with no TypeScript loader in the process (tsx's loader thread alone
// costs ~37 MB of RSS). Type checking is `npm run typecheck`; data files stay where they are and are found
// from the package root (gateway/project-files.ts).
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const sources = ['gateway', 'adapters', 'schemas', 'bench'].flatMap((dir) =>
  readdirSync(join(root, dir), { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => join(dir, file)),
);

rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: sources,
  outdir: 'dist',
  outbase: '.',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
