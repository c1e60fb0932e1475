/*
 * Writing settings files: the text 'paks config init' writes, and 'set',
 * which changes one value in place so that the user's comments, blank
 * lines and key order survive. The value's byte range comes from libyaml's
 * event marks, and its new text from libyaml's emitter (so the quoting
 * rules are libyaml's); the new file is checked with settings_load_file
 * before it replaces the old one, so a bad result never lands.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <unistd.h>
#include <yaml.h>

#include "paths.h"
#include "settings-edit.h"
#include "storefile.h"
#include "util/cleanup.h"
#include "util/spawn.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

#define SETTINGS_FILE_MAX	(1u << 20)
#define SETTINGS_DEPTH_MAX	64

/*
 * Words a YAML reader may take for null, a boolean or a number: a string
 * such as these is quoted. libyaml's emitter leaves this to its caller.
 */
static bool
settings_yaml_special(const char *s)
{
	static const char *const words[] = { "", "~", "null", "true", "false",
		"yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf",
		".nan" };
	const char *d = s;

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strcasecmp(s, words[i]) == 0)
			return true;
	}
	if (*d == '=')
		return true;	/* YAML 1.1's "value" key */
	if (*d == '-' || *d == '+' || *d == '.')
		d++;
	return isdigit((unsigned char)*d);
}

/*
 * The style to ask libyaml for. Plain for a word of path-like bytes;
 * single quotes for the rest, so that "code --wait" reads as one value.
 * A line break would stay a break in single quotes, and a value is one
 * line: double quotes escape it. Where the asked style cannot hold the
 * string, libyaml takes the next (plain, single, double) by its own rules.
 */
static yaml_scalar_style_t
settings_yaml_style(const char *s)
{
	if (!settings_yaml_special(s) && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_./~+=-") == strlen(s))
		return YAML_PLAIN_SCALAR_STYLE;
	if (strpbrk(s, "\r\n") != NULL || strstr(s, "\xc2\x85") != NULL ||
	    strstr(s, "\xe2\x80\xa8") != NULL ||
	    strstr(s, "\xe2\x80\xa9") != NULL)
		return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	return YAML_SINGLE_QUOTED_SCALAR_STYLE;
}

static int
settings_yaml_write(void *data, unsigned char *buf, size_t len)
{
	strbuf_add(data, buf, len);
	return 1;
}

/*
 * Strings as YAML on one line, written by libyaml's emitter: one scalar,
 * or a flow sequence of them when seq. The emitter writes "k: VALUE", the
 * place a value has in a settings file, and VALUE is taken from that.
 * NULL if a string is not UTF-8 (libyaml refuses it).
 */
static char *
settings_yaml_emit(const char *const *v, bool seq)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	yaml_emitter_t em;
	yaml_document_t doc;
	int map, key, value;

	if (!yaml_document_initialize(&doc, NULL, NULL, NULL, 1, 1))
		xoom();
	map = yaml_document_add_mapping(&doc, NULL, YAML_BLOCK_MAPPING_STYLE);
	key = yaml_document_add_scalar(&doc, NULL, (yaml_char_t *)"k", -1,
	    YAML_PLAIN_SCALAR_STYLE);
	if (!seq)
		value = yaml_document_add_scalar(&doc, NULL, (yaml_char_t *)*v,
		    (int)strlen(*v), settings_yaml_style(*v));
	else
		value = yaml_document_add_sequence(&doc, NULL,
		    YAML_FLOW_SEQUENCE_STYLE);
	for (; seq && value > 0 && *v != NULL; v++) {
		int item = yaml_document_add_scalar(&doc, NULL,
		    (yaml_char_t *)*v, (int)strlen(*v),
		    settings_yaml_style(*v));

		if (item == 0 ||
		    !yaml_document_append_sequence_item(&doc, value, item))
			value = 0;
	}
	if (map == 0 || key == 0 || value == 0 ||
	    !yaml_document_append_mapping_pair(&doc, map, key, value)) {
		yaml_document_delete(&doc);
		return NULL;
	}
	if (!yaml_emitter_initialize(&em))
		xoom();
	yaml_emitter_set_output(&em, settings_yaml_write, &sb);
	yaml_emitter_set_unicode(&em, 1);	/* UTF-8 as it is, not \u */
	yaml_emitter_set_width(&em, -1);	/* never fold a line */
	if (!yaml_emitter_dump(&em, &doc) || !yaml_emitter_close(&em) ||
	    !yaml_emitter_flush(&em))
		BUG("libyaml cannot write a value: %s",
		    em.problem ? em.problem : "no reason");
	yaml_emitter_delete(&em);
	if (sb.len < 4 || strncmp(sb.buf, "k: ", 3) != 0 ||
	    sb.buf[sb.len - 1] != '\n' || memchr(sb.buf, '\n', sb.len - 1))
		BUG("libyaml wrote a value on more than one line");
	return xstrndup(sb.buf + 3, sb.len - 4);
}

/*
 * A string as a YAML scalar that reads back as the same string, on one
 * line; NULL if it is not UTF-8.
 */
char *
settings_yaml_quote(const char *s)
{
	const char *one[] = { s, NULL };

	return settings_yaml_emit(one, false);
}

/* The value of key in s as YAML text (lists in flow form). */
char *
settings_yaml_value(const struct settings *s, const char *key)
{
	const struct setting_def *d = settings_find(key);
	char *v = NULL;

	if (d == NULL)
		BUG("unknown setting '%s'", key);
	switch (d->type) {
	case SETTING_STRING:
		v = settings_yaml_quote(settings_get(s, key));
		break;
	case SETTING_BOOL:
	case SETTING_INT:
		return xstrdup(settings_get(s, key));
	case SETTING_LIST:
		v = settings_yaml_emit((const char *const *)
		    settings_get_list(s, key), true);
		break;
	}
	if (v == NULL)
		BUG("setting '%s' holds text that is not UTF-8", key);
	return v;
}

/* The text of a new settings file: every key at its default, with help. */
char *
settings_init_text(void)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb,
	    "# paks settings. 'paks config list' shows the values in\n"
	    "# effect and where each comes from; 'paks config set KEY\n"
	    "# VALUE' changes one and keeps these comments. Every key is\n"
	    "# at its built-in default; a key set here overrides\n"
	    "# /etc/paks/settings.yml, so delete the lines you do not\n"
	    "# mean to pin.\n");
	for (int i = 0; i < settings_count; i++) {
		const struct setting_def *d = &settings_table[i];
		_cleanup_free_ char *v = d->type == SETTING_STRING ?
		    settings_yaml_quote(d->def) : xstrdup(d->def);

		strbuf_addf(&sb, "\n# %s\n%s: %s\n", d->help, d->name, v);
	}
	return strbuf_detach(&sb);
}

static bool settings_split(const char *, struct strv *);

/* Is word a program paks can start: a path to one, or one found on PATH? */
static bool
settings_program_found(const char *word)
{
	_cleanup_free_ char *path = xstrdup(getenv("PATH") != NULL ?
	    getenv("PATH") : "/usr/bin:/bin");
	char *save = NULL;

	if (strchr(word, '/') != NULL)
		return access(word, X_OK) == 0;
	for (char *d = strtok_r(path, ":", &save); d != NULL;
	     d = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *f = xasprintf("%s/%s", *d ? d : ".", word);

		if (access(f, X_OK) == 0)
			return true;
	}
	return false;
}

/* A value of the right type may still be wrong: check what d says. */
static int
settings_check(const struct setting_def *d, const char *value,
    struct paks_error **err)
{
	_cleanup_strv_ struct strv words = STRV_INIT;
	const char *near = NULL;
	size_t best = 3;

	if (*value == '\0')
		return 0;
	switch (d->check) {
	case CHECK_NONE:
		return 0;
	case CHECK_CHOICE:
		for (const char *const *c = d->choices; *c != NULL; c++) {
			size_t n = text_distance(value, strlen(value), *c,
			    strlen(*c));

			if (n == 0)
				return 0;
			if (n < best) {
				best = n;
				near = *c;
			}
		}
		paks_error_set(err, 0, "%s cannot be '%s'%s%s%s", d->name,
		    value, near ? " (did you mean '" : "", near ? near : "",
		    near ? "'?)" : "");
		{
			_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

			for (const char *const *c = d->choices; *c; c++)
				strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", *c);
			return paks_error_hint(err, "one of %s, or empty",
			    strbuf_str(&sb));
		}
	case CHECK_ABSPATH:
		if (*value == '/')
			return 0;
		paks_error_set(err, 0, "%s must be an absolute path in the "
		    "container, not '%s'", d->name, value);
		return paks_error_hint(err, "for example /bin/bash or "
		    "/usr/bin/zsh");
	case CHECK_COMMAND:
		if (!settings_split(value, &words) ||
		    settings_program_found(words.v[0]))
			return 0;
		paks_error_set(err, 0, "%s: no program '%s' here", d->name,
		    words.v[0]);
		return paks_error_hint(err, "give a program on PATH or its "
		    "full path");
	}
	return 0;
}

/*
 * The YAML text to write for key given the value a person typed: a string
 * is taken literally and quoted as needed; a bool, number or list is YAML
 * ("[a, b]") on one line. The key and the type are checked here.
 */
int
settings_value_yaml(const char *key, const char *value, char **out,
    struct paks_error **err)
{
	const struct setting_def *d = settings_find(key);
	_cleanup_free_ char *yaml = NULL;
	struct settings tmp;
	int rc;

	if (d != NULL && d->type == SETTING_STRING) {
		if ((yaml = settings_yaml_quote(value)) == NULL)
			return paks_error_set(err, 0, "the value of '%s' is "
			    "not UTF-8 text", key);
		if (settings_check(d, value, err) < 0)
			return -1;
	} else if (d != NULL && d->type == SETTING_LIST && *value == '\0')
		yaml = xstrdup("[]");
	else
		yaml = xstrdup(value);
	if (d != NULL && d->type != SETTING_STRING && strpbrk(value, "\r\n")) {
		paks_error_set(err, 0, "the value of '%s' must be on one line",
		    key);
		if (d->type == SETTING_LIST)
			paks_error_hint(err, "write a list as '[a, b]'");
		return -1;
	}
	memset(&tmp, 0, sizeof tmp);
	rc = settings_set(&tmp, key, yaml, SOURCE_USER, err);
	settings_release(&tmp);
	if (rc < 0) {
		if (d != NULL && d->type == SETTING_LIST &&
		    (*err)->hint == NULL)
			paks_error_hint(err, "write a list as '[a, b]'");
		return -1;
	}
	*out = TAKE_PTR(yaml);
	return 0;
}

/* Where a value sits in the text: [start, end), or an empty value. */
struct settings_span {
	bool	found;
	bool	empty;
	size_t	key_end;	/* just after the key */
	size_t	start;
	size_t	end;
};

/* State of the walk over the events of the root mapping. */
struct settings_walk {
	const char		*key;
	int			 depth;		/* open collections */
	bool			 flow[SETTINGS_DEPTH_MAX];
	unsigned long		 node;	/* nodes in the root map */
	bool			 match;	/* the next value is key's */
	bool			 in_value; /* inside the value of key */
	size_t			 key_end;
	struct settings_span	 cur;
};

/* A node of the root mapping begins (depth 1) or the value goes on. */
static void
settings_walk_event(struct settings_walk *w, const yaml_event_t *ev,
    struct settings_span *sp)
{
	size_t start = ev->start_mark.index, end = ev->end_mark.index;
	bool opens = ev->type == YAML_MAPPING_START_EVENT ||
	    ev->type == YAML_SEQUENCE_START_EVENT;
	bool closes = ev->type == YAML_MAPPING_END_EVENT ||
	    ev->type == YAML_SEQUENCE_END_EVENT;

	if (w->depth == 1 && !closes) {
		/* a new node of the root mapping: a key or a value */
		bool is_value = w->node++ % 2 == 1;

		w->in_value = is_value && w->match;
		w->match = !is_value && ev->type == YAML_SCALAR_EVENT &&
		    strcmp((const char *)ev->data.scalar.value, w->key) == 0;
		if (w->match)
			w->key_end = end;
		if (w->in_value)
			w->cur = (struct settings_span){ .found = true,
				.key_end = w->key_end, .start = start,
				.end = start };
		if (w->in_value && ev->type == YAML_SCALAR_EVENT &&
		    ev->data.scalar.length == 0 &&
		    ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			w->cur.empty = true;
	}
	if (w->in_value) {
		/* a block collection ends at the next token, which may be
		 * comments away: only scalars and flow ends count */
		if ((ev->type == YAML_SCALAR_EVENT ||
		    ev->type == YAML_ALIAS_EVENT ||
		    (closes && w->flow[w->depth - 1])) && end > w->cur.end)
			w->cur.end = end;
	}
	if (opens) {
		w->flow[w->depth] = ev->type == YAML_MAPPING_START_EVENT ?
		    ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE :
		    ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
		w->depth++;
	} else if (closes)
		w->depth--;
	if (w->in_value && w->depth == 1) {
		/* the value is complete; a later duplicate key wins */
		*sp = w->cur;
		w->in_value = false;
	}
}

/* Find the value of top-level key in text. */
static int
settings_find_value(const char *text, size_t len, const char *key,
    struct settings_span *sp, struct paks_error **err)
{
	struct settings_walk w = { .key = key };
	yaml_parser_t p;
	yaml_event_t ev;
	bool done = false;

	memset(sp, 0, sizeof *sp);
	if (!yaml_parser_initialize(&p))
		xoom();
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			paks_error_set(err, 0, "line %zu: malformed YAML: %s",
			    p.problem_mark.line + 1,
			    p.problem ? p.problem : "error");
			yaml_parser_delete(&p);
			return -1;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			done = true;
			break;
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
		case YAML_NO_EVENT:
			break;
		default:
			if (w.depth == 0 &&
			    ev.type != YAML_MAPPING_START_EVENT) {
				done = true;	/* not a mapping: append */
				break;
			}
			if (w.depth >= SETTINGS_DEPTH_MAX) {
				yaml_event_delete(&ev);
				yaml_parser_delete(&p);
				return paks_error_set(err, 0, "settings nested "
				    "too deeply");
			}
			settings_walk_event(&w, &ev, sp);
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return 0;
}

/*
 * libyaml marks count characters, not bytes, after any byte order mark;
 * the text is UTF-8 (libyaml has checked), so count the bytes that start
 * a character.
 */
static size_t
settings_byte_offset(const char *text, size_t len, size_t chars)
{
	size_t i = 0;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < len; i++) {
		if (((unsigned char)text[i] & 0xc0) == 0x80)
			continue;
		if (chars-- == 0)
			break;
	}
	return i;
}

/*
 * Set top-level key to yaml (a YAML value on one line) in text, changing
 * nothing else: the value is replaced where it is, or "key: yaml" is
 * appended. *out is the new text. The result is not validated here.
 */
int
settings_edit_set(const char *text, size_t len, const char *key,
    const char *yaml, char **out, struct paks_error **err)
{
	struct strbuf sb = STRBUF_INIT;
	struct settings_span sp;

	if (settings_find_value(text, len, key, &sp, err) < 0)
		return -1;
	sp.key_end = settings_byte_offset(text, len, sp.key_end);
	sp.start = settings_byte_offset(text, len, sp.start);
	sp.end = settings_byte_offset(text, len, sp.end);
	if (!sp.found) {
		strbuf_add(&sb, text, len);
		if (len > 0 && text[len - 1] != '\n')
			strbuf_addch(&sb, '\n');
		strbuf_addf(&sb, "%s: %s\n", key, yaml);
		*out = strbuf_detach(&sb);
		return 0;
	}
	if (sp.empty) {
		/* "key:" or "key: # note": the mark is just after the colon */
		if (sp.start < len && text[sp.start] == ' ')
			sp.start++;
		strbuf_add(&sb, text, sp.start);
		if (sp.start == 0 || text[sp.start - 1] != ' ')
			strbuf_addch(&sb, ' ');
		strbuf_adds(&sb, yaml);
		if (sp.start < len && text[sp.start] != '\n' &&
		    text[sp.start] != '\r' && text[sp.start] != ' ')
			strbuf_addch(&sb, ' ');
		strbuf_add(&sb, text + sp.start, len - sp.start);
		*out = strbuf_detach(&sb);
		return 0;
	}
	/* a block scalar's range takes in the line breaks after it */
	while (sp.end > sp.start && strchr(" \t\r\n", text[sp.end - 1]))
		sp.end--;
	/* a value on the lines below "key:" moves up when nothing is between */
	size_t gap = sp.key_end + strspn(text + sp.key_end, " \t");
	if (gap < sp.start && text[gap] == ':' &&
	    strspn(text + gap + 1, " \t\r\n") == sp.start - gap - 1) {
		sp.start = gap + 1;
		strbuf_add(&sb, text, sp.start);
		strbuf_addch(&sb, ' ');
	} else
		strbuf_add(&sb, text, sp.start);
	strbuf_adds(&sb, yaml);
	strbuf_add(&sb, text + sp.end, len - sp.end);
	*out = strbuf_detach(&sb);
	return 0;
}

/*
 * Check that path is a valid settings file; messages name it shown (the
 * file it is about to become) instead of path.
 */
int
settings_check_file(const char *path, const char *shown,
    struct paks_error **err)
{
	struct paks_error *e = NULL;
	struct settings tmp;
	const char *at;
	int rc;

	memset(&tmp, 0, sizeof tmp);
	rc = settings_load_file(&tmp, path, SOURCE_USER, false, &e);
	settings_release(&tmp);
	if (rc == 0)
		return 0;
	if (strcmp(path, shown) != 0 && (at = strstr(e->msg, path)) != NULL) {
		char *msg = xasprintf("%.*s%s%s", (int)(at - e->msg), e->msg,
		    shown, at + strlen(path));

		free(e->msg);
		e->msg = msg;
	}
	*err = e;
	return -1;
}

/*
 * Whether the files old (may be absent) and new give every key but key the
 * same value: an edit can change a neighbour, e.g. a block scalar that ends
 * the file without a newline gains one when a key is appended after it.
 */
static bool
settings_others_kept(const char *old, const char *new, const char *key)
{
	struct settings a, b;
	struct paks_error *e = NULL;
	bool same = true;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	if (settings_load_file(&a, old, SOURCE_USER, true, &e) < 0 ||
	    settings_load_file(&b, new, SOURCE_USER, false, &e) < 0) {
		paks_error_free(e);
		same = false;
	}
	for (int i = 0; same && i < settings_count; i++) {
		const char *k = settings_table[i].name;
		_cleanup_free_ char *va = NULL, *vb = NULL;

		if (strcmp(k, key) == 0)
			continue;
		va = settings_yaml_value(&a, k);
		vb = settings_yaml_value(&b, k);
		same = strcmp(va, vb) == 0;
	}
	settings_release(&a);
	settings_release(&b);
	return same;
}

/* Set key to value in the user's settings file, keeping its comments. */
int
settings_user_set(const char *key, const char *value, struct paks_error **err)
{
	_cleanup_free_ char *path = settings_user_path(), *home = paths_home();
	_cleanup_free_ char *yaml = NULL, *text = NULL, *out = NULL;
	_cleanup_free_ char *want = NULL, *got = NULL;
	_cleanup_storefile_ struct storefile sf = STOREFILE_INIT;
	struct paks_error *e = NULL;
	struct settings check;
	size_t len = 0;
	int rc;

	if (settings_value_yaml(key, value, &yaml, err) < 0)
		return -1;
	if (storefile_read(path, SETTINGS_FILE_MAX, &text, &len, &e) < 0) {
		if (e->code != ENOENT) {
			*err = e;
			return -1;
		}
		paks_error_free(e);
		text = xstrdup("");
	} else if (settings_check_file(path, path, err) < 0) {
		if ((*err)->hint == NULL)
			paks_error_hint(err, "fix the file first, e.g. with "
			    "'paks config edit'");
		return -1;
	}
	if (settings_edit_set(text, len, key, yaml, &out, err) < 0)
		return paks_error_wrap(err, "%s", path);
	if (storefile_mkdir(home, err) < 0 ||
	    storefile_open(&sf, path, NULL, err) < 0)
		return -1;
	storefile_keep_mode(&sf);
	if (storefile_write(&sf, out, strlen(out), err) < 0)
		return -1;
	if (settings_check_file(sf.tmp, path, err) < 0)
		return paks_error_wrap(err, "cannot set '%s' in place", key);
	/* the value read back must be the value asked for */
	memset(&check, 0, sizeof check);
	rc = settings_set(&check, key, yaml, SOURCE_USER, err);
	want = rc == 0 ? settings_yaml_value(&check, key) : NULL;
	settings_release(&check);
	if (rc < 0 || settings_load_file(&check, sf.tmp, SOURCE_USER, false,
	    err) < 0)
		BUG("settings checked twice differ");
	got = settings_yaml_value(&check, key);
	settings_release(&check);
	if (strcmp(want, got) != 0 ||
	    !settings_others_kept(path, sf.tmp, key)) {
		paks_error_set(err, 0, "'%s' cannot be set in place in '%s'",
		    key, path);
		return paks_error_hint(err, "nothing was changed; set it with "
		    "'paks config edit'");
	}
	return storefile_commit(&sf, err);
}

/* Split an editor command on whitespace; false if it holds no word. */
static bool
settings_split(const char *cmd, struct strv *argv)
{
	_cleanup_free_ char *copy = NULL;
	char *save = NULL;

	if (cmd == NULL)
		return false;
	copy = xstrdup(cmd);
	for (char *w = strtok_r(copy, " \t\n", &save); w != NULL;
	     w = strtok_r(NULL, " \t\n", &save))
		strv_push(argv, w);
	return argv->n > 0;
}

/*
 * The argv that edits path: the config_editor setting, else $VISUAL, else
 * $EDITOR, else vi. A setting such as "code --wait" is split on
 * whitespace only; no shell is involved.
 */
void
settings_editor_argv(const struct settings *s, const char *path,
    struct strv *argv)
{
	if (!settings_split(settings_get(s, "config_editor"), argv) &&
	    !settings_split(getenv("VISUAL"), argv) &&
	    !settings_split(getenv("EDITOR"), argv))
		strv_push(argv, "vi");
	strv_push(argv, path);
}

/*
 * Run the editor on path and wait for it. Like system(), paks ignores
 * SIGINT and SIGQUIT meanwhile: they are meant for the editor.
 */
int
settings_run_editor(const struct settings *s, const char *path,
    struct paks_error **err)
{
	_cleanup_spawn_ struct spawn sp = SPAWN_INIT;
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	int code;

	settings_editor_argv(s, path, &sp.args);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	if (spawn_start(&sp, err) < 0) {
		code = -1;
		paks_error_hint(err, "set the editor with 'paks config set "
		    "config_editor EDITOR', $VISUAL or $EDITOR");
	} else
		code = spawn_status_code(spawn_wait(&sp));
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	if (code == 0 || code < 0)
		return code;
	paks_error_set(err, 0, "editor '%s' exited with status %d",
	    sp.args.v[0], code);
	return paks_error_hint(err, "nothing was changed");
}
