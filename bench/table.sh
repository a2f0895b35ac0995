# shellcheck shell=sh
# Shared by the bench/run-*.sh scripts: source it, then
#   bench_table DIR COLUMN...
# prints one row per benchmark and one column per COLUMN, written
# FILE:LABEL[:ROLE]: the "name value unit" lines of DIR/FILE.res under
# the heading LABEL ("-" where a file or a row is missing). Rows come in
# the order they first appear, column by column. ROLE "ours" marks a
# ./linux column and "ref" the linux.uml column; with both, a last
# column compares the best of ours with ref so that below 1.00x always
# means ./linux does better: ours/ref for times and sizes, ref/ours for
# rates (units ending in /s).
bench_table() {
	awk '
	function num(v) { return v != "" && v != "-" && v + 0 > 0 }
	BEGIN {
		dir = ARGV[1]
		ncol = ARGC - 2
		for (c = 1; c <= ncol; c++) {
			split(ARGV[c + 1], f, ":")
			label[c] = f[2]
			if (f[3] == "ref")
				ref = c
			if (f[3] == "ours")
				ours[c] = 1
			file = dir "/" f[1] ".res"
			while ((getline line < file) > 0) {
				if (split(line, w, " ") < 3)
					continue
				if (!(w[1] in unit)) {
					row[++nrows] = w[1]
					unit[w[1]] = w[3]
				}
				val[c, w[1]] = w[2]
			}
			close(file)
		}
		print "times and sizes: lower is better; rates (MB/s, ops/s): higher is better"
		printf "%-26s", "benchmark"
		for (c = 1; c <= ncol; c++)
			printf " %14s", label[c]
		if (ref)
			printf " %10s", "ratio"
		printf "\n"
		for (r = 1; r <= nrows; r++) {
			b = row[r]
			rate = unit[b] ~ /\/s$/
			printf "%-26s", b " (" unit[b] ")"
			best = ""
			for (c = 1; c <= ncol; c++) {
				v = (c, b) in val ? val[c, b] : "-"
				printf " %14s", v
				if ((c in ours) && num(v) && (best == "" || (rate ? v + 0 > best : v + 0 < best)))
					best = v + 0
			}
			if (ref) {
				u = (ref, b) in val ? val[ref, b] : "-"
				if (best != "" && num(u))
					printf " %9.2fx", rate ? u / best : best / u
				else
					printf " %10s", "-"
			}
			printf "\n"
		}
		if (ref)
			printf "ratio: best ./linux / %s for times and sizes, %s / best ./linux for\nrates; below 1.00x ./linux does better\n", label[ref], label[ref]
	}' "$@"
}
