// Shared by the formatter tests: the firewall model as a comparable value.
import { parse } from '../../server/src/parser';
import { buildModel } from '../../server/src/model/build';

/** Continuations and the `\_` a continued string line starts with are spelling, not value. */
function unwrap(s: string): string {
  const t = s.replace(/\\[ \t]*(?:\r\n|\r|\n)[ \t]*(?:\\_)?/g, '').replace(/\\_/g, ' ');
  // the source text of a value computed at run time (`[/ip service get 6 port]`) spells its paths and
  // blanks as the file does; the path style option and the layout change that spelling only
  return /^[[($]/.test(t) ? spelling(t) : t;
}

/** Source text quoted in a message or an unknown value, with paths, blanks and continuations evened out. */
function spelling(t: string): string {
  return t.replace(/\\\s+/g, ' ').replace(/\//g, ' ').replace(/\s+/g, ' ').replace(/= /g, '=');
}

const DROP = new Set(['source', 'command', 'range', 'definedBy', 'blockRange', 'edits']);

export function modelKey(text: string): string {
  const res = parse(text);
  const model = buildModel(res, text);
  return JSON.stringify(
    {
      tables: [...model.tables.entries()],
      addressLists: [...model.addressLists.entries()].map(([k, l]) => [k, l.entries.map((e) => [e.list, e.address, e.timeout, e.disabled]), l.filledBy.map((r) => r.uid), l.usedBy.map((r) => r.uid)]),
      interfaceLists: [...model.interfaceLists.entries()].map(([k, l]) => [k, l.members, l.include, l.exclude, !!l.unknownMembers, !!l.definedBy]),
      layer7: [...model.layer7.entries()].map(([k, l]) => [k, l.regexp]),
      unresolved: model.unresolved.map((u) => [u.kind, spelling(u.message.replace(/line \d+/g, 'line N'))]),
    },
    (k, v) => (DROP.has(k) ? undefined : typeof v === 'string' ? unwrap(v) : v),
  );
}

