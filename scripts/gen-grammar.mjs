// Generates syntaxes/routeros.tmLanguage.json (the TextMate grammar): regexes are easier to keep right as JS
// strings than as doubly escaped JSON. Run `node scripts/gen-grammar.mjs` after editing; check with
// `node scripts/e2e-grammar.mjs` (tokenizes samples with VS Code's own engine).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'syntaxes', 'routeros.tmLanguage.json');
const verbs = 'add|set|remove|print|export|import|enable|disable|find|get|edit|comment|move|reset|reset-counters|reset-counters-all|unset|monitor|monitor-traffic|run|ping|flush|make-static|release|renew|cancel|check-for-updates|install|download|upgrade|shutdown|reboot|save|load|clear|send|fetch|torch|traceroute|bandwidth-test';
const codeProps = 'source|on-event|on-up|on-down|on-login|on-logout|on-error|script|lease-script|up-script|down-script|on-backup|on-startup';
const word = '[A-Za-z0-9_][A-Za-z0-9_.-]*';
const g = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'RouterOS Script',
  scopeName: 'source.routeros',
  fileTypes: ['rsc'],
  patterns: [{ include: '#script' }],
  repository: {
    script: {
      patterns: [
        { include: '#comment' },
        { include: '#continuation' },
        { include: '#menu-path' },
        { include: '#code-string' },
        { include: '#string' },
        { include: '#global-command' },
        { include: '#verb' },
        { include: '#property' },
        { include: '#variable' },
        { include: '#blocks' },
        { include: '#values' },
        { include: '#operators' },
      ],
    },
    comment: {
      // `#` starts a comment at the beginning of a line or after whitespace / `;` (not inside a word).
      match: '(?:^|(?<=[\\s;{]))(#).*$',
      name: 'comment.line.number-sign.routeros',
      captures: {
        1: { name: 'punctuation.definition.comment.routeros' },
      },
    },
    continuation: {
      match: '\\\\$',
      name: 'punctuation.separator.continuation.line.routeros',
    },
    'menu-path': {
      // `/ip firewall filter add ...`, `/ip/firewall/filter/add`, `/interface list member`: the path words up
      // to the first verb or property.
      match: `(?:^|(?<=[\\s;{\\["])|(?<=\\\\n))(/(?:${word})?(?:(?:/|[ \\t]+)(?!(?:${verbs})\\b)(?!${word}=)(?:${word}|\\.\\.)(?![A-Za-z0-9_.-]*=))*)`,
      captures: { 1: { name: 'entity.name.section.menu-path.routeros' } },
    },
    verb: {
      match: `(?:^|(?<=[\\s;{\\[/"])|(?<=\\\\n))(${verbs})(?=$|[\\s;\\]}])`,
      name: 'keyword.other.command.routeros',
    },
    'global-command': {
      patterns: [
        {
          match: '(?:(?<![A-Za-z0-9_$])|(?<=\\\\n))(:)(if|else|for|foreach|while|do|return|error|onerror|retry)\\b',
          captures: { 0: { name: 'keyword.control.routeros' } },
        },
        {
          // `:local name`, `:global name`, `:set name`: the keyword and the variable it declares or assigns.
          match: '(?:(?<![A-Za-z0-9_$])|(?<=\\\\n))(:(?:local|global|set))\\b(?:[ \\t]+([A-Za-z_][A-Za-z0-9_]*)\\b)?',
          captures: {
            1: { name: 'storage.type.variable.routeros' },
            2: { name: 'variable.other.definition.routeros' },
          },
        },
        {
          match: '(?:(?<![A-Za-z0-9_$])|(?<=\\\\n))(:)([a-z][a-z0-9-]*)\\b',
          captures: { 0: { name: 'support.function.builtin.routeros' } },
        },
        {
          match: '(?<=[\\s(])(in)(?=\\s)',
          name: 'keyword.control.in.routeros',
        },
      ],
    },
    property: {
      patterns: [
        {
          // Control-flow arguments of :if/:for/:do: `do=`, `else=`, `from=`, `to=`, `step=`, `on-error=`.
          match: '(?<=[\\s;{\\[])(do|else|from|to|step|on-error|while|in)(=)',
          captures: {
            1: { name: 'keyword.control.argument.routeros' },
            2: { name: 'keyword.operator.assignment.routeros' },
          },
        },
        {
          match: '(?<=[\\s;{\\[]|^)(!)?([A-Za-z.][A-Za-z0-9_.-]*)(=)',
          captures: {
            1: { name: 'keyword.operator.negation.routeros' },
            2: { name: 'variable.parameter.property.routeros' },
            3: { name: 'keyword.operator.assignment.routeros' },
          },
        },
        {
          // `!property` alone (unset property in verbose exports).
          match: '(?<=\\s)(!)([a-z][a-z0-9-]*)(?=\\s|$)',
          captures: {
            1: { name: 'keyword.operator.negation.routeros' },
            2: { name: 'variable.parameter.property.routeros' },
          },
        },
      ],
    },
    variable: {
      patterns: [
        {
          match: '(\\$)"[^"\\\\]*(?:\\\\.[^"\\\\]*)*"',
          captures: { 0: { name: 'variable.other.routeros' }, 1: { name: 'punctuation.definition.variable.routeros' } },
        },
        {
          match: '(\\$)[A-Za-z0-9_]+',
          captures: { 0: { name: 'variable.other.routeros' }, 1: { name: 'punctuation.definition.variable.routeros' } },
        },
      ],
    },
    blocks: {
      patterns: [
        {
          begin: '\\[',
          beginCaptures: { 0: { name: 'punctuation.section.substitution.begin.routeros' } },
          end: '\\]',
          endCaptures: { 0: { name: 'punctuation.section.substitution.end.routeros' } },
          name: 'meta.substitution.routeros',
          patterns: [{ include: '#script' }],
        },
        {
          begin: '\\{',
          beginCaptures: { 0: { name: 'punctuation.section.block.begin.routeros' } },
          end: '\\}',
          endCaptures: { 0: { name: 'punctuation.section.block.end.routeros' } },
          name: 'meta.block.routeros',
          patterns: [{ include: '#script' }],
        },
        {
          begin: '\\(',
          beginCaptures: { 0: { name: 'punctuation.section.parens.begin.routeros' } },
          end: '\\)',
          endCaptures: { 0: { name: 'punctuation.section.parens.end.routeros' } },
          name: 'meta.expression.routeros',
          patterns: [{ include: '#script' }],
        },
      ],
    },
    escapes: {
      patterns: [
        { match: '\\\\[0-9A-Fa-f]{2}', name: 'constant.character.escape.hex.routeros' },
        { match: '\\\\[\\\\"\'nrt$?_abfv]', name: 'constant.character.escape.routeros' },
        { match: '\\\\$', name: 'punctuation.separator.continuation.line.routeros' },
      ],
    },
    interpolation: {
      patterns: [
        {
          begin: '\\$\\(',
          beginCaptures: { 0: { name: 'punctuation.section.interpolation.begin.routeros' } },
          end: '\\)',
          endCaptures: { 0: { name: 'punctuation.section.interpolation.end.routeros' } },
          name: 'meta.interpolation.routeros',
          patterns: [{ include: '#script' }],
        },
        {
          begin: '\\[',
          beginCaptures: { 0: { name: 'punctuation.section.substitution.begin.routeros' } },
          end: '\\]',
          endCaptures: { 0: { name: 'punctuation.section.substitution.end.routeros' } },
          name: 'meta.substitution.routeros',
          patterns: [{ include: '#script' }],
        },
        { include: '#variable' },
      ],
    },
    string: {
      begin: '"',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.routeros' } },
      end: '"',
      endCaptures: { 0: { name: 'punctuation.definition.string.end.routeros' } },
      name: 'string.quoted.double.routeros',
      patterns: [{ include: '#escapes' }, { include: '#interpolation' }],
    },
    // `source="..."`, `on-event="..."`: the string holds a script. Highlight it as code; inner strings are
    // written with escaped quotes (\"...\").
    'code-string': {
      begin: `(?:^|(?<=[\\s;{\\[]))(${codeProps})(=)(")`,
      beginCaptures: {
        1: { name: 'variable.parameter.property.routeros' },
        2: { name: 'keyword.operator.assignment.routeros' },
        3: { name: 'string.quoted.double.routeros punctuation.definition.string.begin.routeros' },
      },
      end: '"',
      endCaptures: { 0: { name: 'string.quoted.double.routeros punctuation.definition.string.end.routeros' } },
      contentName: 'meta.embedded.block.routeros source.routeros.embedded',
      patterns: [{ include: '#embedded-script' }],
    },
    'embedded-script': {
      patterns: [
        { include: '#continuation' },
        { include: '#embedded-string' },
        { match: '\\\\n', name: 'constant.character.escape.routeros' },
        { include: '#embedded-comment' },
        { include: '#menu-path' },
        { include: '#global-command' },
        { include: '#verb' },
        { include: '#property' },
        { include: '#variable' },
        {
          begin: '\\[',
          beginCaptures: { 0: { name: 'punctuation.section.substitution.begin.routeros' } },
          end: '\\]|(?=")',
          endCaptures: { 0: { name: 'punctuation.section.substitution.end.routeros' } },
          patterns: [{ include: '#embedded-script' }],
        },
        {
          begin: '\\{',
          beginCaptures: { 0: { name: 'punctuation.section.block.begin.routeros' } },
          end: '\\}|(?=")',
          endCaptures: { 0: { name: 'punctuation.section.block.end.routeros' } },
          patterns: [{ include: '#embedded-script' }],
        },
        {
          begin: '\\(',
          beginCaptures: { 0: { name: 'punctuation.section.parens.begin.routeros' } },
          end: '\\)|(?=")',
          endCaptures: { 0: { name: 'punctuation.section.parens.end.routeros' } },
          patterns: [{ include: '#embedded-script' }],
        },
        { include: '#values' },
        { include: '#operators' },
        { match: '\\\\[\\\\$?]', name: 'constant.character.escape.routeros' },
      ],
    },
    'embedded-comment': {
      match: '(?:^|(?<=[\\s;{"])|(?<=\\\\n))#.*?(?=\\\\n|\\\\$|"|$)',
      name: 'comment.line.number-sign.routeros',
    },
    'embedded-string': {
      begin: '\\\\"',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.routeros' } },
      end: '\\\\"|(?=")',
      endCaptures: { 0: { name: 'punctuation.definition.string.end.routeros' } },
      name: 'string.quoted.double.embedded.routeros',
      patterns: [
        { match: '\\\\\\\\\\\\"', name: 'constant.character.escape.routeros' },
        { match: '\\\\\\\\.', name: 'constant.character.escape.routeros' },
        { match: '\\\\\\$', name: 'constant.character.escape.routeros' },
        { include: '#variable' },
      ],
    },
    values: {
      patterns: [
        {
          // IPv4 address, optional prefix length or range: 10.0.0.1, 192.168.88.0/24, 10.0.0.1-10.0.0.9
          match: '(?<![\\w.])\\d{1,3}(?:\\.\\d{1,3}){3}(?:/\\d{1,2})?(?:-\\d{1,3}(?:\\.\\d{1,3}){3})?(?![\\w.])',
          name: 'constant.numeric.ip-address.routeros',
        },
        {
          match: '(?<![\\w:])[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}(?![\\w:])',
          name: 'constant.numeric.mac-address.routeros',
        },
        {
          // IPv6 (contains at least two colons and hex groups), optional prefix.
          match: '(?<![\\w:.])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f]*:)(?:[0-9A-Fa-f]{1,4})?(?::[0-9A-Fa-f]{0,4}){2,7}(?:/\\d{1,3})?(?![\\w:])',
          name: 'constant.numeric.ip-address.v6.routeros',
        },
        {
          // Durations: 1d2h3m4s, 30s, 500ms, 1w, 00:30:00, 1d00:00:00
          match: '(?<![\\w.])(?:(?:\\d+[wdhms]|\\d+ms)+(?:\\d{1,2}:\\d{2}:\\d{2})?|(?:\\d+[wd])?\\d{1,2}:\\d{2}:\\d{2}(?:\\.\\d+)?)(?![\\w.])',
          name: 'constant.numeric.time.routeros',
        },
        {
          // Numbers, port lists and ranges: 22, 1000-2000, 21,22,80, 0x1F, *1A (internal ids)
          match: '(?<![\\w.$-])(?:0x[0-9A-Fa-f]+|\\*[0-9A-Fa-f]+|\\d+(?:-\\d+)?(?:,\\d+(?:-\\d+)?)*)(?![\\w.])',
          name: 'constant.numeric.routeros',
        },
        {
          match: '(?<![\\w.-])(yes|no|true|false)(?![\\w.-])',
          name: 'constant.language.boolean.routeros',
        },
        {
          // The firewall's actions and chains read like keywords.
          match: '(?<=\\baction=)(accept|drop|reject|tarpit|jump|return|passthrough|log|add-src-to-address-list|add-dst-to-address-list|fasttrack-connection|masquerade|src-nat|dst-nat|redirect|netmap|same|mark-connection|mark-packet|mark-routing|change-mss|change-dscp|change-ttl|sniff-tzsp|set-priority|strip-ipv4-options|route|endpoint-independent-nat)\\b',
          name: 'support.constant.action.routeros',
        },
        {
          match: '(?<=\\bchain=)(input|forward|output|srcnat|dstnat|prerouting|postrouting)\\b',
          name: 'support.constant.chain.routeros',
        },
      ],
    },
    operators: {
      patterns: [
        { match: '&&|\\|\\||->|<=|>=|!=|<<|>>|[<>~!+*%&|^]', name: 'keyword.operator.routeros' },
        { match: '(?<=\\s)(and|or|not)(?=\\s)', name: 'keyword.operator.word.routeros' },
        { match: ';', name: 'punctuation.terminator.statement.routeros' },
      ],
    },
  },
};
writeFileSync(out, JSON.stringify(g, null, 2) + '\n');

// The Markdown injection: ```routeros, ```rsc and ```mikrotik fenced blocks (any case, backticks or
// tildes, indented inside list items too) get this grammar inside VS Code's Markdown preview-less editor.
// Registered in package.json `contributes.grammars` with `injectTo: ["text.html.markdown"]`.
const mdOut = join(dirname(fileURLToPath(import.meta.url)), '..', 'syntaxes', 'routeros.markdown.tmLanguage.json');
const fenceLang = '(?:[Rr][Oo][Uu][Tt][Ee][Rr][Oo][Ss]|[Rr][Ss][Cc]|[Mm][Ii][Kk][Rr][Oo][Tt][Ii][Kk])';
const md = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'RouterOS code blocks in Markdown',
  scopeName: 'markdown.routeros.codeblock',
  injectionSelector: 'L:text.html.markdown',
  patterns: [{ include: '#routeros-fence' }],
  repository: {
    'routeros-fence': {
      // group 2: indentation, 3: the fence, 4: the language, 5: the rest of the info string
      begin: `(^|\\G)(\\s*)(\`{3,}|~{3,})\\s*(${fenceLang})((?:\\s+[^\`]*)?)$`,
      end: '(^|\\G)(\\2|\\s{0,3})(\\3)\\s*$',
      name: 'markup.fenced_code.block.markdown',
      beginCaptures: {
        3: { name: 'punctuation.definition.markdown' },
        4: { name: 'fenced_code.block.language.markdown' },
        5: { name: 'fenced_code.block.language.attributes.markdown' },
      },
      endCaptures: { 3: { name: 'punctuation.definition.markdown' } },
      patterns: [
        {
          begin: '(^|\\G)(\\s*)(.*)',
          while: '(^|\\G)(?!\\s*([`~]{3,})\\s*$)',
          contentName: 'meta.embedded.block.routeros',
          patterns: [{ include: 'source.routeros' }],
        },
      ],
    },
  },
};
writeFileSync(mdOut, JSON.stringify(md, null, 2) + '\n');
