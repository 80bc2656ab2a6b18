#!/usr/bin/env node
// The `belfry` operator CLI. Registers tsx so the TypeScript sources run as they are, then hands
// over to src/cli/main.ts. Both paths are resolved from this file, not the working directory, so
// the command works from anywhere (and ignores an unrelated tsconfig.json there).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import(new URL('../src/cli/main.ts', import.meta.url).href);
