/* Settings: built-in defaults, system file, user file, extra file, -s. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "paths.h"
#include "settings.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

_Static_assert(sizeof(((struct settings *)0)->v) /
	sizeof(((struct settings *)0)->v[0]) >= 9, "settings table too big");

static int
settings_index(const char *name)
{
	for (int i = 0; i < settings_count; i++) {
		if (strcmp(settings_table[i].name, name) == 0)
			return i;
	}
	return -1;
}

const struct setting_def *
settings_find(const char *name)
{
	int i = settings_index(name);

	return i < 0 ? NULL : &settings_table[i];
}

/* The known key closest to name, if it is close enough to be a typo. */
const char *
settings_suggest(const char *name)
{
	const char *best = NULL;
	size_t bestd = 4;

	for (int i = 0; i < settings_count; i++) {
		size_t d = text_distance(name, strlen(name),
		    settings_table[i].name, strlen(settings_table[i].name));
		if (d < bestd) {
			bestd = d;
			best = settings_table[i].name;
		}
	}
	return best;
}

static int
settings_unknown(struct paks_error **err, const char *where, const char *key)
{
	_cleanup_strbuf_ struct strbuf known = STRBUF_INIT, shown = STRBUF_INIT;
	const char *s = settings_suggest(key);

	for (int i = 0; i < settings_count; i++)
		strbuf_addf(&known, "%s%s", i ? ", " : "", settings_table[i].name);
	/* a key may be written with YAML escapes: "\e[2J" */
	strbuf_add_shown(&shown, key, 64);
	paks_error_set(err, 0, "%sunknown setting '%s'", where,
	    strbuf_str(&shown));
	if (s != NULL)
		return paks_error_hint(err, "did you mean '%s'? known settings: %s",
		    s, strbuf_str(&known));
	return paks_error_hint(err, "known settings: %s", strbuf_str(&known));
}

const char *
settings_source_name(enum setting_source s)
{
	switch (s) {
	case SOURCE_DEFAULT: return "default";
	case SOURCE_SYSTEM: return "system file";
	case SOURCE_USER: return "user file";
	case SOURCE_FILE: return "settings file";
	case SOURCE_OVERRIDE: return "-s";
	}
	return "?";
}

char *
settings_system_path(void)
{
	const char *p = getenv("PAKS_SYSTEM_SETTINGS");

	return xstrdup(p != NULL ? p : "/etc/paks/settings.yml");
}

char *
settings_user_path(void)
{
	_cleanup_free_ char *home = paths_home();

	return paths_join(home, "settings.yml");
}

static bool
settings_parse_bool(const char *s, bool *out)
{
	static const char *yes[] = { "true", "yes", "on", "True", "TRUE", "Yes" };
	static const char *no[] = { "false", "no", "off", "False", "FALSE", "No" };

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcmp(s, yes[i]) == 0)
			return *out = true, true;
		if (strcmp(s, no[i]) == 0)
			return *out = false, true;
	}
	return false;
}

static bool
settings_parse_int(const char *s, long *out)
{
	char *end;

	/* strtol would skip leading blanks, and keep them in the value */
	if (*s != '-' && *s != '+' && (*s < '0' || *s > '9'))
		return false;
	errno = 0;
	*out = strtol(s, &end, 10);
	return *end == '\0' && errno == 0;
}

static const char *
settings_type_name(enum setting_type t)
{
	switch (t) {
	case SETTING_STRING: return "a string";
	case SETTING_BOOL: return "true or false";
	case SETTING_INT: return "a whole number";
	case SETTING_LIST: return "a list";
	}
	return "?";
}

static bool
settings_is_null(const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;

	return n->type == YAML_SCALAR_NODE &&
	    n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (*s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0);
}

/* Store one YAML value node into slot i after checking its type. */
static int
settings_store(struct settings *s, int i, yaml_document_t *doc, yaml_node_t *n,
    enum setting_source src, const char *origin, const char *where,
    struct paks_error **err)
{
	const struct setting_def *d = &settings_table[i];
	struct setting_value *v = &s->v[i];
	struct strv list = STRV_INIT;

	if (d->type == SETTING_LIST) {
		if (n->type == YAML_SCALAR_NODE && settings_is_null(n))
			goto store_list;
		if (n->type != YAML_SEQUENCE_NODE)
			return paks_error_set(err, 0, "%s'%s' must be %s",
			    where, d->name, settings_type_name(d->type));
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			yaml_node_t *e = yaml_document_get_node(doc, *it);
			if (e == NULL || e->type != YAML_SCALAR_NODE) {
				strv_release(&list);
				return paks_error_set(err, 0,
				    "%s'%s' must be a list of strings", where,
				    d->name);
			}
			strv_push(&list, (const char *)e->data.scalar.value);
		}
	store_list:
		strv_release(&v->list);
		v->list = list;
		if (v->list.v == NULL)
			v->list.v = xcalloc(1, sizeof(char *));
		goto done;
	}
	if (n->type != YAML_SCALAR_NODE)
		return paks_error_set(err, 0, "%s'%s' must be %s", where,
		    d->name, settings_type_name(d->type));
	const char *val = (const char *)n->data.scalar.value;
	if (settings_is_null(n))
		val = d->type == SETTING_STRING ? "" : d->def;
	bool b;
	long l;
	if ((d->type == SETTING_BOOL && !settings_parse_bool(val, &b)) ||
	    (d->type == SETTING_INT && !settings_parse_int(val, &l)))
		return paks_error_set(err, 0, "%s'%s' must be %s", where,
		    d->name, settings_type_name(d->type));
	free(v->str);
	v->str = xstrdup(val);
done:
	v->source = src;
	free(v->origin);
	v->origin = origin ? xstrdup(origin) : NULL;
	return 0;
}

/* Parse YAML text; the root node is returned through doc. */
static int
settings_parse(yaml_document_t *doc, const unsigned char *text, size_t len,
    FILE *f, const char *name, struct paks_error **err)
{
	yaml_parser_t p;

	if (!yaml_parser_initialize(&p))
		xoom();
	if (f != NULL)
		yaml_parser_set_input_file(&p, f);
	else
		yaml_parser_set_input_string(&p, text, len);
	if (!yaml_parser_load(&p, doc)) {
		paks_error_set(err, 0, "%s:%zu: malformed YAML: %s", name,
		    p.problem_mark.line + 1, p.problem ? p.problem : "error");
		yaml_parser_delete(&p);
		return -1;
	}
	yaml_parser_delete(&p);
	return 0;
}

/* Merge one settings file; a missing file is fine when optional. */
int
settings_load_file(struct settings *s, const char *path,
    enum setting_source src, bool optional, struct paks_error **err)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	yaml_document_t doc;
	yaml_node_t *root;
	struct settings tmp;
	int rc = 0;

	if (f == NULL) {
		if (optional && errno == ENOENT)
			return 0;
		return paks_error_set(err, errno, "cannot read settings file '%s'",
		    path);
	}
	if (settings_parse(&doc, NULL, 0, f, path, err) < 0)
		return -1;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || (root->type == YAML_SCALAR_NODE &&
	    settings_is_null(root))) {
		yaml_document_delete(&doc);
		return 0;
	}
	if (root->type != YAML_MAPPING_NODE) {
		size_t line = root->start_mark.line + 1;

		yaml_document_delete(&doc);
		return paks_error_set(err, 0, "%s:%zu: settings must be a mapping "
		    "of key: value", path, line);
	}
	/* apply to a copy so that a bad file changes nothing */
	memset(&tmp, 0, sizeof tmp);
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
	     pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
		_cleanup_free_ char *where = xasprintf("%s:%zu: ", path,
		    k->start_mark.line + 1);
		int i;

		if (k->type != YAML_SCALAR_NODE) {
			rc = paks_error_set(err, 0, "%skeys must be names", where);
			break;
		}
		i = settings_index((const char *)k->data.scalar.value);
		if (i < 0) {
			rc = settings_unknown(err, where,
			    (const char *)k->data.scalar.value);
			break;
		}
		if ((rc = settings_store(&tmp, i, &doc, v, src, path, where,
		    err)) < 0)
			break;
		tmp.v[i].source = src + 1; /* mark as present */
	}
	yaml_document_delete(&doc);
	for (int i = 0; i < settings_count; i++) {
		if (tmp.v[i].source == 0)
			continue;
		if (rc == 0) {
			free(s->v[i].str);
			strv_release(&s->v[i].list);
			free(s->v[i].origin);
			s->v[i] = tmp.v[i];
			s->v[i].source = src;
		} else {
			free(tmp.v[i].str);
			strv_release(&tmp.v[i].list);
			free(tmp.v[i].origin);
		}
	}
	return rc;
}

/* Set one key from text (the value is read as YAML: "[a, b]" is a list). */
int
settings_set(struct settings *s, const char *key, const char *value,
    enum setting_source src, struct paks_error **err)
{
	yaml_document_t doc;
	yaml_node_t *root;
	int i = settings_index(key), rc;

	if (i < 0)
		return settings_unknown(err, "", key);
	if (settings_parse(&doc, (const unsigned char *)value, strlen(value),
	    NULL, key, err) < 0)
		return -1;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {
		/* empty text: an empty string or an empty list */
		yaml_document_delete(&doc);
		if (settings_parse(&doc, (const unsigned char *)"''", 2, NULL,
		    key, err) < 0)
			return -1;
		root = yaml_document_get_root_node(&doc);
	}
	rc = settings_store(s, i, &doc, root, src, NULL, "", err);
	yaml_document_delete(&doc);
	return rc;
}

/*
 * Load every layer, lowest first: defaults, system file, user file,
 * an extra file (--settings-file) and "key=value" overrides (-s).
 */
int
settings_load(struct settings *s, const char *extra, char *const *overrides,
    struct paks_error **err)
{
	_cleanup_free_ char *sys = settings_system_path();
	_cleanup_free_ char *user = settings_user_path();

	memset(s, 0, sizeof *s);
	for (int i = 0; i < settings_count; i++) {
		if (settings_set(s, settings_table[i].name, settings_table[i].def,
		    SOURCE_DEFAULT, err) < 0)
			BUG("bad default for '%s'", settings_table[i].name);
	}
	if (settings_load_file(s, sys, SOURCE_SYSTEM, true, err) < 0 ||
	    settings_load_file(s, user, SOURCE_USER, true, err) < 0)
		return -1;
	if (extra != NULL &&
	    settings_load_file(s, extra, SOURCE_FILE, false, err) < 0)
		return -1;
	for (; overrides != NULL && *overrides != NULL; overrides++) {
		const char *o = *overrides;
		size_t klen = strcspn(o, "=:");
		_cleanup_free_ char *key = xstrndup(o, klen);

		if (o[klen] == '\0')
			return paks_error_set(err, 0, "-s '%s': expected "
			    "key=value", key);
		if (settings_set(s, key, o + klen + 1, SOURCE_OVERRIDE, err) < 0)
			return paks_error_wrap(err, "-s");
	}
	return 0;
}

void
settings_release(struct settings *s)
{
	for (int i = 0; i < settings_count; i++) {
		free(s->v[i].str);
		strv_release(&s->v[i].list);
		free(s->v[i].origin);
	}
	memset(s, 0, sizeof *s);
}

const char *
settings_get(const struct settings *s, const char *key)
{
	int i = settings_index(key);

	if (i < 0)
		BUG("unknown setting '%s'", key);
	return s->v[i].str ? s->v[i].str : "";
}

bool
settings_get_bool(const struct settings *s, const char *key)
{
	bool b = false;

	settings_parse_bool(settings_get(s, key), &b);
	return b;
}

long
settings_get_int(const struct settings *s, const char *key)
{
	long l = 0;

	settings_parse_int(settings_get(s, key), &l);
	return l;
}

char *const *
settings_get_list(const struct settings *s, const char *key)
{
	int i = settings_index(key);
	static char *empty[] = { NULL };

	if (i < 0)
		BUG("unknown setting '%s'", key);
	return s->v[i].list.v ? s->v[i].list.v : empty;
}

/* The effective value as text, lists in YAML flow form. */
char *
settings_format(const struct settings *s, const char *key)
{
	const struct setting_def *d = settings_find(key);
	struct strbuf sb = STRBUF_INIT;

	if (d == NULL)
		BUG("unknown setting '%s'", key);
	if (d->type != SETTING_LIST)
		return xstrdup(settings_get(s, key));
	strbuf_addch(&sb, '[');
	for (char *const *p = settings_get_list(s, key); *p; p++)
		strbuf_addf(&sb, "%s%s", p == settings_get_list(s, key) ? "" :
		    ", ", *p);
	strbuf_addch(&sb, ']');
	return strbuf_detach(&sb);
}
