#!/usr/bin/env node
// `npm run bench`: the figures the issues ask for, each beside its baseline measured in the same run.
import { register } from 'tsx/esm/api';

register();
await import('../bench/run.ts');
