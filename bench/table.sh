# shellcheck shell=sh
# Shared by the bench/run-*.sh scripts: source it, then
#   bench_table DIR HAVE_UML
# prints one row per "name value unit" line of DIR/native.res, with the
# same benchmark's value from DIR/linux.res and (when HAVE_UML is yes)
# DIR/uml.res, and the ratio ./linux / linux.uml.
bench_table() {
	printf '%-18s %14s %14s %14s %10s\n' benchmark native ./linux linux.uml linux/uml
	while read -r bname nval unit; do
		lval=$(awk -v n="$bname" '$1 == n {print $2}' "$1/linux.res")
		uval=-
		ratio=-
		if [ "$2" = yes ]; then
			uval=$(awk -v n="$bname" '$1 == n {print $2}' "$1/uml.res")
			[ -n "$lval" ] && [ -n "$uval" ] &&
				ratio=$(awk -v a="$lval" -v b="$uval" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')
		fi
		printf '%-18s %14s %14s %14s %10s\n' "$bname ($unit)" "$nval" "${lval:--}" "${uval:--}" "$ratio"
	done <"$1/native.res"
}
