#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole suite, as `make check` runs it: unit tests and integration
# scripts against the plain build, the same again against the ASan+UBSan
# build, then every libFuzzer target for FUZZ_SECONDS. Every test prints
# "PASS name" or "FAIL name"; this script adds them up and ends with the
# line CI reads: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-15}
log=$(mktemp -d /tmp/openwsus-check.XXXXXX)
pass=0
fail=0
failed_names=()

# count NAME OUTPUT_FILE STATUS: adds the PASS/FAIL lines of one program.
count() {
	local name=$1 out=$2 status=$3 p f
	p=$(grep -c '^PASS ' "$out")
	f=$(grep -c '^FAIL ' "$out")
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $name (exited $status without a failing test: crash?)" >>"$out"
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -gt 0 ]; then
		failed_names+=("$name")
		echo "---- $name: $f failed ----"
		grep -v '^PASS ' "$out" | tail -n 40
	fi
	printf '%-40s %4d passed, %d failed\n' "$name" "$p" "$f"
}

suite() {
	local build=$1 label=$2 t out
	for t in "$build"/tests/test_*; do
		[ -x "$t" ] || continue
		out="$log/$label-$(basename "$t").out"
		"$t" >"$out" 2>&1
		count "$label/$(basename "$t")" "$out" $?
	done
	for t in tests/t/t*.sh; do
		out="$log/$label-$(basename "$t" .sh).out"
		OPENWSUS="$PWD/$build/openwsus" timeout 600 bash "$t" >"$out" 2>&1
		count "$label/$(basename "$t" .sh)" "$out" $?
	done
}

fuzz() {
	local f name out corpus runs total=0 crashed=0
	for f in build-fuzz/bin/fuzz_*; do
		[ -x "$f" ] || continue
		name=$(basename "$f")
		out="$log/$name.out"
		corpus="$log/corpus-$name"
		mkdir -p "$corpus"
		cp tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
		if "$f" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
			"$corpus" >"$out" 2>&1; then
			runs=$(grep -o 'Done [0-9]* runs' "$out" | tail -n 1 | grep -o '[0-9]*')
			total=$((total + ${runs:-0}))
			echo "PASS $name (${runs:-?} runs in ${FUZZ_SECONDS} s)" >>"$out"
		else
			crashed=$((crashed + 1))
			echo "FAIL $name" >>"$out"
		fi
		count "fuzz/$name" "$out" 0
		grep -o '(.* runs in .*)' "$out" | tail -n 1 | sed "s/^/    /"
	done
	echo "fuzz: $total executions over all targets, $crashed target(s) with a crash"
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
[ "${SKIP_PLAIN:-0}" = 1 ] || suite build plain
[ "${SKIP_ASAN:-0}" = 1 ] || suite build-asan asan
[ "${SKIP_FUZZ:-0}" = 1 ] || fuzz

echo
[ ${#failed_names[@]} -gt 0 ] && echo "failed: ${failed_names[*]} (logs in $log)"
[ ${#failed_names[@]} -eq 0 ] && rm -rf "$log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
