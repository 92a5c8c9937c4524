#!/usr/bin/env bash
# Installs a headless-capable Chromium (Debian's chromium) when it is missing and this is a Debian-like machine where
# we are root: the Pester suite opens Export-AciReport's HTML in it. Exit 1 when it stays missing.
set -uo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: installing chromium (the report tests render Export-AciReport's page headless)" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  command -v chromium >/dev/null 2>&1 && exit 0
fi
echo "install-chromium: Chromium is missing and cannot be installed here (needs root and apt-get): sudo apt-get install chromium" >&2
exit 1
