// knock-no-access: completing the knock grants nothing. Either no rule admits the final list, or every
// accept that does is hidden by an earlier drop/reject (the accept placed below the WAN drop).
// Reported on the hidden accept (naming the drop), or on the final stage when no accept exists.
// Quick fix: move the accept above the drop. A drop that hides knock stages as well is reported once,
// by knock-shadowed (whose fix moves the stages and the accept together).
// The accept's packets that matter open a new connection, so a `drop connection-state=new` above
// hides it. An accept behind a jump none of its packets can take (the jump admits port 475, the
// accept wants 457) never fires either: reported the same way, naming the jump (no fix).

import type { KnockSequence, Rule } from '../model/types';
import type { Check, CheckContext } from './types';
import { fixes, fixOf, relatedRule, ruleFinding, type RawFinding } from './util/finding';
import { moveAboveEdits } from './util/move';
import { describeJump, hiderOf, jumpBlocking, type JumpBlock } from './util/path';
import { describeRule, DROP_ACTIONS } from './util/rules';
import { GOOD_KNOCK } from './util/examples';
import { hidesStage } from './knock-shadowed';

export const knockNoAccess: Check = {
  id: 'knock-no-access',
  defaultSeverity: 'error',
  description:
    "The knock sequence's final list grants nothing: no accept rule uses it, or every such accept sits below a drop that matches it.",
  examples: {
    bad: `/ip firewall filter
add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s \\
    dst-port=7391 in-interface-list=WAN protocol=tcp comment="knock 1"
add chain=input action=add-src-to-address-list address-list=knock2 address-list-timeout=30s \\
    dst-port=4263 in-interface-list=WAN protocol=tcp src-address-list=knock1 comment="knock 2"
add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m \\
    dst-port=9127 in-interface-list=WAN protocol=tcp src-address-list=knock2 comment="knock 3"
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
add chain=input action=accept in-interface-list=WAN src-address-list=secured comment="knocked"
`,
    good: GOOD_KNOCK,
  },
  run(ctx) {
    const out: RawFinding[] = [];
    for (const seq of ctx.knocks) out.push(...checkSequence(ctx, seq, this.id));
    return out;
  },
};

function checkSequence(ctx: CheckContext, seq: KnockSequence, id: string): RawFinding[] {
  const last = seq.stages[seq.stages.length - 1];
  if (!last || last.rule.disabled) return [];
  const accepts = seq.accepts.filter((r) => !r.disabled);
  // Other ways the list may grant access (a jump/dst-nat that requires it, a drop that spares it):
  // then an accept below the drop may not matter.
  if ((seq.otherGrants ?? []).some((r) => !r.disabled)) return [];
  if (accepts.length === 0) {
    const disabled = seq.disabledAccepts ?? [];
    if (disabled.length > 0) {
      return disabled.map((a) =>
        ruleFinding(id, a, `the accept rule for the knock's final list "${seq.finalList}" is disabled: completing the knock grants nothing`),
      );
    }
    // A script that reads the final list may grant access itself.
    if (seq.finalUsedOutsideFirewall) return [];
    return [
      ruleFinding(
        id,
        last.rule,
        `no accept rule uses the knock's final list "${seq.finalList}" (src-address-list=${seq.finalList}): completing the knock grants nothing`,
      ),
    ];
  }
  const dead: Array<{ accept: Rule; drop?: Rule; block?: JumpBlock }> = [];
  for (const a of accepts) {
    const block = jumpBlocking(a, ctx.model);
    if (block) {
      dead.push({ accept: a, block });
      continue;
    }
    if (!a.positionKnown) return [];
    const drop = hiderOf(a, ctx.model, DROP_ACTIONS);
    if (!drop) return [];
    // the drop that hides the accept hides knock stages too: one problem, knock-shadowed's finding
    if (hidesStage(ctx, seq, drop)) continue;
    dead.push({ accept: a, drop });
  }
  return dead.map(({ accept, drop, block }) => {
    if (block) {
      const why = block.conditions.length > 0 ? ` (it requires ${block.conditions.join(' ')})` : '';
      return ruleFinding(
        id,
        accept,
        `this accept for the knock's final list "${seq.finalList}" never fires: ${describeJump(block.jump)} ` +
          `admits none of its packets${why}`,
        { related: [relatedRule(block.jump, 'no packet the accept would admit can take this jump')] },
      );
    }
    const d = drop!;
    const edits = d.chain === accept.chain ? moveAboveEdits(ctx.text, ctx.parse.script, ctx.model, [accept], d) : undefined;
    const what = d.match.connectionState !== undefined || d.match.tcpFlags !== undefined ? 'every new connection it would admit' : 'all of its packets';
    return ruleFinding(
      id,
      accept,
      `this accept for the knock's final list "${seq.finalList}" is never reached: the ${d.action} rule ` +
        `${describeRule(d)} above it matches ${what}`,
      {
        related: [relatedRule(d, `this ${d.action} rule matches every packet the accept would admit`)],
        ...fixes(fixOf(`Move the accept above the ${d.action} rule`, true, edits)),
      },
    );
  });
}
