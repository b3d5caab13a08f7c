// SPDX-License-Identifier: GPL-2.0
/*
 * LAVA's results, read with libyaml.  Three shapes carry them:
 *
 *  - lava-run's log (its stderr): one YAML flow mapping a line,
 *    {"dt": ..., "lvl": "results", "msg": {"definition": ..., "case": ...,
 *    "result": ..., "measurement": ..., "units": ..., "extra":
 *    {"test_case_id": ...}}}; lines of other levels are the job's log;
 *  - a server's job log (output.yaml): the same mappings as a list;
 *  - a server's results export: a list of {suite, name, result,
 *    measurement, unit}, the suite prefixed "N_" by the server.
 *
 * LAVA lowercases a monitor's case names and turns '-' into '_'; the name
 * the job printed is kept in extra.test_case_id, which is used when there.
 */
#include "lava.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- yaml document helpers ---- */

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
						 : NULL;
}

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(yaml_document_get_node(d, p->key));

		if (k && !strcmp(k, key))
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

static const char *map_str(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	return scalar(map_get(d, map, key));
}

/* ---- definitions ---- */

bool lava_definition_parse(const char *def, struct lava_case *c)
{
	char *copy, *f[5], *save = NULL;
	const char *s = def;
	int n = 0;

	/* a server's results export numbers its suites: "1_porttool_..." */
	while (*s >= '0' && *s <= '9')
		s++;
	s = (s != def && *s == '_') ? s + 1 : def;
	if (strncmp(s, "porttool_", 9))
		return false;
	copy = xstrdup(s);
	for (char *t = strtok_r(copy, "_", &save); t && n < 5;
	     t = strtok_r(NULL, "_", &save))
		f[n++] = t;
	if (n != 5 || strtok_r(NULL, "_", &save) ||
	    (strcmp(f[3], "sekvm") && strcmp(f[3], "kvm"))) {
		free(copy);
		return false;
	}
	c->line = xstrdup(f[1]);
	c->board = xstrdup(f[2]);
	c->hypervisor = xstrdup(f[3]);
	c->suite = xstrdup(f[4]);
	free(copy);
	return true;
}

static void case_free(struct lava_case *c)
{
	free(c->line);
	free(c->board);
	free(c->hypervisor);
	free(c->suite);
	free(c->name);
	free(c->result);
	free(c->units);
}

void lava_results_free(struct lava_results *r)
{
	for (size_t i = 0; i < r->n; i++)
		case_free(&r->c[i]);
	free(r->c);
	free(r->job_error);
	memset(r, 0, sizeof(*r));
}

/* ---- one result ---- */

/*
 * Take one result: def (its definition or suite), name, result and the
 * optional measurement and units.  -1 after an error (where says where).
 */
static int take(struct lava_results *r, const char *where, const char *def,
		const char *name, const char *result, const char *measurement,
		const char *units, const char *error_msg)
{
	struct lava_case c = { 0 };
	char *end;

	if (!def || !name || !result) {
		error("%s: a result without %s", where,
		      !def ? "a definition (suite)" : !name ? "a case name" : "a result");
		return -1;
	}
	if (!strcmp(def, "lava") && !strcmp(name, "job")) {
		r->job_seen = true;
		r->job_passed = !strcmp(result, "pass");
		free(r->job_error);
		r->job_error = error_msg ? xstrdup(error_msg) : NULL;
		return 0;
	}
	if (!lava_definition_parse(def, &c)) {
		r->others++;
		return 0;
	}
	if (strcmp(result, "pass") && strcmp(result, "fail") &&
	    strcmp(result, "skip") && strcmp(result, "unknown")) {
		error("%s: case %s has the result '%s' (not pass, fail, skip "
		      "or unknown)", where, name, result);
		case_free(&c);
		return -1;
	}
	c.name = xstrdup(name);
	c.result = xstrdup(result);
	if (measurement && *measurement) {
		errno = 0;
		c.value = strtod(measurement, &end);
		if (errno || end == measurement || *end) {
			error("%s: case %s has the measurement '%s', not a number",
			      where, name, measurement);
			case_free(&c);
			return -1;
		}
		c.has_value = true;
		c.units = units && *units ? xstrdup(units) : NULL;
	}
	r->c = xrealloc(r->c, (r->n + 1) * sizeof(*r->c));
	r->c[r->n++] = c;
	return 0;
}

/* A log record {"lvl": ..., "msg": ...}: only "results" ones count. */
static int take_log_record(struct lava_results *r, const char *where,
			   yaml_document_t *d, yaml_node_t *rec)
{
	yaml_node_t *msg = map_get(d, rec, "msg");
	yaml_node_t *extra = map_get(d, msg, "extra");
	const char *lvl = map_str(d, rec, "lvl");
	const char *name = map_str(d, extra, "test_case_id");

	if (!lvl || strcmp(lvl, "results"))
		return 0;
	if (!msg || msg->type != YAML_MAPPING_NODE) {
		error("%s: a results record without its mapping", where);
		return -1;
	}
	return take(r, where, map_str(d, msg, "definition"),
		    name ? name : map_str(d, msg, "case"), map_str(d, msg, "result"),
		    map_str(d, msg, "measurement"), map_str(d, msg, "units"),
		    map_str(d, msg, "error_msg"));
}

/* An item of a list: a log record or a results-export entry. */
static int take_item(struct lava_results *r, const char *where,
		     yaml_document_t *d, yaml_node_t *item)
{
	if (!item || item->type != YAML_MAPPING_NODE) {
		error("%s: an item that is not a mapping", where);
		return -1;
	}
	if (map_get(d, item, "lvl"))
		return take_log_record(r, where, d, item);
	if (map_get(d, item, "suite")) {
		/* a server keeps the job's error in the result's metadata */
		const char *why = map_str(d, item, "error_msg");

		if (!why)
			why = map_str(d, map_get(d, item, "metadata"), "error_msg");
		return take(r, where, map_str(d, item, "suite"),
			    map_str(d, item, "name"), map_str(d, item, "result"),
			    map_str(d, item, "measurement"), map_str(d, item, "unit"),
			    why);
	}
	error("%s: an item that is neither a LAVA log record (lvl, msg) nor a "
	      "test result (suite, name, result)", where);
	return -1;
}

/* ---- parsing ---- */

/* Parse text as one YAML document into d; -1 after naming where. */
static int load(const char *where, const char *text, size_t len,
		yaml_document_t *d)
{
	yaml_parser_t p;
	int ok;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	ok = yaml_parser_load(&p, d);
	if (!ok)
		error("%s: not YAML: %s (line %zu, column %zu)", where,
		      p.problem ? p.problem : "unknown error",
		      p.problem_mark.line + 1, p.problem_mark.column + 1);
	yaml_parser_delete(&p);
	return ok ? 0 : -1;
}

/* lava-run's log: each line that opens a mapping is one record. */
static int read_log_lines(const char *path, char *text, struct lava_results *r)
{
	size_t lineno = 0;
	int ret = 0;

	for (char *line = text, *next; line && *line && !ret; line = next) {
		yaml_document_t d;
		char *where;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (*line != '{')
			continue;	/* Python's own warnings and the like */
		where = xasprintf("%s:%zu", path, lineno);
		ret = load(where, line, strlen(line), &d);
		if (!ret) {
			ret = take_item(r, where, &d, yaml_document_get_root_node(&d));
			yaml_document_delete(&d);
		}
		free(where);
	}
	return ret;
}

/* A server's log or results export: one list. */
static int read_list(const char *path, const char *text, size_t len,
		     struct lava_results *r)
{
	yaml_document_t d;
	yaml_node_t *root;
	int ret = 0;

	if (load(path, text, len, &d))
		return -1;
	root = yaml_document_get_root_node(&d);
	if (!root || root->type != YAML_SEQUENCE_NODE) {
		error("%s: not a list of LAVA results or log records", path);
		ret = -1;
	}
	for (yaml_node_item_t *i = root && !ret ? root->data.sequence.items.start : NULL;
	     i && i < root->data.sequence.items.top && !ret; i++) {
		char *where = xasprintf("%s: item %td", path,
					i - root->data.sequence.items.start + 1);

		ret = take_item(r, where, &d, yaml_document_get_node(&d, *i));
		free(where);
	}
	yaml_document_delete(&d);
	return ret;
}

int lava_results_read(const char *path, struct lava_results *r)
{
	size_t len;
	char *text = read_file(path, &len);
	const char *s;
	int ret;

	memset(r, 0, sizeof(*r));
	if (!text) {
		error("cannot read the LAVA results %s: %s", path, strerror(errno));
		return -1;
	}
	if (strlen(text) != len) {
		error("%s: not a LAVA log or results file (it holds NUL bytes)", path);
		free(text);
		return -1;
	}
	for (s = text; *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'; s++)
		;
	if (*s == '{')
		ret = read_log_lines(path, text, r);
	else
		ret = read_list(path, text, len, r);
	free(text);
	if (!ret && !r->n && !r->job_seen) {
		error("%s: no LAVA results in it (no 'results' records, no test "
		      "cases)", path);
		ret = -1;
	}
	if (ret)
		lava_results_free(r);
	return ret;
}
