#!/usr/bin/env bash
# Starts a throwaway S3-compatible server (moto, in memory, Object Lock enforced) on a free port
# and exports MAMORU_TEST_S3_URL (and MAMORU_TEST_MOTO_SERVER, the binary) for the S3 tests.
# Source it, then call s3_start and s3_stop. moto comes from PyPI into a venv kept under
# ~/.cache, so a second run does not download it again; the version is pinned because the tests
# rely on its Object Lock behaviour.

MOTO_VERSION=5.2.5

s3_start() {
  local venv="${XDG_CACHE_HOME:-$HOME/.cache}/mamoru/moto-$MOTO_VERSION"
  if [ ! -x "$venv/bin/moto_server" ]; then
    echo "installing moto $MOTO_VERSION into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  fi
  S3_DIR=$(mktemp -d /tmp/mamoru-s3.XXXXXX)
  S3_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$S3_PORT" >"$S3_DIR/moto.log" 2>&1 &
  S3_PID=$!
  local i
  for i in $(seq 100); do
    if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$S3_PORT/moto-api/')" 2>/dev/null; then
      export MAMORU_TEST_S3_URL="http://127.0.0.1:${S3_PORT}"
      # The wrong-credentials test starts its own server, one that checks signatures.
      export MAMORU_TEST_MOTO_SERVER="$venv/bin/moto_server"
      echo "moto $MOTO_VERSION (S3) on port $S3_PORT ($S3_DIR)"
      return 0
    fi
    if ! kill -0 "$S3_PID" 2>/dev/null; then break; fi
    sleep 0.2
  done
  echo "moto did not start; its log:" >&2
  cat "$S3_DIR/moto.log" >&2
  return 1
}

s3_stop() {
  if [ -n "${S3_PID:-}" ]; then
    kill "$S3_PID" 2>/dev/null || true
    wait "$S3_PID" 2>/dev/null || true
    S3_PID=
  fi
  if [ -n "${S3_DIR:-}" ]; then rm -rf "$S3_DIR"; fi
}
