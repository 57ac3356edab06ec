#!/bin/sh
# The plain-text summary of a `lubench run`: what a reviewer pastes into
# a reply on the list.  Reads the run's result files, prints to stdout.
#
# usage: scripts/host/summary.sh RUN_DIR [CYCLE_NOTE]
set -eu

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 RUN_DIR [CYCLE_NOTE]" >&2
	exit 2
fi
dir=$1
note=${2:-}

# Print one table of bench rows: OP's FIELD (times SCALE) per variant
# (rows) and N (columns), plus the ratio to linear at the largest N.
bench_table() {
	awk -F, -v op="$1" -v field="$2" -v fmt="$3" -v scale="${4:-1}" '
	NR == 1 {
		for (i = 1; i <= NF; i++)
			col[$i] = i
		next
	}
	$col["op"] == op {
		v = $col["variant"]; n = $col["n"] + 0
		if (!(v in seen)) { seen[v] = 1; vars[++nv] = v }
		if (!(n in seenn)) { seenn[n] = 1; ns[++nn] = n }
		val[v, n] = $col[field] * scale
	}
	END {
		if (!nv)
			exit
		# Sizes ascending (insertion sort: a handful of them).
		for (i = 2; i <= nn; i++)
			for (j = i; j > 1 && ns[j - 1] > ns[j]; j--) {
				t = ns[j]; ns[j] = ns[j - 1]; ns[j - 1] = t
			}
		printf "%-9s", "N ="
		for (i = 1; i <= nn; i++)
			printf " %10d", ns[i]
		printf "   vs linear\n"
		big = ns[nn]
		for (k = 1; k <= nv; k++) {
			v = vars[k]
			printf "%-9s", v
			for (i = 1; i <= nn; i++)
				printf " %10s", (v, ns[i]) in val ? \
					sprintf(fmt, val[v, ns[i]]) : "-"
			if (("linear", big) in val && val[v, big] > 0) {
				r = val["linear", big] / val[v, big]
				printf r < 10 ? "   %8.1fx" : "   %8.0fx", r
			}
			printf "\n"
		}
	}' "$dir/bench/results.csv"
}

# shellcheck source=scripts/plot/plot-lib.sh
. "$(dirname "$0")/../plot/plot-lib.sh"
meta=$dir/bench/meta.json

echo "lubench run $(basename "$dir")"
if [ -s "$dir/bench/results.csv" ]; then
	echo "machine: $(meta_value cpu_model), $(meta_value cores) cores," \
		"L2 $(($(meta_value l2_bytes) / 1024)) KiB, L3" \
		"$(($(meta_value l3_bytes) / 1048576)) MiB; kernel $(meta_value kernel)"
	echo "commit $(meta_value git_commit), $(meta_value compiler)" \
		"$(meta_value cflags)"
	echo
	echo "Restore in user space: retrieve the blob + one lookup per enumerated"
	echo "device in PCI enumeration order (N preserved of 2N), total us, median:"
	bench_table restore total_ms "%.1f" 1000
	echo
	echo "find-hit, random order, ns per lookup, median:"
	bench_table find-hit median_ns "%.1f"
	echo
	echo "preserve at fill level N, ns per op, median:"
	bench_table preserve median_ns "%.1f"
	echo
	echo "Per-point spread (MAD, p99) and the harness's own cost: $dir/bench.txt"
fi
if [ -s "$dir/compare.txt" ]; then
	echo
	echo "Against results/baseline (lubench compare: Mann-Whitney p < 0.01 and"
	echo "a change of 30% or more; R regression, I improvement):"
	grep -E ' (R|I) ' "$dir/compare.txt" || true
	tail -n 1 "$dir/compare.txt"
fi
if [ -s "$dir/cycle.txt" ]; then
	echo
	echo "Live update in the QEMU guest (kexec; blackout on the TSC):"
	sed -n '/^lubench cycle/,$p' "$dir/cycle.txt"
fi
if [ -n "$note" ]; then
	echo
	echo "live-update cycles: $note"
fi
