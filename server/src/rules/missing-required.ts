// missing-required: an `add` without an argument RouterOS requires for that menu. The crawled trees
// do not mark required arguments, so this is a short list of menus where RouterOS is known to refuse
// the line ("failure: ... not specified" / "missing value(s) of argument(s) ..."), each checked against
// the real exports of the corpus (every `add` there has them).
// Never judged: `add copy-from=...` (the copy supplies the rest), adds with an unnamed argument or a
// `$`-built name, RouterOS 6 files (the list is v7's).

import type { Check } from './types';
import type { RawFinding } from './util/finding';
import { commandUses } from './util/commands';
import { canonicalName } from './util/properties';
import { targetOf } from './util/target';

const ID = 'missing-required';

/** menu -> required arguments of `add` (an inner array: any one of them). */
export const REQUIRED: ReadonlyMap<string, ReadonlyArray<string | readonly string[]>> = new Map<string, Array<string | string[]>>([
  ['ip address', ['address', 'interface']],
  ['ip firewall filter', ['chain']],
  ['ip firewall nat', ['chain']],
  ['ip firewall mangle', ['chain']],
  ['ip firewall raw', ['chain']],
  ['ipv6 firewall filter', ['chain']],
  ['ipv6 firewall nat', ['chain']],
  ['ipv6 firewall mangle', ['chain']],
  ['ipv6 firewall raw', ['chain']],
  ['ip firewall address-list', ['list', 'address']],
  ['ipv6 firewall address-list', ['list', 'address']],
  ['interface list member', ['list', 'interface']],
  ['interface bridge port', ['bridge', 'interface']],
  ['interface vlan', ['interface', 'vlan-id']],
  ['ip dhcp-server network', ['address']],
  ['ip dns static', [['name', 'regexp']]],
  ['interface wireguard peers', ['interface', 'public-key']],
]);

export const missingRequired: Check = {
  id: ID,
  defaultSeverity: 'error',
  description: 'An add without an argument RouterOS requires there (e.g. /ip address add without address=).',
  examples: {
    bad: `/ip address add interface=ether1
`,
    good: `/ip address add address=192.168.88.1/24 interface=ether1
`,
  },
  run(ctx) {
    const t = targetOf(ctx);
    if (t.v6) return [];
    const out: RawFinding[] = [];
    for (const use of commandUses(ctx.parse.script).uses) {
      if (use.verb !== 'add' || use.positional) continue;
      const req = REQUIRED.get(use.menu.join(' '));
      if (!req) continue;
      // Every argument must be a plain name=value we can read (no `$name=`, no `!name`).
      if (use.named.length !== use.command.args.length) continue;
      const names = new Set(use.named.map((a) => canonicalName(t, use, a)));
      if (names.has('copy-from')) continue;
      const missing: string[] = [];
      for (const r of req) {
        if (typeof r === 'string') {
          if (!names.has(r)) missing.push(`${r}=`);
        } else if (!r.some((x) => names.has(x))) missing.push(r.map((x) => `${x}=`).join(' or '));
      }
      if (missing.length === 0) continue;
      const range = use.verbWord?.range ?? use.command.range;
      out.push({
        rule: ID,
        message: `/${use.menu.join(' ')} add needs ${missing.join(', ')}: RouterOS refuses the line without ${missing.length > 1 ? 'them' : 'it'}`,
        range,
      });
    }
    return out;
  },
};
