#!/usr/bin/env bash
# Runs the whole AciTrace test suite: dotnet test (engine, lab, fixtures on live OVS), then the Pester suite in a
# real pwsh against the built module and a running lab (tests/Pester/Invoke-AciTraceTests.ps1). Installs Open
# vSwitch and Chromium when they are missing and we are root. pwsh: yours when it is 7.4 or newer, else one built from
# Microsoft.PowerShell.SDK (tools/pwsh); Pester 5.9.1 comes from NuGet. The last line counts both runners.
set -uo pipefail
cd "$(dirname "$0")"
tools/install-ovs.sh || echo "test.sh: the OVS-backed tests will FAIL" >&2
tools/install-chromium.sh || echo "test.sh: the report tests (headless Chromium) will FAIL" >&2
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

# Pester needs the Pester module that the pwsh tool project lays out, also when your own pwsh runs it.
ACITRACE_PWSH=built tools/pwsh -NoProfile -NonInteractive -Command 'exit 0' || { echo "test.sh: no pwsh to run Pester" >&2; exit 1; }
tools/pwsh -NoProfile -NonInteractive -File tests/Pester/Invoke-AciTraceTests.ps1 \
  -PesterPath tools/AciTrace.Pwsh/bin/Release/net10.0/Modules/Pester -ModulePath out/AciTrace \
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
if [ "$passed" -eq 0 ]; then echo "test.sh: no test ran" >&2; exit 1; fi
if [ "$rc" -ne 0 ] || [ "$prc" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
exit 0
