#!/usr/bin/env bash
# Installs Open vSwitch (userspace: the lab and the OVS-backed tests run their own ovs-vswitchd) when it is missing
# and this is a Debian-like machine where we are root. Prints what it did; exit 1 when OVS stays missing.
set -uo pipefail
if command -v ovs-vswitchd >/dev/null 2>&1 || [ -x /usr/sbin/ovs-vswitchd ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "install-ovs: installing openvswitch-switch (the lab runs one real OVS per simulated node)" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openvswitch-switch >/dev/null
  [ -x /usr/sbin/ovs-vswitchd ] && exit 0
fi
echo "install-ovs: Open vSwitch is missing and cannot be installed here (needs root and apt-get): sudo apt-get install openvswitch-switch" >&2
exit 1
