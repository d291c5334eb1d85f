#!/usr/bin/env bash
# Builds every publishable package, packs it as npm would publish it, and lints the tarball with
# publint and @arethetypeswrong/cli. Usage: scripts/pack-packages.sh <output-dir>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
cd "$root"

# No telemetry banner in the middle of `pnpm test`.
TURBO_TELEMETRY_DISABLED=1 pnpm turbo run build --output-logs=errors-only

for manifest in packages/*/package.json; do
  dir=$(dirname "$manifest")
  [ "$(node -p "require('./$manifest').private === true")" = true ] && continue
  name=$(node -p "require('./$manifest').name")
  cp LICENSE "$dir/LICENSE"
  tarball=$(cd "$dir" && pnpm pack --pack-destination "$out" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).filename))')
  rm "$dir/LICENSE"
  echo "--- $name: $(basename "$tarball")"
  pnpm exec publint run --strict "$tarball"
  # A package without a CommonJS build (the conformance suite: vitest is ESM-only) is checked as ESM-only.
  profile=strict
  [ "$(node -p "Boolean(require('./$manifest').publishConfig?.exports?.['.']?.require)")" = true ] || profile=esm-only
  pnpm exec attw "$tarball" --profile "$profile" --format table-flipped
done
