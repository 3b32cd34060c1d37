#!/usr/bin/env bash
# Runs Mamoru's whole test suite, the same locally and in CI:
#   formatting and lints, every crate's tests (the store suite on SQLite and on a real
#   PostgreSQL server started here on a free port, the backup engine on S3 against moto, also
#   started here), and the browser tests in Chromium.
# It installs what it needs (PostgreSQL, Chromium, playwright-core) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/lib/deps.sh

# A clean clone builds once: incremental caches would only cost disk and time.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi

# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh
# shellcheck source=lib/s3.sh
source scripts/lib/s3.sh
trap 'pg_stop; s3_stop' EXIT
pg_start
s3_start

step() { printf '\n==> %s\n' "$*"; }

step "format"
cargo fmt --all --check

step "lints"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests (SQLite and PostgreSQL at ${MAMORU_TEST_POSTGRES_URL}, S3 at ${MAMORU_TEST_S3_URL})"
cargo test --workspace --locked

step "browser tests (Chromium)"
(cd tests/e2e && npm ci --no-audit --no-fund --silent && node --test)

step "all tests passed"
