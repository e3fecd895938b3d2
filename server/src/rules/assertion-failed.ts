// assertion-failed: a firewall assertion of `.rsc-lint.json` (docs/assertions.md) does not hold for
// the firewall this file builds. Reported on the rule that decides the counterexample packet (the
// accept that lets it in, the drop that stops it, the knock rule where the knock breaks; the last rule
// of the chain when its end accepts), with the assertion's entry in the config file as related
// information and the other deciding rules beside it. Proven failures are errors; a failure that
// rests on conditions the script cannot know (run-time values, `:if`, NAT) says "may" and is a
// warning; "cannot prove" without a counterexample (work budget, vacuous assertion) stays silent here
// (`rsc-lint assert` prints it).

import type { Check, Related } from './types';
import type { RawFinding } from './util/finding';
import { evaluateAssertion } from '../assert/evaluate';
import { AssertionError } from '../assert/spec';

const ORIGIN = { start: { line: 0, column: 0, offset: 0 }, end: { line: 0, column: 0, offset: 0 } };

const ENV = {
  assertions: [
    {
      index: 0,
      name: 'from WAN, nothing reaches tcp 22, 8291, 8728 unless src-address-list=secured',
      packets: 'chain=input in-interface-list=WAN protocol=tcp dst-port=22,8291,8728 src-address-list=!secured connection-state=new',
      expect: 'never-accepted' as const,
    },
  ],
};

export const assertionFailed: Check = {
  id: 'assertion-failed',
  defaultSeverity: 'error',
  description: 'A firewall assertion of .rsc-lint.json does not hold: a packet it forbids is accepted, or one it requires is not.',
  examples: {
    bad:
      '/interface list add name=WAN\n' +
      '/interface list member add interface=ether1 list=WAN\n' +
      '/ip firewall filter\n' +
      'add chain=input action=accept connection-state=established,related\n' +
      'add chain=input action=accept protocol=tcp dst-port=8291\n' +
      'add chain=input action=accept in-interface-list=WAN src-address-list=secured\n' +
      'add chain=input action=drop in-interface-list=WAN\n',
    good:
      '/interface list add name=WAN\n' +
      '/interface list member add interface=ether1 list=WAN\n' +
      '/ip firewall filter\n' +
      'add chain=input action=accept connection-state=established,related\n' +
      'add chain=input action=accept protocol=tcp dst-port=8291 in-interface-list=!WAN\n' +
      'add chain=input action=accept in-interface-list=WAN src-address-list=secured\n' +
      'add chain=input action=drop in-interface-list=WAN\n',
    env: ENV,
  },
  run(ctx) {
    const out: RawFinding[] = [];
    for (const spec of ctx.env.assertions ?? []) {
      let res;
      try {
        res = evaluateAssertion({ script: ctx.parse.script, model: ctx.model, knocks: ctx.knocks }, spec);
      } catch (e) {
        if (e instanceof AssertionError) continue; // the config loader reports bad assertions
        throw e;
      }
      if (res.status === 'holds') continue;
      if (res.status === 'unknown' && !res.at) continue;
      const related: Related[] = [];
      if (spec.range) {
        related.push({ message: `the assertion "${spec.name}"`, range: spec.range, ...(spec.configFile ? { file: spec.configFile } : {}) });
      }
      for (const r of res.others.slice(0, 8)) {
        related.push({ message: spec.expect === 'never-accepted' ? 'also accepts packets the assertion forbids' : 'also stops packets the assertion requires', range: r.source.range });
      }
      out.push({
        rule: 'assertion-failed',
        message: `assertion "${spec.name}" ${res.message}`,
        range: res.at?.source.range ?? ORIGIN,
        ...(res.status === 'unknown' ? { severity: 'warning' as const } : {}),
        ...(related.length > 0 ? { related } : {}),
      });
    }
    return out;
  },
};
