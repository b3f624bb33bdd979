#!/usr/bin/env bash
# `make mutation`: mutation testing of the engine's four packages with
# gremlins, pinned and installed into build/bin (nothing from PATH but go).
# Each package is run alone (its subpackages excluded), one after another;
# each run's list of LIVED, NOT COVERED and TIMED OUT mutants, with
# file:line:column, is in build/mutation/<name>.txt and its figures in
# <name>.json. Fails if a package's test efficacy or mutator coverage is
# under 95%. docs/testing.md lists the survivors known to be equivalent.
#
#   scripts/mutation.sh [name...]   names: pcap scenario sim engine
#
# WORKERS (default 1) and TIMEOUT_COEFFICIENT (default 30: a slow, loaded
# machine must not turn a test's run into a false TIMED OUT) tune the runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
GO=${GO:-go}
gremlins_version=v0.6.0
bin=$root/build/bin
out=$root/build/mutation
mkdir -p "$bin" "$out/shim"

if ! [ -x "$bin/gremlins" ] || ! [ "$(cat "$bin/gremlins.version" 2>/dev/null)" = "$gremlins_version" ]; then
  echo "mutation: installing gremlins@$gremlins_version into build/bin" >&2
  GOBIN=$bin "$GO" install "github.com/go-gremlins/gremlins/cmd/gremlins@$gremlins_version"
  echo "$gremlins_version" >"$bin/gremlins.version"
fi
"$GO" build -o "$bin/casecover" ./cmd/casecover

# gremlins v0.6.0 calls every mutant in a switch's case condition NOT
# COVERED, since Go's coverage gives case conditions no block
# (go-gremlins/gremlins#298): a go command in front of the real one adds
# them to the coverage profile gremlins gathers (cmd/casecover).
real_go=$(command -v "$GO")
module=$("$GO" list -m)
cat >"$out/shim/go" <<SHIM
#!/usr/bin/env bash
"$real_go" "\$@" || exit
prev=
for a in "\$@"; do
  if [ "\$prev" = -coverprofile ]; then exec "$bin/casecover" -module "$module" -root "$root" "\$a"; fi
  prev=\$a
done
SHIM
chmod +x "$out/shim/go"

# gremlins times each mutant's run against the coverage run: that one
# must not come from go test's cache.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-count=1"

# name, directory, the subpackages' files to leave to their own runs
runs=(
  "pcap ./engine/sim/pcap -"
  "scenario ./engine/scenario -"
  "sim ./engine/sim (^|/)pcap/"
  "engine ./engine (^|/)(scenario|sim)/"
)
want=("$@")
failed=()
for r in "${runs[@]}"; do
  read -r name dir exclude <<<"$r"
  if [ ${#want[@]} -gt 0 ] && ! printf '%s\n' "${want[@]}" | grep -qx "$name"; then
    continue
  fi
  args=(unleash --workers "${WORKERS:-1}" --timeout-coefficient "${TIMEOUT_COEFFICIENT:-30}"
    --output-statuses lct --output "$out/$name.json"
    --threshold-efficacy 95 --threshold-mcover 95)
  if [ "$exclude" != - ]; then args+=(--exclude-files "$exclude"); fi
  echo "mutation: $name ($dir), output in build/mutation/$name.txt" >&2
  status=0
  PATH="$out/shim:$PATH" "$bin/gremlins" "${args[@]}" "$dir" >"$out/$name.txt" 2>&1 || status=$?
  grep -E '^(Killed|Timed out|Test efficacy|Mutator coverage)' "$out/$name.txt" | sed "s/^/  $name: /"
  if [ $status -ne 0 ]; then failed+=("$name"); fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "mutation: under 95% (or failed to run): ${failed[*]}; see build/mutation/" >&2
  exit 1
fi
