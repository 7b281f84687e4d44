#!/usr/bin/env bash
# The npm package the add-in tests read the built taizhang.xlam with (SheetJS cfb), installed into
# the project-local folder .addin-readers/ (in .gitignore). Idempotent; CI runs it from
# .ci/install-system.sh, tests/test_addin_readers.py runs it when the folder is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.addin-readers
CFB_VERSION=1.2.2
if [ -f "$dest/node_modules/cfb/package.json" ] && grep -q "\"version\": \"$CFB_VERSION\"" "$dest/node_modules/cfb/package.json"; then
  echo "addin-readers: cfb $CFB_VERSION present"
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "addin-readers: npm not found (install nodejs and npm)"; exit 1; }
mkdir -p "$dest"
[ -f "$dest/package.json" ] || echo '{"name": "taizhang-addin-readers", "private": true}' > "$dest/package.json"
npm install --prefix "$dest" --no-audit --no-fund --silent "cfb@$CFB_VERSION"
echo "addin-readers: installed cfb $CFB_VERSION into $dest"
