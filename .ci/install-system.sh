#!/usr/bin/env bash
# System packages the real-client tests need: LibreOffice headless, Calc and Writer (opens and converts what the
# tool writes), poppler's pdftoppm (renders PDFs to PNG), CJK fonts (so Chinese renders), and the
# strict readers of the built Excel add-in: a JDK (javac) with Apache POI, and Node.js with npm
# (SheetJS cfb is then installed by tests/addin_readers.sh into a project-local folder), and
# dovecot-imapd, the IMAP server the collect tests start on loopback with their own throwaway config.
set -euo pipefail
need=()
# Debian's python3 lacks ensurepip until python3-venv is installed, and `python3 -m venv` needs it.
python3 -c "import ensurepip" >/dev/null 2>&1 || need+=(python3-venv)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
# Writer converts the 通报 (.docx) to PDF (taizhang report --pdf and its tests).
dpkg -s libreoffice-writer-nogui >/dev/null 2>&1 || dpkg -s libreoffice-writer >/dev/null 2>&1 \
  || need+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "CJK" || need+=(fonts-noto-cjk)
command -v javac >/dev/null 2>&1 || need+=(default-jdk-headless)
[ -f /usr/share/java/poi.jar ] || need+=(libapache-poi-java)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
if [ ${#need[@]} -eq 0 ]; then
  echo "install-system: LibreOffice, pdftoppm, CJK fonts, javac + Apache POI, node + npm already present"
else
  echo "install-system: installing ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  # No service may start from an install (dovecot's would take port 143 system-wide): Debian's
  # policy-rc.d convention, exit 101 = "not allowed", in place for the install only when absent.
  policy=/usr/sbin/policy-rc.d
  added_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    added_policy=1
  fi
  status=0
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}" || status=$?
  [ -z "$added_policy" ] || $SUDO rm -f "$policy"
  [ "$status" -eq 0 ] || exit "$status"
fi
# npm packages for the add-in tests, into .addin-readers/ (not committed).
bash "$(dirname "$0")/../tests/addin_readers.sh"
