// The registry of every check. The lint pipeline (server/src/lint.ts) runs them in this order.
// To add a check: write server/src/rules/<id>.ts exporting a `Check`, add it here, add
// docs/rules/<id>.md and test/rules/<id>.test.ts (see ARCHITECTURE.md).
import type { Check } from './types';

export const allChecks: Check[] = [];
