#!/usr/bin/env node
// The `releasegate` command. The server runs its TypeScript sources through tsx (see docs/decisions).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
