#!/usr/bin/env bash
# Runs the whole AciTrace test suite. Never needs pwsh.
# Installs what the tests need (Open vSwitch) when it is missing and we are root.
set -uo pipefail
cd "$(dirname "$0")"

if ! command -v ovs-vswitchd >/dev/null 2>&1 && [ ! -x /usr/sbin/ovs-vswitchd ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing openvswitch-switch (needed by the OVS-backed tests)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openvswitch-switch >/dev/null
  else
    echo "test.sh: Open vSwitch is missing and cannot be installed here (not root or no apt-get); OVS-backed tests will FAIL." >&2
  fi
fi
export PATH="/usr/sbin:$PATH"

log=$(mktemp)
dotnet test AciTrace.slnx -c Release 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# One plain closing line over all test assemblies.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$rc" -eq 0 ] && [ "$passed" -eq 0 ]; then echo "test.sh: no test ran" >&2; exit 1; fi
exit "$rc"
