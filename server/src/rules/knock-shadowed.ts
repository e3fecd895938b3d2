// knock-shadowed: an earlier enabled accept/drop/reject/tarpit on the packet's path matches every
// packet of a knock stage, so the stage never fires. Reported on the stage, naming the hiding rule.
// Quick fix: move the stages (as a block, comments included) above the hiding rule.
// A knock packet opens a new connection, so a `drop connection-state=new` above hides it too.
// Also reported: a stage behind a jump none of its packets can take (`jump protocol=tcp` in front of
// UDP stages, a jump port list without the stage's port): it never fires either. No fix for that one
// (which of the two is wrong is the author's call).

import type { Rule } from '../model/types';
import type { Check } from './types';
import { fixes, fixOf, relatedRule, ruleFinding, type RawFinding } from './util/finding';
import { moveAboveEdits } from './util/move';
import { describeJump, hiderOf, jumpBlocking } from './util/path';
import { describeRule, TERMINAL_ACTIONS } from './util/rules';
import { GOOD_KNOCK } from './util/examples';

export const knockShadowed: Check = {
  id: 'knock-shadowed',
  defaultSeverity: 'error',
  description:
    'An earlier accept, drop, reject or tarpit rule matches every packet of a knock stage, so the stage never fires.',
  examples: {
    bad: `/ip firewall filter
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s \\
    dst-port=7391 in-interface-list=WAN protocol=tcp comment="knock 1"
add chain=input action=add-src-to-address-list address-list=knock2 address-list-timeout=30s \\
    dst-port=4263 in-interface-list=WAN protocol=tcp src-address-list=knock1 comment="knock 2"
add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m \\
    dst-port=9127 in-interface-list=WAN protocol=tcp src-address-list=knock2 comment="knock 3"
add chain=input action=accept in-interface-list=WAN src-address-list=secured comment="knocked"
`,
    good: GOOD_KNOCK,
  },
  run(ctx) {
    const out: RawFinding[] = [];
    for (const seq of ctx.knocks) {
      const hidden: Array<{ rule: Rule; hider: Rule }> = [];
      for (const stage of seq.stages) {
        if (stage.rule.disabled) continue;
        const hider = hiderOf(stage.rule, ctx.model, TERMINAL_ACTIONS);
        if (hider) {
          hidden.push({ rule: stage.rule, hider });
          continue;
        }
        const block = jumpBlocking(stage.rule, ctx.model);
        if (block) {
          const why = block.conditions.length > 0 ? ` (it requires ${block.conditions.join(' ')})` : '';
          out.push(
            ruleFinding(
              this.id,
              stage.rule,
              `knock stage "${stage.list}" never fires: ${describeJump(block.jump)} admits none of its packets${why}`,
              { related: [relatedRule(block.jump, 'no packet of the knock stage can take this jump')] },
            ),
          );
        }
      }
      for (const { rule, hider } of hidden) {
        const fix = moveFix(ctx, seq.stages.map((s) => s.rule), hider);
        out.push(
          ruleFinding(
            this.id,
            rule,
            `knock stage "${stageList(seq, rule)}" never fires: the ${hider.action} rule ${describeRule(hider)} ` +
              `above it matches all of its packets${newOnly(hider) ? ' (each knock opens a new connection)' : ''}`,
            {
              related: [relatedRule(hider, `this ${hider.action} rule matches every packet of the knock stage`)],
              ...fixes(fix),
            },
          ),
        );
      }
    }
    return out;
  },
};

/** The hider matches only by connection-state (`drop connection-state=new ...`). */
function newOnly(hider: Rule): boolean {
  return hider.match.connectionState !== undefined || hider.match.tcpFlags !== undefined;
}

function stageList(seq: { stages: Array<{ rule: Rule; list: string }> }, rule: Rule): string {
  return seq.stages.find((s) => s.rule === rule)?.list ?? '';
}

/**
 * Move the stages above the hiding rule. When the hider sits in the chain that jumps into the stages'
 * custom chain, move the jump(s) instead.
 */
function moveFix(ctx: Parameters<Check['run']>[0], stages: Rule[], hider: Rule) {
  const sameChain = stages.filter((s) => s.chain === hider.chain && s.table === hider.table && s.family === hider.family);
  if (sameChain.length > 0) {
    const edits = moveAboveEdits(ctx.text, ctx.parse.script, ctx.model, sameChain, hider);
    return fixOf('Move the knock stages above the rule that hides them', true, edits);
  }
  const chain = stages[0]?.chain;
  const table = ctx.model.tables.get(`${hider.family} ${hider.table}`);
  if (!chain || !table) return undefined;
  const jumps = table.rules.filter((r) => r.chain === hider.chain && r.action === 'jump' && r.jumpTarget === chain);
  if (jumps.length === 0) return undefined;
  const edits = moveAboveEdits(ctx.text, ctx.parse.script, ctx.model, jumps, hider);
  return fixOf(`Move the jump to chain ${chain} above the rule that hides the knock stages`, true, edits);
}
