#!/bin/sh
# Plot a `lubench cycle` result directory with gnuplot: the blackout of a
# live update as stacked phases per variant (one figure per N), the
# layout's own share of it (retrieve + lookups) on a scale where it
# shows, and, when the results hold several N, the lookups' share of the
# blackout against N. Reads DIR/results.csv and DIR/meta.json
# (results/CYCLE-SCHEMA.md); writes PNG and SVG into DIR/plots/.
#
# usage: scripts/plot/plot-cycle.sh RESULTS_DIR
set -eu

usage() {
	echo "usage: $0 RESULTS_DIR" >&2
	exit 2
}

die() {
	echo "plot-cycle: $*" >&2
	exit 1
}

[ $# -eq 1 ] || usage
case $1 in -h | --help | -*) usage ;; esac
dir=${1%/}
csv=$dir/results.csv
meta=$dir/meta.json
[ -r "$csv" ] || die "no $csv (is $dir a cycle result directory?)"
# shellcheck source=scripts/plot/plot-lib.sh
. "$(dirname "$0")/plot-lib.sh"
plot_init "$dir/plots"

run_id=$(meta_value run_id)
accel=$(meta_value accelerator)
kernel=$(meta_value guest_kernel)
cpu=$(meta_value guest_cpu)

# Medians per (N, variant) of the measured cycles: no fault, no warm-up,
# a blackout reported. One file per N: variant M reps and the phases.
awk -v dir="$tmp" '
# A CSV line into f[1..n]: fields may be quoted, with commas and "" inside.
function csv(line, f,    n, c, q, i, ch) {
	n = 1; f[1] = ""; q = 0
	for (i = 1; i <= length(line); i++) {
		ch = substr(line, i, 1)
		if (q && ch == "\"" && substr(line, i + 1, 1) == "\"") {
			f[n] = f[n] ch; i++
		} else if (ch == "\"") {
			q = !q
		} else if (ch == "," && !q) {
			f[++n] = ""
		} else {
			f[n] = f[n] ch
		}
	}
	return n
}
function median(key,    n, i, j, t, v) {
	n = split(vals[key], v, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
{
	nf = csv($0, F)
}
NR == 1 {
	for (i = 1; i <= nf; i++)
		col[F[i]] = i
	split("variant fault warmup devices preserved blackout_ms exit_ms jump_ms shutdown_jump_ms boot_ms map_ms retrieve_ms enumerate_ms lookup_ms user_ms", need, " ")
	for (i in need)
		if (!(need[i] in col)) {
			print "plot-cycle: results.csv has no column " need[i] > "/dev/stderr"
			exit 1
		}
	nph = split("exit jump boot map retrieve enum lookup user", ph, " ")
	next
}
F[col["fault"]] == "none" && F[col["warmup"]] == "false" && F[col["blackout_ms"]] != "" {
	n = F[col["devices"]]; v = F[col["variant"]]
	if (!((n, v) in seen)) {
		seen[n, v] = 1
		order[++no] = n SUBSEP v
		if (!(n in sn)) { sn[n] = 1; sizes[++ns] = n }
	}
	reps[n, v]++
	m[n, v] = F[col["preserved"]]
	e = F[col["exit_ms"]]; j = F[col["jump_ms"]]
	if (e == "" || j == "") { e = 0; j = F[col["shutdown_jump_ms"]] }
	x["exit"] = e; x["jump"] = j
	x["boot"] = F[col["boot_ms"]]; x["map"] = F[col["map_ms"]]
	x["retrieve"] = F[col["retrieve_ms"]]
	x["lookup"] = F[col["lookup_ms"]]
	x["enum"] = F[col["enumerate_ms"]] - F[col["lookup_ms"]]
	x["user"] = F[col["user_ms"]]
	for (i = 1; i <= nph; i++)
		vals[n, v, ph[i]] = vals[n, v, ph[i]] " " x[ph[i]]
	vals[n, v, "blackout"] = vals[n, v, "blackout"] " " F[col["blackout_ms"]]
	vals[n, v, "share"] = vals[n, v, "share"] " " 100 * F[col["lookup_ms"]] / F[col["blackout_ms"]]
}
END {
	for (k = 1; k <= no; k++) {
		split(order[k], nv, SUBSEP)
		n = nv[1]; v = nv[2]
		f = dir "/phases-" n ".dat"
		line = v " " m[n, v] " " reps[n, v]
		for (i = 1; i <= nph; i++)
			line = line " " median(n SUBSEP v SUBSEP ph[i])
		print line, median(n SUBSEP v SUBSEP "blackout") > f
		if (v != "none")
			print n, median(n SUBSEP v SUBSEP "share") > (dir "/share-" v ".dat")
	}
	for (i = 1; i <= ns; i++)
		print sizes[i] > (dir "/sizes")
}' "$csv"
[ -s "$tmp/sizes" ] || die "$csv has no measured cycle with a blackout"


subtitle="{/*0.8 run $run_id; accelerator $accel ($cpu), guest $kernel}"
# Colours: the old kernel in greys, boot in blue, the layout's phases warm.
colours="#7f7f7f #bdbdbd #6baed6 #9e9ac8 #fdae6b #a1d99b #d62728 #31a354"
titles="exit (freeze to kexec -e)|old kernel shutdown + jump|boot to module init|map handover memory|retrieve (validate, build)|enumerate (lookups excluded)|lookups (pci_ser\\\\_find)|user space: retrieve + finish"

while read -r n; do
	dat=$tmp/phases-$n.dat
	m=$(awk '$1 != "none" { print $2; exit }' "$dat")
	reps=$(awk '$3 > r { r = $3 } END { print r }' "$dat")
	if [ "$reps" -gt 1 ]; then
		each="median of up to $reps jumps per bar"
	else
		each="one jump per bar"
	fi
	# Room above the tallest bar for its label.
	top=$(awk '$12 > t { t = $12 } END { print t * 1.1 }' "$dat")
	ltop=$(awk '$8 + $10 > t { t = $8 + $10 } END { print (t > 0 ? t : 1) * 1.15 }' "$dat")
	{
		cat <<EOF
set title "Blackout by phase, N = $n enumerated, M = ${m:-0} preserved; $each\\n$subtitle"
set style data histograms
set style histogram rowstacked
set style fill solid 0.9 border rgb "#404040"
set boxwidth 0.7
set key outside right top vertical Left reverse noenhanced box
set ylabel "ms from the freeze (guest TSC)"
set xlabel "variant (none: no table, no lookups: the floor)"
set yrange [0:$top]
set grid ytics lc rgb "#d8d8d8"
set bmargin 5
EOF
		printf 'plot '
		i=1
		echo "$titles" | tr '|' '\n' >"$tmp/titles"
		while read -r t; do
			c=$(echo "$colours" | awk -v i="$i" '{ print $i }')
			[ "$i" = 1 ] || printf ', \\\n     '
			printf '"%s" using %d%s title "%s" lc rgb "%s"' "$dat" \
				$((i + 3)) "$([ "$i" = 1 ] && echo ':xtic(1)')" "$t" "$c"
			i=$((i + 1))
		done <"$tmp/titles"
		# shellcheck disable=SC2016 # gnuplot's $0 and $12
		printf ', \\\n     "%s" using ($0):($12):(sprintf("%%.0f", $12)) with labels offset 0,0.8 notitle\n' "$dat"
	} | render "blackout-phases-n$n"

	{
		cat <<EOF
set title "The layout's own part of the blackout, N = $n, M = ${m:-0}; $each\\n$subtitle"
set style data histograms
set style histogram rowstacked
set style fill solid 0.9 border rgb "#404040"
set boxwidth 0.7
set key outside right top vertical Left reverse noenhanced box
set ylabel "ms (guest TSC)"
set xlabel "variant"
set yrange [0:$ltop]
set grid ytics lc rgb "#d8d8d8"
set bmargin 5
plot "$dat" using 8:xtic(1) title "retrieve (validate, build)" lc rgb "#fdae6b", \\
     "" using 10 title "lookups during enumeration" lc rgb "#d62728", \\
     "" using (\$0):(\$8 + \$10):(sprintf("%.2f", \$8 + \$10)) with labels offset 0,0.8 notitle
EOF
	} | render "layout-cost-n$n"
done <"$tmp/sizes"

if [ "$(wc -l <"$tmp/sizes")" -gt 1 ]; then
	{
		cat <<EOF
set title "Lookups' share of the blackout against N (M = N/2 unless set)\\n$subtitle"
set logscale x 2
set logscale y 10
set format y '%g'
set xlabel "devices enumerated N (log scale)"
set ylabel "lookups, % of the blackout (log scale)"
set key outside right top box noenhanced
set grid xtics ytics lc rgb "#d8d8d8"
set offsets graph 0.05, graph 0.05, 0, 0
EOF
		printf 'plot '
		i=0
		for f in "$tmp"/share-*.dat; do
			v=${f##*/share-}
			v=${v%.dat}
			c=$(echo "#d62728 #1f77b4 #2ca02c #9467bd #ff7f0e #17becf #8c564b" |
				awk -v i=$((i + 1)) '{ print $((i - 1) % NF + 1) }')
			sort -n "$f" >"$f.sorted"
			[ "$i" = 0 ] || printf ', \\\n     '
			# shellcheck disable=SC2016 # gnuplot's $2
			printf '"%s" using 1:($2 > 0 ? $2 : NaN) with linespoints lw 2 pt %d lc rgb "%s" title "%s"' \
				"$f.sorted" $((i + 1)) "$c" "$v"
			i=$((i + 1))
		done
		echo
	} | render lookup-share
fi
