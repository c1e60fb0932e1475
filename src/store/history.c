/*
 * The session record: each line a paks session ran (its text, exit
 * status, directory, start and duration), kept on the host, one JSON
 * object a line in ~/.paks/records/CONTAINER.jsonl.
 *
 * What the container reports is hostile: an entry is written with one
 * write() of one line that JSON escaping keeps free of newlines, so a
 * report can add entries but never break those around it; the file stops
 * growing at HISTORY_MAX_FILE; and a line read back that does not parse
 * is skipped and counted, never trusted. The record is informational: no
 * part of paks acts on it except #history, paks history and paks recipe,
 * which only print it.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "envstore.h"
#include "history.h"
#include "paths.h"
#include "storefile.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/xalloc.h"

/* ~/.paks/records/NAME.jsonl; NULL if NAME cannot be a file name. */
char *
history_path(const char *name)
{
	_cleanup_free_ char *home = NULL, *dir = NULL, *file = NULL;

	if (!history_name_ok(name))
		return NULL;
	home = paths_home();
	dir = paths_join(home, "records");
	file = xasprintf("%s.jsonl", name);
	return paths_join(dir, file);
}

/* A container's name as docker and podman allow it: [A-Za-z0-9][\w.-]*. */
bool
history_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 128 || strchr("_.-", name[0]) != NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		    c == '-'))
			return false;
	}
	return true;
}

void
history_entry_release(struct history_entry *e)
{
	free(e->line);
	free(e->cwd);
	free(e->to);
	free(e->from);
	free(e->session);
	free(e->shell);
	*e = (struct history_entry)HISTORY_ENTRY_INIT;
}

int64_t
history_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned cp;

	if (s[0] < 0x80)
		return s[0] != 0;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* A JSON string of s: a byte that is not UTF-8 becomes '?'. */
static json_t *
history_string(const char *s)
{
	size_t n = strlen(s);
	_cleanup_free_ char *copy = NULL;

	for (size_t i = 0; i < n;) {
		size_t k = utf8_len((const unsigned char *)s + i, n - i);
		if (k == 0) {
			if (copy == NULL)
				copy = xstrdup(s);
			copy[i] = '?';
			k = 1;
		}
		i += k;
	}
	return json_string(copy ? copy : s);
}

static void
history_set(json_t *o, const char *key, const char *value)
{
	if (value != NULL)
		json_object_set_new(o, key, history_string(value));
}

/* One entry as one line of JSON (with its newline), ASCII only. */
int
history_format(const struct history_entry *e, struct strbuf *out)
{
	json_t *o = json_object();
	char *text;

	json_object_set_new(o, "v", json_integer(1));
	json_object_set_new(o, "k", json_string(e->kind == HISTORY_PAKS ?
	    "paks" : "sh"));
	history_set(o, "line", e->line ? e->line : "");
	history_set(o, "cwd", e->cwd);
	history_set(o, "to", e->to);
	history_set(o, "from", e->from);
	history_set(o, "sid", e->session);
	history_set(o, "shell", e->shell);
	json_object_set_new(o, "st", e->status >= 0 ?
	    json_integer(e->status) : json_null());
	json_object_set_new(o, "t", json_integer(e->start));
	json_object_set_new(o, "d", e->duration >= 0 ?
	    json_integer(e->duration) : json_null());
	json_object_set_new(o, "typed", json_boolean(e->typed));
	text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (text == NULL)
		return -1;
	strbuf_adds(out, text);
	strbuf_addch(out, '\n');
	free(text);
	return 0;
}

/* A string member: 1 and *out set, 0 absent or null, -1 wrong. */
static int
history_get_str(json_t *o, const char *key, size_t max, char **out)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return -1;
	*out = xstrdup(json_string_value(v));
	return 1;
}

/* An integer member in [lo, hi]; absent or null leaves *out. */
static int
history_get_int(json_t *o, const char *key, int64_t lo, int64_t hi,
    int64_t *out)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return -1;
	*out = json_integer_value(v);
	return 1;
}

static int
history_parse_obj(json_t *o, struct history_entry *e)
{
	const char *k = json_string_value(json_object_get(o, "k"));
	int64_t st = -1, t = -1, d = -1;
	json_t *typed = json_object_get(o, "typed");

	if (!json_is_object(o) || (k && strcmp(k, "sh") && strcmp(k, "paks")))
		return -1;
	e->kind = k && strcmp(k, "paks") == 0 ? HISTORY_PAKS : HISTORY_SHELL;
	if (history_get_str(o, "line", HISTORY_MAX_LINE * 2, &e->line) <= 0 ||
	    history_get_str(o, "cwd", 4096, &e->cwd) < 0 ||
	    history_get_str(o, "to", 4096, &e->to) < 0 ||
	    history_get_str(o, "from", 4096, &e->from) < 0 ||
	    history_get_str(o, "sid", 64, &e->session) < 0 ||
	    history_get_str(o, "shell", 16, &e->shell) < 0 ||
	    history_get_int(o, "st", 0, 255, &st) < 0 ||
	    history_get_int(o, "t", 0, INT64_MAX / 2, &t) <= 0 ||
	    history_get_int(o, "d", 0, INT64_MAX / 2, &d) < 0 ||
	    (typed != NULL && !json_is_boolean(typed)))
		return -1;
	e->status = (int)st;
	e->start = t;
	e->duration = d;
	e->typed = json_is_true(typed);
	return 0;
}

/* One line of a record (no newline needed) into e; -1 if it is not one. */
int
history_parse(const char *text, size_t len, struct history_entry *e)
{
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	int rc;

	*e = (struct history_entry)HISTORY_ENTRY_INIT;
	if (o == NULL)
		return -1;
	if ((rc = history_parse_obj(o, e)) < 0)
		history_entry_release(e);
	json_decref(o);
	return rc;
}

/* Every line of buf that is an entry, appended to h; others counted. */
void
history_parse_all(const char *buf, size_t len, struct history *h)
{
	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len;
		struct history_entry e;

		if (n > 0 && history_parse(buf, n, &e) == 0) {
			if (h->n == h->alloc) {
				h->alloc = h->alloc ? 2 * h->alloc : 64;
				h->v = xreallocarray(h->v, h->alloc,
				    sizeof *h->v);
			}
			h->v[h->n++] = e;
		} else if (n > 0)
			h->bad++;
		buf += n + (nl != NULL);
		len -= n + (nl != NULL);
	}
}

/* The record at path into h; a record that does not exist is empty. */
int
history_load(const char *path, struct history *h, struct paks_error **err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	struct paks_error *e = NULL;

	if (storefile_read(path, HISTORY_MAX_FILE + 65536, &buf, &len,
	    &e) < 0) {
		if (e->code == ENOENT) {
			paks_error_free(e);
			return 0;
		}
		*err = e;
		return -1;
	}
	history_parse_all(buf, len, h);
	return 0;
}

/* Add one entry to the record at path, in one write. */
int
history_append(const char *path, const struct history_entry *e,
    struct paks_error **err)
{
	_cleanup_strbuf_ struct strbuf line = STRBUF_INIT;
	_cleanup_free_ char *dir = xstrdup(path);
	_cleanup_close_ int fd = -1;
	struct stat st;

	*strrchr(dir, '/') = '\0';
	if (history_format(e, &line) < 0)
		return paks_error_set(err, 0, "cannot write a history entry");
	if (storefile_mkdir(dir, err) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd < 0 || fstat(fd, &st) < 0)
		return paks_error_set(err, errno, "cannot open '%s'", path);
	if ((uint64_t)st.st_size + line.len > HISTORY_MAX_FILE)
		return paks_error_set(err, EFBIG, "the record '%s' is full",
		    path);
	if (write_all(fd, line.buf, line.len) < 0)
		return paks_error_set(err, errno, "cannot write '%s'", path);
	return 0;
}

static int
history_longer(const void *a, const void *b)
{
	size_t x = strlen(*(char *const *)a), y = strlen(*(char *const *)b);

	return x > y ? -1 : x < y;
}

/*
 * Every value of secrets (HISTORY_MASK_MIN bytes or more) in *text
 * becomes HISTORY_MASK; the longest first, so that none shows in part.
 */
void
history_mask(char **text, char *const *secrets)
{
	size_t n = 0;
	_cleanup_free_ char **v = NULL;

	while (secrets && secrets[n])
		n++;
	if (n == 0)
		return;
	v = xcalloc(n + 1, sizeof *v);
	memcpy(v, secrets, n * sizeof *v);
	qsort(v, n, sizeof *v, history_longer);
	for (size_t i = 0; i < n && strlen(v[i]) >= HISTORY_MASK_MIN; i++) {
		struct strbuf sb = STRBUF_INIT;
		const char *p = *text, *hit;

		if (strstr(p, v[i]) == NULL)
			continue;
		while ((hit = strstr(p, v[i])) != NULL) {
			strbuf_add(&sb, p, (size_t)(hit - p));
			strbuf_adds(&sb, HISTORY_MASK);
			p = hit + strlen(v[i]);
		}
		strbuf_adds(&sb, p);
		free(*text);
		*text = strbuf_detach(&sb);
	}
}

/* By start time, stable: a merge sort (entries of one start keep the
 * order they were read in). */
void
history_sort(struct history *h)
{
	struct history_entry *tmp = NULL, *a = h->v;

	if (h->n < 2)
		return;
	tmp = xreallocarray(NULL, h->n, sizeof *tmp);
	for (size_t w = 1; w < h->n; w *= 2) {
		for (size_t lo = 0; lo < h->n; lo += 2 * w) {
			size_t mid = lo + w < h->n ? lo + w : h->n;
			size_t hi = lo + 2 * w < h->n ? lo + 2 * w : h->n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				tmp[k++] = a[j].start < a[i].start ? a[j++] :
				    a[i++];
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
		}
		memcpy(a, tmp, h->n * sizeof *a);
	}
	free(tmp);
}

void
history_release(struct history *h)
{
	for (size_t i = 0; i < h->n; i++)
		history_entry_release(&h->v[i]);
	free(h->v);
	*h = (struct history)HISTORY_INIT;
}

/* Mask secrets in every entry of h (again: a record may be older than an
 * environment, or come from an image). */
void
history_mask_all(struct history *h, char *const *secrets)
{
	for (size_t i = 0; i < h->n; i++) {
		history_mask(&h->v[i].line, secrets);
		if (h->v[i].cwd != NULL)
			history_mask(&h->v[i].cwd, secrets);
		if (h->v[i].to != NULL)
			history_mask(&h->v[i].to, secrets);
	}
}

/* s for a terminal: newlines as "\n", other control bytes as '?'. */
static void
history_add_shown(struct strbuf *out, const char *s, size_t max)
{
	size_t n = 0;

	for (; *s && n < max; s++, n++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n')
			strbuf_adds(out, "\\n");
		else
			strbuf_addch(out, c < 0x20 || c == 0x7f ? '?' : *s);
	}
	if (*s)
		strbuf_adds(out, "...");
}

/*
 * The table #history and paks history print: number, status ("?" when
 * unknown), start (UTC), duration, directory, line. A line paks did not
 * see typed is marked "!"; a #command is shown as typed.
 */
void
history_table(const struct history *h, size_t from, struct strbuf *out)
{
	strbuf_addf(out, "%5s %6s  %-19s %7s  %-14s %s\n", "N", "STATUS",
	    "STARTED (UTC)", "TIME", "DIRECTORY", "LINE");
	for (size_t i = from; i < h->n; i++) {
		const struct history_entry *e = &h->v[i];
		time_t t = (time_t)(e->start / 1000);
		char when[32] = "?", st[16] = "?", dur[32] = "?";

		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", gmtime(&t));
		if (e->status >= 0)
			snprintf(st, sizeof st, "%d", e->status);
		if (e->duration >= 0)
			snprintf(dur, sizeof dur, "%.1fs",
			    (double)e->duration / 1000);
		strbuf_addf(out, "%5zu %6s  %-19s %7s  ", i + 1, st, when, dur);
		history_add_shown(out, e->cwd ? e->cwd : "?", 4096);
		for (size_t k = e->cwd ? strlen(e->cwd) : 1; k < 14; k++)
			strbuf_addch(out, ' ');
		strbuf_adds(out, e->typed ? " " : "!");
		history_add_shown(out, e->line, HISTORY_MAX_LINE);
		strbuf_addch(out, '\n');
	}
}

static json_t *
history_json_str(const char *s)
{
	return s ? history_string(s) : json_null();
}

/* h as a JSON array for --format json, entries numbered from 1. */
json_t *
history_json(const struct history *h)
{
	json_t *list = json_array();

	for (size_t i = 0; i < h->n; i++) {
		const struct history_entry *e = &h->v[i];

		json_array_append_new(list, json_pack("{s:I,s:s,s:o,s:o,s:o,"
		    "s:o,s:I,s:o,s:b,s:o,s:o,s:o}",
		    "n", (json_int_t)(i + 1),
		    "kind", e->kind == HISTORY_PAKS ? "paks" : "shell",
		    "line", history_json_str(e->line),
		    "status", e->status >= 0 ? json_integer(e->status) :
		    json_null(),
		    "cwd", history_json_str(e->cwd),
		    "to", history_json_str(e->to),
		    "start_ms", (json_int_t)e->start,
		    "duration_ms", e->duration >= 0 ?
		    json_integer(e->duration) : json_null(),
		    "typed", e->typed,
		    "from", history_json_str(e->from),
		    "session", history_json_str(e->session),
		    "shell", history_json_str(e->shell)));
	}
	return list;
}
