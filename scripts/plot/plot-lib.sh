# Sourced by the plot scripts (and summary.sh): gnuplot terminals, a
# scratch directory, and reading meta.json.  POSIX sh; expects `set -eu`.

# A member of the JSON file $meta as text: a string's contents (commas
# and all) or a number.  meta.json files are written one member per line.
meta_value() {
	[ -r "$meta" ] || return 0
	sed -n -e "s/^ *\"$1\": *\"\(.*\)\",*\$/\1/p" \
		-e "s/^ *\"$1\": *\([^\",]*\),*\$/\1/p" "$meta" | head -n 1
}

# Make $out (the plots) and $tmp (removed on exit unless PLOT_KEEP is
# set), and pick the terminals: $png_term, $svg_term.  pngcairo draws
# anti-aliased lines and readable text; plain png otherwise.
plot_init() {
	out=$1
	mkdir -p "$out"
	tmp=$(mktemp -d)
	trap '[ -n "${PLOT_KEEP:-}" ] || rm -rf "$tmp"' EXIT
	trap 'exit 1' INT TERM
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

# render NAME: gnuplot commands on stdin -> $out/NAME.png and .svg.
# Prints the PNG's path.
render() {
	name=$1
	script=$tmp/$name.gp
	cat >"$script"
	for kind in png svg; do
		if [ "$kind" = png ]; then term=$png_term; else term=$svg_term; fi
		{
			echo "set terminal $term"
			echo "set output \"$out/$name.$kind\""
			cat "$script"
			echo "unset output"
		} >"$tmp/last.gp"
		timeout 60 gnuplot "$tmp/last.gp" ||
			die "gnuplot failed on $name.$kind (script: $tmp/last.gp)"
	done
	echo "$out/$name.png"
}
