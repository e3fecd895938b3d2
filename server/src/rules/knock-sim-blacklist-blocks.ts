// knock-sim-blacklist-blocks: the knock works as written, but simulated with the file's disabled
// blacklist rules enabled (the guide enables them once the knock is proven) it fails: knocking puts the
// client on the blacklist, or a blacklist drop stops a knock packet. Reported on the blacklist rule
// that catches the knocker (or the one that drops it).

import type { Check } from './types';
import { relatedRule, ruleFinding, type RawFinding } from './util/finding';
import { GOOD_KNOCK } from './util/examples';
import { knockText, verification, verifyBlacklist } from './knock-sim-common';

const BLACKLIST = `add chain=input action=drop in-interface-list=WAN src-address-list=blacklist disabled=yes comment="drop blacklisted"
`;
const BLACKLIST_FILLERS = `add chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=1m \\
    dst-port=21,22,23,8291,10000-60000 in-interface-list=WAN protocol=tcp src-address-list=!secured \\
    disabled=yes comment="blacklist scanners"
`;

function withBlacklist(knock: string): string {
  return knock
    .replace('/ip firewall filter\n', `/ip firewall filter\n${BLACKLIST}`)
    .replace('add chain=input action=accept', `${BLACKLIST_FILLERS}add chain=input action=accept`);
}

export const knockSimBlacklistBlocks: Check = {
  id: 'knock-sim-blacklist-blocks',
  defaultSeverity: 'error',
  description:
    'Simulated with the disabled blacklist rules enabled, the intended knock no longer grants access: enabling them locks the knocker out.',
  examples: {
    bad: withBlacklist(GOOD_KNOCK.replace('dst-port=4263', 'dst-port=14263')),
    good: withBlacklist(GOOD_KNOCK),
  },
  run(ctx) {
    const out: RawFinding[] = [];
    for (const seq of ctx.knocks) {
      const v = verification(ctx.model, seq);
      if (!v?.intended?.access) continue;
      const bl = verifyBlacklist(ctx.model, v);
      if (!bl || bl.run.access) continue;
      const run = bl.run;
      // the enabled blacklist rule that put the knocker on a list, else the one that stopped it
      const catcher = run.traces.flatMap((t) => t.changes).find((c) => c.rule && bl.rules.has(c.rule))?.rule;
      const f = run.failure;
      const on = catcher ?? (f?.blockedBy && bl.rules.has(f.blockedBy) ? f.blockedBy : undefined);
      if (!on) continue;
      const stage = f && f.stage < seq.stages.length ? `fails at stage ${f.stage + 1}` : 'no longer grants access';
      const what = catcher
        ? `this rule puts the knocking client (${run.plan.source}) in \`${catcher.addressList}\``
        : 'this rule drops the knocking client';
      const related = [];
      if (f?.blockedBy && f.blockedBy !== on) related.push(relatedRule(f.blockedBy, 'then drops the knock'));
      if (f && f.stage < seq.stages.length) related.push(relatedRule(seq.stages[f.stage].rule, 'the stage that fails'));
      out.push(
        ruleFinding(
          this.id,
          on,
          `with the blacklist rules enabled, the knock (${knockText(run)}) ${stage}: ${what}${f ? ` (${f.reason})` : ''}`,
          related.length ? { related } : {},
        ),
      );
    }
    return out;
  },
};
