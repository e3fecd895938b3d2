// Shared by the simulator tests: build a model from script lines, and the guide's setup.
import { parse } from '../../server/src/parser';
import { buildModel, findKnockSequences } from '../../server/src/model';
import type { FirewallModel, KnockSequence, Rule } from '../../server/src/model/types';

export function rsc(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

export function modelOf(text: string): FirewallModel {
  return buildModel(parse(text), text);
}

export function knocksOf(text: string): { model: FirewallModel; knocks: KnockSequence[] } {
  const model = modelOf(text);
  return { model, knocks: findKnockSequences(model) };
}

/** 1-based line of a rule's command (as users and the CLI count). */
export function lineOf(r: Rule | undefined): number | undefined {
  return r ? r.source.range.start.line + 1 : undefined;
}

/** The guide's complete setup (blacklist rules disabled, as the guide adds them), one command per line. */
export const GUIDE = rsc(
  '/ip firewall filter',
  'add action=drop chain=input disabled=yes in-interface-list=WAN src-address-list=blacklist',
  'add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=888 in-interface-list=WAN protocol=tcp',
  'add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=555 in-interface-list=WAN protocol=tcp src-address-list=knock1',
  'add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=222 in-interface-list=WAN protocol=tcp src-address-list=knock2',
  'add action=accept chain=input in-interface-list=WAN src-address-list=secured',
  'add action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m chain=input disabled=yes dst-port=666 in-interface-list=WAN protocol=tcp',
  'add action=add-src-to-address-list address-list=blacklist address-list-timeout=1m chain=input disabled=yes dst-port=21,22,23,8291,10000-60000 in-interface-list=WAN protocol=tcp src-address-list=!secured',
  'add action=drop chain=input in-interface-list=WAN',
);

/** A WAN packet from the knocking client (the list membership the guide's rules ask for). */
export const WAN = { src: '198.51.100.7', inInterface: 'ether1', inInterfaceLists: ['WAN'] };
