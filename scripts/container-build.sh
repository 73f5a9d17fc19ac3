#!/bin/sh
# The Dockerfile's build steps as a script, so they run (and are tested) without a container
# engine: test/e2e/packed-install.test.ts runs `pack` and `install` exactly as the Dockerfile does.
#
#   container-build.sh pack OUT_DIR
#       compile (npm's prepare → tsc) and pack what npm would publish: OUT_DIR/switchyard-gateway.tgz
#   container-build.sh install TARBALL LOCKFILE APP_DIR
#       the runtime layout: the packed files in APP_DIR, production dependencies only (npm ci --omit=dev)
set -eu

case "${1:-}" in
  pack)
    out=$2
    mkdir -p "$out"
    name=$(npm pack --pack-destination "$out" --silent | tail -n 1)
    mv "$out/$name" "$out/switchyard-gateway.tgz"
    ;;
  install)
    tarball=$2
    lock=$3
    app=$4
    mkdir -p "$app"
    tar xzf "$tarball" -C "$app" --strip-components=1
    cp "$lock" "$app/package-lock.json"
    cd "$app"
    # dist/ is built already; prepare would need the dev dependencies (TypeScript).
    npm pkg delete scripts.prepare
    # shellcheck disable=SC2086 # NPM_CI_FLAGS is a list of flags (the test adds --prefer-offline)
    npm ci --omit=dev --no-audit --no-fund ${NPM_CI_FLAGS:-}
    ;;
  *)
    echo "usage: container-build.sh pack OUT_DIR | install TARBALL LOCKFILE APP_DIR" >&2
    exit 2
    ;;
esac
