#!/bin/sh
# report.html in a real browser: Debian's chromium, headless, installed
# by scripts/host/setup.sh --browser when the test runs (SKIP, exit 4,
# with the reason when it cannot be).  The page of a run with a plan and
# 25 figures is loaded from a file; a copy of it carries a small check
# run at the load event (the report itself has no script) that counts
# every figure drawn (its inline SVG laid out, with paths and text) and
# every reference that is not to an element of the page itself (an img,
# a src, an href or xlink:href that is not "#id", or one whose target is
# missing).  A copy with one broken image must be caught, so the check
# is shown to work.  A screenshot of the page must come out too.
#
# usage: tests/cli/report_browser_test.sh
#   (scripts/host/report.sh runs the build's tools under $LUBENCH_BUILD)
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/../tap.sh"

if ! command -v chromium >/dev/null 2>&1; then
	if ! "$top/scripts/host/setup.sh" --browser >"$tmp/setup" 2>&1 ||
		! command -v chromium >/dev/null 2>&1; then
		echo "SKIP: chromium cannot be installed: $(tail -n 1 "$tmp/setup")"
		exit 4
	fi
fi

# The run: the baseline's sweep and the plan fixture's cycles.
r=$tmp/run
mkdir -p "$r/bench" "$r/cycle"
cp "$top/results/baseline/bench/meta.json" \
	"$top/results/baseline/bench/results.jsonl" "$r/bench/"
cp "$top/tests/data/plan-quad/meta.json" \
	"$top/tests/data/plan-quad/results.jsonl" "$r/cycle/"
echo "plan-quad" >"$r/cycle/cycle.plan"
run "$top/scripts/host/report.sh" --budget-ms 4000 "$r"
check "report.sh: exit 0" '[ "$rc" = 0 ]'
svgs=$(cd "$r" && ls plan/*.svg bench/plots/*.svg cycle/plots/*.svg | wc -l)

cat >"$tmp/check.js" <<'EOS'
<script>
window.addEventListener('load', function () {
	var bad = [], figs = document.querySelectorAll('figure'), drawn = 0;
	document.querySelectorAll('img, iframe, object, embed, link, script[src]')
		.forEach(function (e) {
			bad.push(e.tagName + ':' + (e.src || e.href || e.data));
		});
	document.querySelectorAll('*').forEach(function (e) {
		['href', 'xlink:href', 'src'].forEach(function (a) {
			var v = e.getAttribute(a);

			if (v === null)
				return;
			if (v.charAt(0) !== '#' || !document.getElementById(v.slice(1)))
				bad.push(a + '=' + v);
		});
	});
	figs.forEach(function (f) {
		var s = f.querySelector('svg'), b = s && s.getBoundingClientRect();

		if (b && b.width > 100 && b.height > 100 &&
		    s.querySelectorAll('path, text').length > 10)
			drawn++;
		else
			bad.push('figure:' + f.getAttribute('data-src'));
	});
	document.body.setAttribute('data-check', 'figures=' + figs.length +
		' drawn=' + drawn + ' bad=' + bad.length + ' ' +
		bad.slice(0, 5).join(' '));
});
</script>
EOS
# with_check PAGE COPY: PAGE with the check after its head
with_check() {
	sed "/<\/head>/r $tmp/check.js" "$1" >"$2"
}

# browse URL ARGS...: headless chromium, a fresh profile each time
browse() {
	_url=$1
	shift
	rm -rf "$tmp/profile"
	mkdir -p "$tmp/profile"
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$tmp/profile" \
		"$@" "$_url"
}

with_check "$r/report.html" "$tmp/page.html"
rc=0
browse "file://$tmp/page.html" --dump-dom >"$tmp/out" 2>"$tmp/err" || rc=$?
check "chromium: exit 0" '[ "$rc" = 0 ]'
result=$(grep -o 'data-check="[^"]*"' "$tmp/out" || true)
echo "# $result"
check "every plot is present and drawn ($svgs figures)" \
	'[ "$result" = "data-check=\"figures=$svgs drawn=$svgs bad=0 \"" ]'
check "the page's own text is there" \
	'grep -q "^linear  *8926  *\[8926, 8926\]" "$tmp/out"'

# The check catches a broken reference.
sed 's|<h2>Figures|<img src="missing.png"><h2>Figures|' "$r/report.html" >"$tmp/broken.html"
with_check "$tmp/broken.html" "$tmp/broken-check.html"
browse "file://$tmp/broken-check.html" --dump-dom >"$tmp/out" 2>"$tmp/err" || true
check "a page with a broken image is caught" \
	'grep -q "data-check=\"figures=$svgs drawn=$svgs bad=2 IMG:file://" "$tmp/out"'

rc=0
browse "file://$r/report.html" --window-size=1200,3000 \
	--screenshot="$tmp/shot.png" >"$tmp/out" 2>"$tmp/err" || rc=$?
check "a screenshot of the page" \
	'[ "$rc" = 0 ] && [ "$(head -c 4 "$tmp/shot.png" | od -An -c | tr -d " ")" = "211PNG" ]'

echo "1..$((pass + fail))"
[ "$fail" = 0 ]
