#!/usr/bin/env node
// Entry point of `npx tsync-lab`: registers tsx so the TypeScript sources run
// directly, then hands over to the CLI dispatcher.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
