#!/usr/bin/env bash
# Installs what the test suite needs and the machine lacks: PostgreSQL's server, Chromium,
# Japanese fonts, pdftotext, restic, make and Python's venv module (Debian packages; scripts/lib/s3.sh
# pip-installs moto into a venv) and Node.js with npm. Uses sudo when not root.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
# mamoru-report prints in IPAex Mincho and Gothic; its tests read the PDFs back with pdftotext.
[ -e /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf ] || missing+=(fonts-ipaexfont-gothic)
[ -e /usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf ] || missing+=(fonts-ipaexfont-mincho)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
# mamoru-backup's tests prove that restic reads Mamoru's repositories and the other way round.
command -v restic >/dev/null 2>&1 || missing+=(restic)
# The S3 tests run moto (scripts/lib/s3.sh), pip-installed into a venv; Debian's python3 lacks
# ensurepip (and so pip inside a venv) without python3-venv.
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
# The mamoru binary's allocator, jemalloc, is built from its C sources with configure and make.
command -v make >/dev/null 2>&1 || missing+=(make)

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # The server package's own cluster is not used; the tests start their own.
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
