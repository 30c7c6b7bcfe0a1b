#!/usr/bin/env node
// The `jiuzhu` command. TypeScript runs through tsx's loader, so a checkout works without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../gateway/cli.ts');
