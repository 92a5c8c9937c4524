#!/usr/bin/env bash
# Runs the whole AciTrace test suite: dotnet test (engine, lab, fixtures on live OVS), then the Pester suite in a
# real pwsh against the built module and a running lab. Installs Open vSwitch when it is missing and we are root.
# pwsh: the user's own when it is on PATH and 7.4 or newer, otherwise one built from Microsoft.PowerShell.SDK
# (tools/AciTrace.Pwsh, a test tool that is never shipped); Pester 5.9.1 comes from NuGet.
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
config=Release

log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test AciTrace.slnx -c "$config" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "dotnet test: ${passed} passed, ${failed} failed, ${skipped} skipped"

# Pester in real pwsh. The tool project also lays out Pester (a PackageDownload) beside the built pwsh.
echo "test.sh: building the test pwsh and fetching Pester (tools/AciTrace.Pwsh)"
if ! dotnet build tools/AciTrace.Pwsh -c "$config" -v quiet -nologo >"$log" 2>&1; then
  cat "$log"; echo "test.sh: could not build tools/AciTrace.Pwsh" >&2
  echo "Tests: ${passed} passed, $((failed + 1)) failed, ${skipped} skipped"; exit 1
fi
tooldir=tools/AciTrace.Pwsh/bin/$config/net10.0
pwsh_bin=$tooldir/pwsh
if command -v pwsh >/dev/null 2>&1; then
  v=$(pwsh -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()' 2>/dev/null || true)
  if [ -n "$v" ] && [ "$(printf '%s\n7.4.0\n' "$v" | sort -V | head -1)" = "7.4.0" ]; then pwsh_bin=$(command -v pwsh); fi
fi
echo "test.sh: Pester $(basename "$(dirname "$tooldir/Modules/Pester/Pester.psd1")") in $pwsh_bin ($("$pwsh_bin" -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()'))"
"$pwsh_bin" -NoProfile -NonInteractive -File tests/Pester/Invoke-AciTraceTests.ps1 \
  -PesterPath "$tooldir/Modules/Pester" -ModulePath out/AciTrace \
  -LabDll "src/AciTrace.Lab/bin/$config/net10.0/AciTrace.Lab.dll" -ResultPath out/pester-results.xml 2>&1 | tee "$log"
prc=${PIPESTATUS[0]}
line=$(grep -E '^Pester: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$log" | tail -1)
if [ -z "$line" ]; then
  echo "test.sh: the Pester run printed no result line (exit $prc)" >&2
  failed=$((failed + 1))
else
  read -r pp pf ps < <(echo "$line" | grep -Eo '[0-9]+' | tr '\n' ' ')
  passed=$((passed + pp)); failed=$((failed + pf)); skipped=$((skipped + ps))
  if [ "$prc" -ne 0 ] && [ "$pf" -eq 0 ]; then failed=$((failed + 1)); fi
fi

echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$rc" -eq 0 ] && [ "$passed" -eq 0 ]; then echo "test.sh: no test ran" >&2; exit 1; fi
if [ "$rc" -ne 0 ] || [ "$prc" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
exit 0
