#!/usr/bin/env bash
# Re-captures tests/Unit/Fixtures/Traces/<scenario>/trace.txt for every scenario on real OVS.
# It starts the two nodes of Fixtures/Traces/_cluster (flows, groups, TLV map, topology), runs every command.txt and
# writes what ovs-appctl prints (or its error text). Review the diff afterwards, and update expected.json by hand
# when a trace changed meaning.
#   usage: tools/capture-fixtures.sh            (needs Open vSwitch 3.1: /usr/sbin/ovs-vswitchd, ovsdb-server)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export PATH="/usr/sbin:$PATH"
export ACITRACE_RECAPTURE_FIXTURES="$repo/tests/Unit/Fixtures/Traces"
exec dotnet test "$repo/tests/Unit/AciTrace.Tests.Unit.csproj" \
    --filter "FullyQualifiedName~AciTrace.Tests.Unit.Ovs.FixtureRegenerationTests.LiveTraceEqualsCapturedTrace" \
    --logger "console;verbosity=normal"
