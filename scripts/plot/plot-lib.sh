# Sourced by scripts/plot/plot.sh: gnuplot's terminals and rendering.
# POSIX sh; expects `set -eu` and die().  The data and the figures'
# scripts come from lubench-plotdata: nothing here reads a result file.

# Pick the terminals: $png_term, $svg_term.  pngcairo draws anti-aliased
# lines and readable text; plain png otherwise.
plot_init() {
	command -v gnuplot >/dev/null 2>&1 ||
		die "gnuplot not found (Debian package gnuplot-nox; scripts/host/setup.sh)"
	terms=$(echo 'set terminal' | timeout 20 gnuplot 2>&1 || true)
	font='DejaVu Sans,11'
	case $terms in
	*pngcairo*) png_term="pngcairo size 1100,720 enhanced font '$font'" ;;
	*) png_term="png size 1100,720 enhanced" ;;
	esac
	svg_term="svg size 1100,720 dynamic enhanced font '$font'"
}

# render DATA_DIR NAME IMG_DIR: DATA_DIR/NAME.gp (which names its data
# files relative to DATA_DIR) -> IMG_DIR/NAME.png and .svg.
render() {
	for kind in png svg; do
		if [ "$kind" = png ]; then term=$png_term; else term=$svg_term; fi
		{
			echo "set terminal $term"
			echo "set output \"$3/$2.$kind\""
			cat "$1/$2.gp"
			echo "unset output"
		} >"$1/last.gp"
		(cd "$1" && timeout 60 gnuplot last.gp) ||
			die "gnuplot failed on $2.$kind (script: $1/last.gp)"
	done
}
