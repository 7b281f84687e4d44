#!/usr/bin/env bash
# System packages the real-client tests need: LibreOffice headless (opens and converts what the
# tool writes), poppler's pdftoppm (renders PDFs to PNG) and CJK fonts (so Chinese renders).
set -euo pipefail
need=()
# Debian's python3 lacks ensurepip until python3-venv is installed, and `python3 -m venv` needs it.
python3 -c "import ensurepip" >/dev/null 2>&1 || need+=(python3-venv)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "CJK" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -eq 0 ]; then
  echo "install-system: LibreOffice, pdftoppm and CJK fonts already present"
  exit 0
fi
echo "install-system: installing ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
