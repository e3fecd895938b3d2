// Neovim (Debian's 0.7.2, no plugins) as a second LSP client: headless nvim opens a broken .rsc file, starts
// `routeros-language-server --stdio` (bin/routeros-language-server.js) through its built-in LSP client,
// waits for diagnostics, repairs the file in the buffer (didChange) and waits for them to clear.
//
//   node scripts/e2e-neovim.mjs [--no-build]
//
// Prints `N passed, N failed` last; exit code 0 when all passed. Artifacts: test-artifacts/neovim/.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ARTIFACTS = join(root, 'test-artifacts', 'neovim');
const FIXTURE = join(root, 'test', 'e2e', 'fixtures', 'broken-syntax.rsc');
const t0 = Date.now();

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? '  ok  ' : '  FAIL'} neovim: ${name}${ok || !detail ? '' : `\n        ${detail}`}`);
}
function finish() {
  console.log(`[e2e neovim] ${((Date.now() - t0) / 1000).toFixed(1)} s; artifacts in ${ARTIFACTS}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

const nvimVersion = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
if (nvimVersion.error || nvimVersion.status !== 0) {
  check('nvim is installed', false, 'nvim not found: run scripts/e2e-setup.sh (apt-get install neovim)');
  finish();
}
if (!process.argv.includes('--no-build')) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    check('build', false, 'scripts/build.mjs failed');
    finish();
  }
}

// The file's expected diagnostics (1-based lines) and the repair the client then types.
const expected = JSON.parse(readFileSync(FIXTURE.replace(/\.rsc$/, '.expected.json'), 'utf8'));

rmSync(ARTIFACTS, { recursive: true, force: true });
mkdirSync(ARTIFACTS, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'routeros-nvim-'));
const work = join(tmp, 'work');
mkdirSync(work);
const file = join(work, 'broken.rsc');
copyFileSync(FIXTURE, file);
const out = join(ARTIFACTS, 'diagnostics.json');
const server = join(root, 'bin', 'routeros-language-server.js');

// Lua strings via JSON: both escape the same way for these plain paths and texts.
const lua = (s) => JSON.stringify(s);
// EXACTLY the configuration the README gives (the ```lua block after <!-- neovim-config -->), with
// routeros-language-server on PATH as `npm link` or `npm install -g` puts it.
function readmeConfig() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const m = /<!-- neovim-config -->\s*```lua\n([\s\S]*?)```/.exec(readme);
  if (!m) {
    check('README has the Neovim configuration block', false, 'no ```lua block after <!-- neovim-config --> in README.md');
    finish();
  }
  return m[1];
}
const initLua = `${readmeConfig()}
local function snapshot()
  local items = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(items, { line = d.lnum + 1, col = d.col + 1, code = d.code or lsp.code, source = d.source, message = d.message })
  end
  return items
end

function run_e2e()
  local result = {}
  local start = vim.loop.hrtime()
  local ok = vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 20)
  result.first_ms = (vim.loop.hrtime() - start) / 1e6
  result.before = snapshot()
  result.before_ok = ok
  -- Repair the broken line in the buffer: Neovim sends didChange, the server relints.
  vim.api.nvim_buf_set_lines(0, ${expected.repair.line - 1}, ${expected.repair.line}, false, { ${lua(expected.repair.text)} })
  start = vim.loop.hrtime()
  result.after_ok = vim.wait(15000, function() return #vim.diagnostic.get(0) == 0 end, 20)
  result.after_ms = (vim.loop.hrtime() - start) / 1e6
  result.after = snapshot()
  local f = io.open(${lua(out)}, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
end
`;
writeFileSync(join(tmp, 'init.lua'), initLua);
writeFileSync(join(ARTIFACTS, 'init.lua'), initLua);

// `routeros-language-server` on PATH, as `npm install -g` would put it (the bin runs with the node on PATH).
const binDir = join(tmp, 'bin');
mkdirSync(binDir);
symlinkSync(server, join(binDir, 'routeros-language-server'));
const xdg = (n) => join(tmp, 'xdg', n);
const r = spawnSync('nvim', ['--headless', '--clean', '-u', join(tmp, 'init.lua'), '-n', file, '+lua run_e2e()', '+qa!'], {
  cwd: work,
  encoding: 'utf8',
  timeout: 60_000,
  env: {
    ...process.env,
    XDG_CONFIG_HOME: xdg('config'),
    XDG_DATA_HOME: xdg('data'),
    XDG_CACHE_HOME: xdg('cache'),
    XDG_STATE_HOME: xdg('state'),
    PATH: `${binDir}:${dirname(process.execPath)}:${process.env.PATH}`,
  },
});
writeFileSync(join(ARTIFACTS, 'nvim.log'), `status ${r.status} signal ${r.signal}\n--stdout\n${r.stdout}\n--stderr\n${r.stderr}\n`);
rmSync(tmp, { recursive: true, force: true });

if (!existsSync(out)) {
  check('nvim ran the script', false, `no ${out}; nvim exit ${r.status} ${r.signal ?? ''} ${r.error ?? ''} ${String(r.stderr).slice(-1000)}`);
  finish();
}
const res = JSON.parse(readFileSync(out, 'utf8'));

// The README's guard: without the server on PATH, Neovim says what to do instead of a Lua error.
{
  const tmp2 = mkdtempSync(join(tmpdir(), 'routeros-nvim-nopath-'));
  writeFileSync(join(tmp2, 'init.lua'), readmeConfig());
  const f2 = join(tmp2, 'x.rsc');
  writeFileSync(f2, '/ip address print\n');
  const r2 = spawnSync('nvim', ['--headless', '--clean', '-u', join(tmp2, 'init.lua'), '-n', f2, '+qa!'], {
    cwd: tmp2,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, HOME: tmp2, XDG_CONFIG_HOME: join(tmp2, 'c'), XDG_DATA_HOME: join(tmp2, 'd'), XDG_CACHE_HOME: join(tmp2, 'k'), XDG_STATE_HOME: join(tmp2, 's'), PATH: '/usr/bin:/bin' },
  });
  const said = `${r2.stdout}\n${r2.stderr}`;
  writeFileSync(join(ARTIFACTS, 'nvim-no-server.log'), said);
  rmSync(tmp2, { recursive: true, force: true });
  check(
    'the README configuration without the server on PATH says to run npm link (no Lua error)',
    /not on PATH: run `npm link`/.test(said) && !/expected number/.test(said),
    said.slice(-800),
  );
}
const got = res.before.map((d) => `${d.code}@${d.line}`).sort();
check(
  `diagnostics arrive for a broken file (${Math.round(res.first_ms)} ms after the script started waiting)`,
  res.before_ok && JSON.stringify(got) === JSON.stringify([...expected.diagnostics].sort()),
  `expected ${JSON.stringify(expected.diagnostics)}, got ${JSON.stringify(res.before)}`,
);
check(
  'diagnostics carry source "routeros"',
  res.before.length > 0 && res.before.every((d) => d.source === 'routeros'),
  JSON.stringify(res.before),
);
check(
  `diagnostics clear after the buffer is repaired (${Math.round(res.after_ms)} ms, includes the 150 ms debounce)`,
  res.after_ok && res.after.length === 0,
  `still: ${JSON.stringify(res.after)}`,
);
finish();
