#!/bin/sh
# Plot a `lubench bench` run with gnuplot: ns per op against N for every
# op (log-log, one line per variant, marks where each table outgrows L1,
# L2 and L3), the restore total against N, and the speedup over linear.
# Reads RUN_DIR/results.csv and RUN_DIR/meta.json; writes PNG and SVG
# into RUN_DIR/plots/.
#
# usage: scripts/plot/plot.sh RUN_DIR
set -eu

usage() {
	echo "usage: $0 RUN_DIR" >&2
	exit 1
}

die() {
	echo "plot: $*" >&2
	exit 1
}

[ $# -eq 1 ] || usage
case $1 in -h|--help) usage ;; esac
run=${1%/}
csv=$run/results.csv
meta=$run/meta.json
[ -r "$csv" ] || die "no $csv (is $run a bench run directory?)"
[ -r "$meta" ] || die "no $meta"
# shellcheck source=scripts/plot/plot-lib.sh
. "$(dirname "$0")/plot-lib.sh"
plot_init "$run/plots"

l1=$(meta_value l1d_bytes)
l2=$(meta_value l2_bytes)
l3=$(meta_value l3_bytes)
run_id=$(meta_value run_id)
cpu_model=$(meta_value cpu_model)
share=$(meta_value share_pct)

# Split the CSV by op and variant: N median min p99 total speedup bytes.
awk -F, -v dir="$tmp" '
NR == 1 {
	for (i = 1; i <= NF; i++)
		col[$i] = i
	need = "op variant n median_ns min_ns p99_ns total_ms speedup_vs_linear table_bytes"
	split(need, k, " ")
	for (i in k)
		if (!(k[i] in col)) {
			print "plot: results.csv has no column " k[i] > "/dev/stderr"
			exit 1
		}
	next
}
{
	op = $col["op"]; v = $col["variant"]
	if (!(v in sv)) { sv[v] = 1; variants[++nv] = v }
	if (!(op in so)) { so[op] = 1; ops[++no] = op }
	if (!($col["n"] in sn)) { sn[$col["n"]] = 1; print $col["n"] > (dir "/sizes") }
	sp = $col["speedup_vs_linear"]
	print $col["n"], $col["median_ns"], $col["min_ns"], $col["p99_ns"],
	      $col["total_ms"], (sp == "" ? "NaN" : sp), $col["table_bytes"] \
	      > (dir "/" op "__" v ".raw")
}
END {
	for (i = 1; i <= nv; i++) print variants[i] > (dir "/variants")
	for (i = 1; i <= no; i++) print ops[i] > (dir "/ops")
}' "$csv"
[ -s "$tmp/variants" ] || die "$csv has no rows"
for f in "$tmp"/*.raw; do
	sort -n "$f" > "${f%.raw}.dat"
done

# x tics at the measured N: 16 64 256 1k 4k ... 256k 1M.
xtics=$(sort -n "$tmp/sizes" | awk '
function label(n) {
	if (n >= 1048576 && n % 1048576 == 0) return n / 1048576 "M"
	if (n >= 1024 && n % 1024 == 0) return n / 1024 "k"
	return n
}
{ s = s (NR > 1 ? ", " : "") "\"" label($1) "\" " $1 }
END { print "(" s ")" }')

# Room left and right of the measured N, so end marks are not on the border.
xrange=$(sort -n "$tmp/sizes" | awk 'NR == 1 { lo = $1 } { hi = $1 }
	END { printf "[%g:%g]", lo / 1.3, hi * 1.3 }')

# Bytes as a cache size is usually written.
human() {
	awk -v b="${1:-0}" 'BEGIN {
		if (b >= 1048576 && b % 1048576 == 0) print b / 1048576 " MiB"
		else if (b >= 1024 && b % 1024 == 0) print b / 1024 " KiB"
		else if (b > 0) print b " B"
		else print "?"
	}'
}

# Colour of the i-th variant, in registration order.
colour() {
	echo "#d62728 #1f77b4 #2ca02c #9467bd #ff7f0e #17becf #8c564b #e377c2 \
#7f7f7f #bcbd22" | awk -v i="$1" '{ print $((i - 1) % NF + 1) }'
}

# Where each variant's table reaches L1, L2, L3: interpolated in log-log
# between the measured N, from the table_bytes the bench recorded.
cache_marks() {
	i=0
	while read -r v; do
		i=$((i + 1))
		f=$(ls "$tmp"/*__"$v".dat 2>/dev/null | head -n 1)
		[ -n "$f" ] || continue
		awk -v l1="${l1:-0}" -v l2="${l2:-0}" -v l3="${l3:-0}" \
		    -v c="$(colour $i)" -v idx="$i" '
		{ n[NR] = $1; b[NR] = $7 }
		END {
			split(l1 " " l2 " " l3, size, " ")
			for (lv = 1; lv <= 3; lv++) {
				s = size[lv]
				if (s <= 0) continue
				for (j = 2; j <= NR; j++) {
					if (!(b[j - 1] < s && b[j] >= s)) continue
					slope = (log(n[j]) - log(n[j - 1])) / \
						(log(b[j]) - log(b[j - 1]))
					x = exp(log(n[j - 1]) + \
						(log(s) - log(b[j - 1])) * slope)
					printf "set arrow from %g, graph 0 to %g, graph 1 nohead dt 2 lw 1 lc rgb \"%s\" back\n", x, x, c
					printf "set label \"L%d\" at %g, graph %.3f center tc rgb \"%s\" font \",9\" front\n", lv, x, 1.0 - 0.03 * idx, c
					break
				}
			}
		}' "$f"
	done < "$tmp/variants"
}

# plot commands for one op: column $2 of each variant's file.
# $1 op, $2 using-spec, $3 style
plot_lines() {
	i=0
	sep="plot"
	while read -r v; do
		i=$((i + 1))
		f=$tmp/${1}__$v.dat
		[ -s "$f" ] || continue
		printf '%s "%s" using %s with %s lw 2 pt %d ps 1.1 lc rgb "%s" title "%s"' \
			"$sep" "$f" "$2" "$3" $(( (i - 1) % 13 + 1 )) "$(colour $i)" "$v"
		sep=", \\
    "
	done < "$tmp/variants"
	echo
}

ylabel_of() {
	case $1 in
	preserve) echo "ns per preserve (table holding N-k..N devices)" ;;
	unpreserve) echo "ns per unpreserve (table holding N-k..N devices)" ;;
	find-hit) echo "ns per lookup of a preserved device (random order)" ;;
	find-miss) echo "ns per lookup of a device not preserved" ;;
	retrieve) echo "ns per preserved device (check blob, build table)" ;;
	restore) echo "ns per enumerated device (retrieve + one lookup each)" ;;
	*) echo "ns per $1" ;;
	esac
}

common() {
	cat <<EOF
set logscale x 2
set xrange $xrange
set xtics $xtics
set mxtics default
set grid xtics ytics mytics lc rgb "#d8d8d8"
set key outside right top box opaque
set xlabel "preserved devices N (log scale; ${share:-50}% of the enumerated devices)"
set tmargin 4
EOF
}

cache_note="dashed: where each table's bytes reach L1d $(human "$l1"), L2 $(human "$l2"), L3 $(human "$l3")"
marks=$(cache_marks)


while read -r op; do
	{
		common
		echo "$marks"
		echo "set logscale y 10"
		echo "set format y '%g'"
		echo "set ylabel \"$(ylabel_of "$op")\""
		printf '%s\n' "set title \"$op: ns per op (median; bars: min to p99)\\n{/*0.8 run $run_id, $cpu_model; $cache_note}\""
		plot_lines "$op" "1:2:3:4" yerrorlines
	} | render "ns-per-op-$op"
done < "$tmp/ops"

if grep -qx restore "$tmp/ops"; then
	{
		common
		echo "$marks"
		echo "set logscale y 10"
		echo "set format y '%g'"
		echo "set ylabel \"restore total, ms (retrieve + a lookup per enumerated device)\""
		printf '%s\n' "set title \"restore: whole incoming side, median\\n{/*0.8 run $run_id, $cpu_model; $cache_note}\""
		plot_lines restore "1:5" linespoints
	} | render restore-total
fi

if grep -qx linear "$tmp/variants"; then
	while read -r op; do
		{
			common
			echo "set logscale y 10"
			echo "set format y '%gx'"
			echo "set ylabel \"speedup over linear (linear median / variant median)\""
			printf '%s\n' "set title \"$op: speedup over linear\\n{/*0.8 run $run_id, $cpu_model}\""
			echo "set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 1 lc rgb '#808080'"
			plot_lines "$op" "1:6" linespoints
		} | render "speedup-$op"
	done < "$tmp/ops"
fi
