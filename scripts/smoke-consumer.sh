#!/usr/bin/env bash
# Packs every publishable package, installs the tarballs into a scratch project outside the
# workspace, compiles a TypeScript consumer (and each README's quick start) with NodeNext and Bundler
# resolution, and runs it: ESM and CommonJS, SQLite and PostgreSQL, the RabbitMQ relay.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$root/scripts/pack-packages.sh" "$work/tarballs"

app="$work/app"
mkdir -p "$app"
cp "$root"/scripts/consumer/* "$app/"
node "$app/extract-quick-starts.mjs" "$root/packages" "$app"
node - "$work/tarballs" "$app/package.json" <<'NODE'
const { readdirSync, writeFileSync } = require('node:fs');
const [tarballs, manifest] = process.argv.slice(2);
const local = {};
for (const file of readdirSync(tarballs)) {
  const name = '@chronicle/' + file.replace(/^chronicle-/, '').replace(/-\d+\.\d+\.\d+.*\.tgz$/, '');
  local[name] = `file:${tarballs}/${file}`;
}
writeFileSync(manifest, JSON.stringify({
  name: 'chronicle-consumer', private: true, type: 'module',
  dependencies: { ...local, 'better-sqlite3': '^12.11.0', pg: '^8.16.0', amqplib: '^2.3.1', vitest: '^4.1.0', 'fast-check': '^4.10.0' },
  devDependencies: { typescript: '~5.9.3', '@types/node': '^20.19.0', '@types/pg': '^8.15.0', '@types/better-sqlite3': '^7.6.13' },
  pnpm: { overrides: local, onlyBuiltDependencies: ['better-sqlite3', 'esbuild'] },
}, null, 2));
NODE
cd "$app"
pnpm install --no-frozen-lockfile --reporter=append-only >/dev/null
echo '--- compile with moduleResolution NodeNext'
pnpm exec tsc -p tsconfig.nodenext.json
echo '--- compile with moduleResolution Bundler'
pnpm exec tsc -p tsconfig.bundler.json
echo '--- run (ESM)'
node out/consumer.js
echo '--- run (CommonJS)'
node require-check.cjs
echo '--- the published command-line tools start'
help=$(pnpm exec chronicle-workshop --help)
grep -q 'Chronicle workshop' <<<"$help" && echo 'ok chronicle-workshop --help'
help=$(pnpm exec chronicle-pg-migrate --help)
grep -q 'usage: chronicle-pg-migrate' <<<"$help" && echo 'ok chronicle-pg-migrate --help'
# The chronicle command as installed from its tarball: create a SQLite store, read it, verify it.
pnpm exec chronicle migrate --db "$work/cli.db" >/dev/null
status=$(pnpm exec chronicle status --db "sqlite:$work/cli.db" --json)
node -e 'const s = JSON.parse(process.argv[1]); if (s.events !== 0 || s.schemaVersion < 1) process.exit(1)' "$status"
pnpm exec chronicle verify --db "$work/cli.db" >/dev/null && echo 'ok chronicle migrate / status --json / verify'
# The inspector as installed: its page was bundled into the tarball (dist/ui), nothing is fetched.
node node_modules/@chronicle/cli/dist/bin.js inspect --db "$work/cli.db" --port 0 --json >"$work/inspect.out" &
inspector=$!
for _ in $(seq 1 100); do grep -q '"url"' "$work/inspect.out" 2>/dev/null && break; sleep 0.1; done
url=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).url)' "$work/inspect.out")
page=$(curl -fsS "$url")
overview=$(curl -fsS "${url}api/overview")
curl -fsS -o /dev/null "${url}app.js"
kill "$inspector"
wait "$inspector" || true
grep -q '<script type="module" src="/app.js">' <<<"$page"
grep -q '"adapter":"sqlite"' <<<"$overview"
echo 'ok chronicle inspect serves its bundled page and API'
