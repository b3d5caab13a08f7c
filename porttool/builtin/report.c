// SPDX-License-Identifier: GPL-2.0
/*
 * porttool report [--db FILE] [--html DIR]
 *
 * The results database as a matrix (the latest run of every line, board
 * and suite; bench_matrix.c) on stdout, and with --html a static page:
 * the matrix as a table and SVG plots drawn by gnuplot, run as a child
 * with a script and data written here (a bar chart of the SeKVM/KVM
 * ratio per benchmark and line; per benchmark, every run's values, to
 * show their spread).  The page inlines the SVGs, so it is one file to
 * open and the plots' titles are in its DOM.
 */
#include "builtin.h"
#include "bench_db.h"
#include "bench_matrix.h"
#include "subproc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GNUPLOT "gnuplot"
#define GNUPLOT_TIMEOUT_S 60

static const char *opt_db, *opt_html;

static const struct option report_options[] = {
	{ OPT_STRING, "db", &opt_db, "FILE", "results database (default: ~/.cache/porttool/bench/results.sqlite)" },
	{ OPT_STRING, "html", &opt_html, "DIR", "also write DIR/index.html with the table and SVG plots (gnuplot)" },
	{ OPT_END },
};

static const struct usage report_usage = {
	.synopsis = "porttool report [--db FILE] [--html DIR]",
	.description =
		"Print the benchmark matrix from the results database 'porttool bench' fills:\n"
		"for the latest run of every kernel line, board and suite, one row per\n"
		"benchmark with the SeKVM and KVM medians and their ratio, or why the line has\n"
		"no numbers.  --html DIR writes a static page, DIR/index.html, with the table\n"
		"and SVG plots drawn by gnuplot (Debian package gnuplot-nox): the ratio per\n"
		"benchmark and line (ratios.svg), and every run's values per benchmark\n"
		"(spread-SUITE-BENCHMARK.svg).",
	.opts = report_options,
};

/* ---- small helpers ---- */

/* s with what is not [A-Za-z0-9.-] as '-': safe in a file name. */
static char *file_safe(const char *s)
{
	char *c = xstrdup(s);

	for (char *p = c; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			*p = '-';
	return c;
}

/* s for a gnuplot double-quoted string: no quote, backslash or newline. */
static void gp_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fputc(*s == '"' || *s == '\\' || *s == '\n' ? '\'' : *s, f);
	fputc('"', f);
}

static void html_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static bool row_has_ratio(const struct matrix_row *r)
{
	return r->benchmark && r->n[MX_SEKVM] && r->n[MX_KVM] && r->median[MX_KVM] > 0;
}

/* A value in the unit a plot shows: ns as ms; instructions as they are. */
static double plot_value(double v, const char *unit)
{
	return !strcmp(unit, "ns") ? v / 1e6 : v;
}

static const char *plot_unit(const char *unit)
{
	return !strcmp(unit, "ns") ? "ms" : !strcmp(unit, "insn") ? "instructions" : unit;
}

/* ---- gnuplot ---- */

static int run_gnuplot(const char *script)
{
	const char *argv[] = { GNUPLOT, script, NULL };
	struct subproc sp = { .argv = argv, .log_fd = -1, .echo = true,
			      .timeout_s = GNUPLOT_TIMEOUT_S };
	char *bin = find_program(GNUPLOT);

	if (!bin) {
		error(GNUPLOT " not found in PATH; install the Debian package gnuplot-nox");
		return -1;
	}
	free(bin);
	if (subproc_run(&sp) || sp.exit_code != 0 || sp.timed_out) {
		error(GNUPLOT " failed on %s (exit %d%s)", script, sp.exit_code,
		      sp.timed_out ? ", timed out" : "");
		return -1;
	}
	return 0;
}

/*
 * The SVG's <title> is the terminal's name, which gnuplot takes only in
 * [A-Za-z0-9_]: the file's base name with the rest as '_'.
 */
static void gp_header(FILE *f, const char *svg, const char *name, const char *title,
		      int width, int height)
{
	fprintf(f, "set terminal svg size %d,%d dynamic enhanced font \"sans,11\" name \"",
		width, height);
	for (const char *p = name; *p; p++)
		fputc((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') ? *p : '_', f);
	fputc('"', f);
	fprintf(f, "\nset output ");
	gp_string(f, svg);
	fprintf(f, "\nset title ");
	gp_string(f, title);
	fprintf(f, " noenhanced\nset grid ytics\nset key outside right top noenhanced\n");
}

/* The lines that have a ratio somewhere, in the matrix's order. */
static void ratio_lines(const struct matrix *m, struct strlist *lines)
{
	for (size_t i = 0; i < m->n; i++)
		if (row_has_ratio(&m->rows[i]) && !strlist_has(lines, m->rows[i].line))
			strlist_push(lines, m->rows[i].line);
}

static const struct matrix_row *find_ratio(const struct matrix *m, const char *suite,
					   const char *bench, const char *line)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct matrix_row *r = &m->rows[i];

		if (row_has_ratio(r) && !strcmp(r->suite, suite) &&
		    !strcmp(r->benchmark, bench) && !strcmp(r->line, line))
			return r;
	}
	return NULL;
}

/*
 * ratios.svg: a clustered bar per benchmark ("suite/benchmark"), one bar
 * per line, and the line y = 1 (no overhead).  Returns 0, 1 when there
 * is nothing to draw, -1 on error.
 */
static int plot_ratios(const struct matrix *m, const char *dir)
{
	struct strlist lines = { 0 }, benches = { 0 };
	char *script = xasprintf("%s/ratios.gp", dir), *svg = xasprintf("%s/ratios.svg", dir);
	FILE *f;
	int ret = -1;
	double top = 1;

	ratio_lines(m, &lines);
	for (size_t i = 0; i < m->n; i++) {
		char *key;

		if (!row_has_ratio(&m->rows[i]))
			continue;
		key = xasprintf("%s/%s", m->rows[i].suite, m->rows[i].benchmark);
		if (!strlist_has(&benches, key))
			strlist_push(&benches, key);
		free(key);
	}
	if (!benches.n) {
		ret = 1;
		goto out;
	}
	for (size_t i = 0; i < m->n; i++)
		if (row_has_ratio(&m->rows[i]) &&
		    m->rows[i].median[MX_SEKVM] / m->rows[i].median[MX_KVM] > top)
			top = m->rows[i].median[MX_SEKVM] / m->rows[i].median[MX_KVM];
	if (!(f = fopen(script, "w"))) {
		error("cannot create %s: %s", script, strerror(errno));
		goto out;
	}
	gp_header(f, svg, "ratios", "SeKVM / KVM per benchmark and kernel line", 900, 420);
	/* room above the tallest bar, and 1 always in view */
	fprintf(f, "set ylabel \"SeKVM / KVM (1 = no overhead)\"\n"
		"set yrange [0:%.3f]\nset style data histograms\n"
		"set style histogram clustered gap 1\nset style fill solid 0.8 border -1\n"
		"set xtics rotate by -30 noenhanced\nset arrow from graph 0, first 1 to "
		"graph 1, first 1 nohead dashtype 2 lc rgb \"#444444\"\n"
		"$ratios << EOD\n\"benchmark\"", top * 1.15);
	for (size_t j = 0; j < lines.n; j++)
		fprintf(f, " \"v%s\"", lines.items[j]);
	fprintf(f, "\n");
	for (size_t i = 0; i < benches.n; i++) {
		char *suite = xstrdup(benches.items[i]), *bench = strchr(suite, '/');

		*bench++ = '\0';
		fprintf(f, "\"%s\"", benches.items[i]);
		for (size_t j = 0; j < lines.n; j++) {
			const struct matrix_row *r = find_ratio(m, suite, bench, lines.items[j]);

			if (r)
				fprintf(f, " %.4f", r->median[MX_SEKVM] / r->median[MX_KVM]);
			else
				fprintf(f, " ?");
		}
		fprintf(f, "\n");
		free(suite);
	}
	fprintf(f, "EOD\nplot ");
	for (size_t j = 0; j < lines.n; j++)
		fprintf(f, "%s$ratios using %zu%s title columnheader(%zu)", j ? ", " : "",
			j + 2, j ? "" : ":xtic(1)", j + 2);
	fprintf(f, "\n");
	if (fclose(f)) {
		error("cannot write %s: %s", script, strerror(errno));
		goto out;
	}
	ret = run_gnuplot(script);
out:
	strlist_free(&lines);
	strlist_free(&benches);
	free(script);
	free(svg);
	return ret;
}

/* The runs that measured suite/bench, oldest first (run ids sort by date). */
static void runs_of(const struct bench_data *d, const char *suite, const char *bench,
		    struct strlist *runs)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->rec[i].suite, suite) && !strcmp(d->rec[i].benchmark, bench) &&
		    !strlist_has(runs, d->rec[i].run))
			strlist_push(runs, d->rec[i].run);
	for (size_t i = 1; i < runs->n; i++)
		for (size_t j = i; j > 0 && strcmp(runs->items[j - 1], runs->items[j]) > 0; j--) {
			char *t = runs->items[j];

			runs->items[j] = runs->items[j - 1];
			runs->items[j - 1] = t;
		}
}

static size_t index_of(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->items[i], s))
			return i;
	return 0;
}

/*
 * spread-SUITE-BENCH.svg: every value of one benchmark, x the run
 * (oldest first), one series per line and hypervisor, so a noisy
 * benchmark shows as a cloud and a deterministic one as a dot.
 */
static int plot_spread(const struct bench_data *d, const char *dir, const char *suite,
		       const char *bench, const char *unit, char **svg_out)
{
	struct strlist runs = { 0 }, series = { 0 };
	char *base = xasprintf("spread-%s-%s", suite, bench), *safe = file_safe(base);
	char *script = xasprintf("%s/%s.gp", dir, safe), *svg = xasprintf("%s/%s.svg", dir, safe);
	char *title = xasprintf("%s/%s: every run's values (%s)", suite, bench, plot_unit(unit));
	FILE *f;
	int ret = -1;

	runs_of(d, suite, bench, &runs);
	for (size_t i = 0; i < d->n; i++) {
		const struct bench_record *r = &d->rec[i];
		char *key;

		if (strcmp(r->suite, suite) || strcmp(r->benchmark, bench) || strcmp(r->unit, unit))
			continue;
		key = xasprintf("v%s %s %s", r->line, r->board,
				!strcmp(r->hypervisor, "sekvm") ? "SeKVM" : "KVM");
		if (!strlist_has(&series, key))
			strlist_push(&series, key);
		free(key);
	}
	if (!(f = fopen(script, "w"))) {
		error("cannot create %s: %s", script, strerror(errno));
		goto out;
	}
	gp_header(f, svg, safe, title, 640, 320);
	fprintf(f, "set xlabel \"run (oldest first)\"\nset ylabel \"%s\"\n"
		"set xrange [0.5:%zu.5]\nset xtics 1\nset yrange [0:*]\n",
		plot_unit(unit), runs.n);
	for (size_t s = 0; s < series.n; s++) {
		fprintf(f, "$s%zu << EOD\n", s);
		for (size_t i = 0; i < d->n; i++) {
			const struct bench_record *r = &d->rec[i];
			char *key;

			if (strcmp(r->suite, suite) || strcmp(r->benchmark, bench) ||
			    strcmp(r->unit, unit))
				continue;
			key = xasprintf("v%s %s %s", r->line, r->board,
					!strcmp(r->hypervisor, "sekvm") ? "SeKVM" : "KVM");
			/* side by side within a run: one small offset per series */
			if (!strcmp(key, series.items[s]))
				fprintf(f, "%.3f %.6g\n", (double)index_of(&runs, r->run) + 1 +
					0.3 * ((double)s / (double)series.n - 0.5),
					plot_value(r->value, unit));
			free(key);
		}
		fprintf(f, "EOD\n");
	}
	fprintf(f, "plot ");
	for (size_t s = 0; s < series.n; s++) {
		fprintf(f, "%s$s%zu using 1:2 with points pt 7 ps 0.6 title ", s ? ", " : "", s);
		gp_string(f, series.items[s]);
	}
	fprintf(f, "\n");
	if (fclose(f)) {
		error("cannot write %s: %s", script, strerror(errno));
		goto out;
	}
	ret = run_gnuplot(script);
	if (!ret)
		*svg_out = xasprintf("%s.svg", safe);
out:
	strlist_free(&runs);
	strlist_free(&series);
	free(base); free(safe); free(script); free(svg); free(title);
	return ret;
}

/* ---- the page ---- */

static void html_cell(FILE *f, const struct matrix_row *r, int h)
{
	char buf[64];

	if (!r->n[h]) {
		fprintf(f, "<td>no value</td>");
		return;
	}
	bench_format_value(buf, sizeof(buf), r->median[h], r->unit);
	fprintf(f, "<td class=\"num\" title=\"%d value%s, %.6g to %.6g %s\">%s</td>",
		r->n[h], r->n[h] == 1 ? "" : "s", r->min[h], r->max[h], r->unit, buf);
}

static void html_table(FILE *f, const struct matrix *m)
{
	const char *suite = NULL;

	for (size_t i = 0; i < m->n; i++) {
		const struct matrix_row *r = &m->rows[i];
		char why[1024];

		if (!suite || strcmp(suite, r->suite)) {
			if (suite)
				fprintf(f, "</tbody></table>\n");
			suite = r->suite;
			fprintf(f, "<h2>Suite %s</h2>\n<p class=\"note\">", suite);
			html_escape(f, bench_suite_note(suite));
			fprintf(f, "</p>\n<table id=\"matrix-%s\"><thead><tr><th>line</th>"
				"<th>board</th><th>benchmark</th><th>parameters</th><th>SeKVM</th>"
				"<th>KVM</th><th>ratio</th><th>run</th></tr></thead><tbody>\n", suite);
		}
		fprintf(f, "<tr><td>%s</td><td>", r->line);
		html_escape(f, r->board);
		fprintf(f, "</td>");
		if (!r->benchmark) {
			bench_format_why(why, sizeof(why), r);
			fprintf(f, "<td>-</td><td colspan=\"4\" class=\"missing\">");
			html_escape(f, why);
			fprintf(f, "</td>");
		} else {
			fprintf(f, "<td>");
			html_escape(f, r->benchmark);
			fprintf(f, "</td><td>");
			html_escape(f, r->parameters ? r->parameters : "-");
			fprintf(f, "</td>");
			html_cell(f, r, MX_SEKVM);
			html_cell(f, r, MX_KVM);
			if (row_has_ratio(r))
				fprintf(f, "<td class=\"num\">%.2fx</td>",
					r->median[MX_SEKVM] / r->median[MX_KVM]);
			else
				fprintf(f, "<td>-</td>");
		}
		fprintf(f, "<td>");
		html_escape(f, r->run);
		fprintf(f, "</td></tr>\n");
	}
	if (suite)
		fprintf(f, "</tbody></table>\n");
}

/* Copy an SVG into the page, without its XML declaration. */
static int inline_svg(FILE *f, const char *dir, const char *name, const char *caption)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *svg = read_file(path, NULL), *start;

	if (!svg || !(start = strstr(svg, "<svg"))) {
		error("cannot read the plot %s: %s", path, svg ? "no <svg> in it" : strerror(errno));
		free(path);
		free(svg);
		return -1;
	}
	fprintf(f, "<figure class=\"plot\" data-file=\"%s\">\n%s\n<figcaption>", name, start);
	html_escape(f, caption);
	fprintf(f, " (<a href=\"%s\">%s</a>)</figcaption></figure>\n", name, name);
	free(path);
	free(svg);
	return 0;
}

static const char page_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	"<title>SeKVM benchmark report</title>\n<style>\n"
	"body { font-family: sans-serif; margin: 2em; max-width: 1100px; }\n"
	"table { border-collapse: collapse; margin-bottom: 1em; }\n"
	"th, td { border: 1px solid #bbb; padding: 2px 8px; }\n"
	"td.num { text-align: right; font-variant-numeric: tabular-nums; }\n"
	"td.missing { color: #a00; }\n.note { color: #444; }\n"
	"figure.plot svg { width: 100%; height: auto; }\n"
	"figure.plot { margin: 1em 0; }\n</style></head><body>\n"
	"<h1>SeKVM against stock KVM</h1>\n";

struct spread_plot {
	char *suite, *bench, *unit, *svg;
};

static int write_page(const char *dir, const struct matrix *m, bool have_ratios,
		      const struct spread_plot *sp, size_t nsp, const char *db_path)
{
	char *path = xasprintf("%s/index.html", dir), now[32];
	FILE *f = fopen(path, "w");
	time_t t = time(NULL);
	int ret = 0;

	if (!f) {
		error("cannot create %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	strftime(now, sizeof(now), "%Y-%m-%d %H:%M:%SZ", gmtime(&t));
	fputs(page_head, f);
	fprintf(f, "<p>From <code>");
	html_escape(f, db_path);
	fprintf(f, "</code>, %s: for each kernel line, board and suite its latest run; "
		"a cell's tooltip gives the number of values and their range.</p>\n", now);
	html_table(f, m);
	fprintf(f, "<h2>Plots</h2>\n");
	if (have_ratios)
		ret |= inline_svg(f, dir, "ratios.svg", "SeKVM / KVM: the ratio of the "
				  "medians per benchmark and kernel line (latest runs)");
	for (size_t i = 0; i < nsp && !ret; i++) {
		char *cap = xasprintf("%s/%s: every value of every run, per line and "
				      "hypervisor (%s)", sp[i].suite, sp[i].bench,
				      plot_unit(sp[i].unit));

		ret |= inline_svg(f, dir, sp[i].svg, cap);
		free(cap);
	}
	fprintf(f, "</body></html>\n");
	if (fclose(f)) {
		error("cannot write %s: %s", path, strerror(errno));
		ret = -1;
	}
	if (!ret)
		printf("report: %s\n", path);
	free(path);
	return ret;
}

static bool have_spread(const struct spread_plot *sp, size_t n, const struct bench_record *r)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(sp[i].suite, r->suite) && !strcmp(sp[i].bench, r->benchmark) &&
		    !strcmp(sp[i].unit, r->unit))
			return true;
	return false;
}

static int write_html(const char *dir, const struct bench_data *d,
		      const struct matrix *m, const char *db_path)
{
	struct spread_plot *sp = NULL;
	size_t nsp = 0;
	int ret = 0, r;

	if (mkdir_p(dir)) {
		error("cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	r = plot_ratios(m, dir);
	if (r < 0)
		return -1;
	for (size_t i = 0; i < d->n && !ret; i++) {
		const struct bench_record *rec = &d->rec[i];
		struct spread_plot *p;

		if (have_spread(sp, nsp, rec))
			continue;
		sp = xrealloc(sp, (nsp + 1) * sizeof(*sp));
		p = &sp[nsp++];
		p->suite = rec->suite;
		p->bench = rec->benchmark;
		p->unit = rec->unit;
		p->svg = NULL;
		ret = plot_spread(d, dir, p->suite, p->bench, p->unit, &p->svg);
	}
	if (!ret)
		ret = write_page(dir, m, r == 0, sp, nsp, db_path);
	for (size_t i = 0; i < nsp; i++)
		free(sp[i].svg);
	free(sp);
	return ret;
}

int cmd_report(struct porttool_ctx *ctx, int argc, char **argv)
{
	char *path;
	struct bench_db *db;
	struct bench_data d;
	struct matrix m;
	int ret = EXIT_FAIL;

	if (parse_options(argc, argv, &report_usage) != 0)
		usage_error(&report_usage, "report takes no arguments; the database is --db FILE");
	path = opt_db ? xstrdup(opt_db) : bench_db_default_path();
	db = bench_db_open(path, false);
	if (!db || bench_db_load(db, &d)) {
		bench_db_close(db);
		free(path);
		return EXIT_FAIL;
	}
	bench_matrix_build(&d, NULL, &m);
	printf("bench report: %s, %zu measurement%s, %zu failure%s; the latest run of "
	       "each line, board and suite\n", path, d.n, d.n == 1 ? "" : "s",
	       d.nfail, d.nfail == 1 ? "" : "s");
	bench_matrix_print(stdout, &m);
	ret = EXIT_OK;
	if (opt_html && write_html(opt_html, &d, &m, path))
		ret = EXIT_FAIL;
	bench_matrix_free(&m);
	bench_data_free(&d);
	bench_db_close(db);
	free(path);
	return ret;
}
