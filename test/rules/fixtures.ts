// Building blocks for the rule tests: knock stages in the guide's shape (with ports that pass the
// port checks), and the same rule list written in the three path styles RouterOS accepts.

export const S1 =
  'chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s dst-port=7391 in-interface-list=WAN protocol=tcp';
export const S2 =
  'chain=input action=add-src-to-address-list address-list=knock2 address-list-timeout=30s dst-port=4263 in-interface-list=WAN protocol=tcp src-address-list=knock1';
export const S3 =
  'chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m dst-port=9127 in-interface-list=WAN protocol=tcp src-address-list=knock2';
export const ACCEPT = 'chain=input action=accept in-interface-list=WAN src-address-list=secured';
export const WAN_DROP = 'chain=input action=drop in-interface-list=WAN';
export const ESTABLISHED = 'chain=input action=accept connection-state=established,related';

export const FILTER = 'ip firewall filter';

export type Style = 'oneliner' | 'export' | 'slash';
export const STYLES: readonly Style[] = ['oneliner', 'export', 'slash'];

/** The rules (`add` arguments) written in one path style. */
export function script(rules: readonly string[], style: Style, menu = FILTER): string {
  switch (style) {
    case 'oneliner':
      return rules.map((r) => `/${menu} add ${r}`).join('\n') + '\n';
    case 'export':
      return `/${menu}\n` + rules.map((r) => `add ${r}`).join('\n') + '\n';
    case 'slash':
      return rules.map((r) => `/${menu.replace(/ /g, '/')}/add ${r}`).join('\n') + '\n';
  }
}

/** 1-based line of rule `i` (0-based) in `script(rules, style)`. */
export function lineOf(i: number, style: Style): number {
  return style === 'export' ? i + 2 : i + 1;
}

/** Column (1-based) where the rule's command starts. */
export const COL = 1;

/**
 * The reference guide's complete setup in the right order (stages above the WAN drop, the accept for
 * `secured`, blacklist rules disabled=yes, the blacklist drop at the top), in the guide's own one-line form.
 */
export const GUIDE_RULES = [
  'action=drop chain=input disabled=yes in-interface-list=WAN src-address-list=blacklist',
  'action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=888 in-interface-list=WAN protocol=tcp',
  'action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=555 in-interface-list=WAN protocol=tcp src-address-list=knock1',
  'action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=222 in-interface-list=WAN protocol=tcp src-address-list=knock2',
  'action=accept chain=input in-interface-list=WAN src-address-list=secured',
  'action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m chain=input disabled=yes dst-port=666 in-interface-list=WAN protocol=tcp',
  'action=add-src-to-address-list address-list=blacklist address-list-timeout=1m chain=input disabled=yes dst-port=21,22,23,8291,10000-60000 in-interface-list=WAN protocol=tcp src-address-list=!secured',
  'action=drop chain=input in-interface-list=WAN',
];
