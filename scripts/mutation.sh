#!/usr/bin/env bash
# `make mutation`: mutation testing of the engine's four packages, and of
# lesson's judging, with gremlins, pinned and installed into build/bin
# (nothing from PATH but go). Each package is run alone (its subpackages
# excluded), one after another; each run's list of LIVED, NOT COVERED and
# TIMED OUT mutants, with file:line:column, is in build/mutation/<name>.txt
# and its figures in <name>.json. cmd/mutscore then gives each run's test
# efficacy as gremlins counts it and without the mutants that
# docs/equivalent-mutants.txt lists as equivalent (docs/testing.md says
# why each is), and fails if an engine package's second figure or its
# mutator coverage is under 95%, or if a listed equivalent was killed.
#
#   scripts/mutation.sh [name...]   names: pcap scenario sim engine judge
#
# WORKERS (default 1) and TIMEOUT_COEFFICIENT (default 30: a slow, loaded
# machine must not turn a test's run into a false TIMED OUT) tune the runs;
# SCOPE (FILE:NAME,NAME ..., as judge_scope below) limits them to some
# functions, to check a change without the whole run.
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
"$GO" build -o "$bin/mutscore" ./cmd/mutscore

# gremlins v0.6.0 calls every mutant in a switch's case condition NOT
# COVERED, since Go's coverage gives case conditions no block
# (go-gremlins/gremlins#298): a go command in front of the real one adds
# them to the coverage profile gremlins gathers (cmd/casecover). With
# MUTATION_SCOPE set it also keeps only that scope's blocks, so that
# gremlins tests only the mutants there.
real_go=$(command -v "$GO")
module=$("$GO" list -m)
cat >"$out/shim/go" <<SHIM
#!/usr/bin/env bash
"$real_go" "\$@" || exit
prev=
for a in "\$@"; do
  if [ "\$prev" = -coverprofile ]; then exec "$bin/casecover" -module "$module" -root "$root" -scope "\${MUTATION_SCOPE:-}" "\$a"; fi
  prev=\$a
done
SHIM
chmod +x "$out/shim/go"

# gremlins times each mutant's run against the coverage run: that one
# must not come from go test's cache.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-count=1"

# lesson's judging: the functions that decide whether an answer is right
# and say why (internal/mutscope names them; a name that moves out of its
# file stops the run). gremlins cannot pick functions, and lesson's tests
# take seconds per mutant: the coverage profile keeps only these
# functions' blocks, so gremlins tests only their mutants.
judge_scope="lesson/session.go:answer,judge,truth,listenOutcome,choices,nextPortChoices,lookAhead
  lesson/probe.go:twReuseOutcome,reuseAddrOutcome,serverAddr lesson/run.go:matches
  lesson/view.go:replyChoice,flagName lesson/text.go:answerQuantities,againText,pickText"

# name, directory, the subpackages' files to leave to their own runs, the
# least test efficacy (without the equivalents) and mutator coverage:
# lesson's judging is measured and reported, not held to a figure.
runs=(
  "pcap ./engine/sim/pcap - 95"
  "scenario ./engine/scenario - 95"
  "sim ./engine/sim (^|/)pcap/ 95"
  "engine ./engine (^|/)(scenario|sim)/ 95"
  "judge ./lesson - 0"
)
want=("$@")
failed=()
for r in "${runs[@]}"; do
  read -r name dir exclude least <<<"$r"
  if [ ${#want[@]} -gt 0 ] && ! printf '%s\n' "${want[@]}" | grep -qx "$name"; then
    continue
  fi
  args=(unleash --workers "${WORKERS:-1}" --timeout-coefficient "${TIMEOUT_COEFFICIENT:-30}"
    --output-statuses lct --output "$out/$name.json")
  if [ "$exclude" != - ]; then args+=(--exclude-files "$exclude"); fi
  scope=${SCOPE:-}
  if [ "$name" = judge ] && [ -z "$scope" ]; then scope=$judge_scope; fi
  echo "mutation: $name ($dir), output in build/mutation/$name.txt" >&2
  if ! MUTATION_SCOPE=$scope PATH="$out/shim:$PATH" "$bin/gremlins" "${args[@]}" "$dir" >"$out/$name.txt" 2>&1 ||
    ! "$bin/mutscore" -root "$root" -dir "${dir#./}" -name "$name" -equivalents docs/equivalent-mutants.txt \
      -scope "$scope" -min "$least" "$out/$name.json" | sed 's/^/  /'; then
    failed+=("$name")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "mutation: under the least figures, a listed equivalent killed, or failed to run: ${failed[*]}; see build/mutation/" >&2
  exit 1
fi
