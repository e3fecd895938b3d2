// The registry of every check. The lint pipeline (server/src/lint.ts) runs them in this order.
// To add a check: write server/src/rules/<id>.ts exporting a `Check`, add it here, add
// docs/rules/<id>.md and test/rules/<id>.test.ts (see ARCHITECTURE.md).
import type { Check } from './types';
import { invalidValue } from './invalid-value';
import { knockBlacklistCatchesKnock } from './knock-blacklist-catches-knock';
import { knockBlacklistOrder } from './knock-blacklist-order';
import { knockBlacklistUntested } from './knock-blacklist-untested';
import { knockBrokenChain } from './knock-broken-chain';
import { knockExposedService } from './knock-exposed-service';
import { knockLayer7Tcp } from './knock-layer7-tcp';
import { knockMissingChain } from './knock-missing-chain';
import { knockNoAccess } from './knock-no-access';
import { knockNoInterface } from './knock-no-interface';
import { knockSequentialPorts } from './knock-sequential-ports';
import { knockShadowed } from './knock-shadowed';
import { knockTimeoutLong } from './knock-timeout-long';
import { knockTimeoutMissing } from './knock-timeout-missing';
import { knockTimeoutShort } from './knock-timeout-short';
import { knockWeakPort } from './knock-weak-port';
import { knockSimFails } from './knock-sim-fails';
import { knockSimSlowGrants } from './knock-sim-slow-grants';
import { knockSimScanCompletes } from './knock-sim-scan-completes';
import { knockSimBlacklistBlocks } from './knock-sim-blacklist-blocks';
import { unknownCommand } from './unknown-command';
import { undefinedVariable } from './undefined-variable';
import { unusedVariable } from './unused-variable';
import { jumpTargetMissing } from './jump-target-missing';
import { chainUnused } from './chain-unused';
import { numberMismatch } from './number-mismatch';
import { ruleNeverMatches } from './rule-never-matches';
import { ruleUnreachable } from './rule-unreachable';
import { wanInputOpen } from './wan-input-open';
import { serviceExposed } from './service-exposed';
import { unknownProperty } from './unknown-property';
import { duplicateProperty } from './duplicate-property';
import { missingRequired } from './missing-required';
import { versionMismatch } from './version-mismatch';
import { assertionFailed } from './assertion-failed';

export const allChecks: Check[] = [
  knockShadowed,
  knockMissingChain,
  knockBrokenChain,
  knockNoAccess,
  knockExposedService,
  knockTimeoutMissing,
  knockTimeoutShort,
  knockTimeoutLong,
  knockBlacklistUntested,
  knockBlacklistCatchesKnock,
  knockBlacklistOrder,
  knockLayer7Tcp,
  knockSequentialPorts,
  knockWeakPort,
  knockNoInterface,
  invalidValue,
  knockSimFails,
  knockSimSlowGrants,
  knockSimScanCompletes,
  knockSimBlacklistBlocks,
  unknownCommand,
  undefinedVariable,
  unusedVariable,
  jumpTargetMissing,
  chainUnused,
  numberMismatch,
  ruleNeverMatches,
  ruleUnreachable,
  wanInputOpen,
  serviceExposed,
  unknownProperty,
  duplicateProperty,
  missingRequired,
  versionMismatch,
  assertionFailed,
];
