/*
 * Named environments: the env file format, name checks, and loading and
 * saving ~/.paks/envs/NAME under a lock with atomic replacement.
 *
 * The file format, one variable per line, meant to be read and edited by a
 * person:
 *
 *	# a comment             '#' lines and blank lines are kept as written
 *	KEY=plain value         raw: every byte after the first '=' up to the
 *	                        end of the line, taken literally
 *	KEY="two\nlines"        quoted: the value starts with '"'; the escapes
 *	                        \n \t \r \\ \" and \xHH are the only ones
 *
 * KEY is a shell variable name, [A-Za-z_][A-Za-z0-9_]*. paks writes a value
 * raw unless raw would not read back the same: it is quoted when it starts
 * with '"', starts or ends with a space or tab, or holds a control byte
 * (newline, tab, carriage return, escape, DEL, ...). Everything else stays
 * raw, quotes inside, '$', '$(...)', backticks, backslashes, '#', '=' and
 * UTF-8 included: no shell expansion is ever done, so KEY=a "b" $c \d means
 * exactly those bytes. A file that does not follow this is reported as
 * FILE:LINE and never rewritten.
 *
 * Writers take an exclusive flock on envs/#lock and do read-modify-write
 * under it, so concurrent 'paks env add' all land; readers need no lock
 * because every write is an atomic rename (see storefile.c). Nothing here
 * prints: errors go up as struct paks_error, and no message ever holds a
 * value.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envstore.h"
#include "paths.h"
#include "storefile.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define ENVSTORE_NAME_MAX	200
#define ENVSTORE_FILE_MAX	(16u << 20)
#define ENVSTORE_LOCK		"#lock"

/* ---- struct env ---- */

static struct env_var *
env_find(const struct env *env, const char *key)
{
	for (size_t i = 0; i < env->n; i++) {
		if (strcmp(env->v[i].key, key) == 0)
			return &env->v[i];
	}
	return NULL;
}

const char *
env_get(const struct env *env, const char *key)
{
	struct env_var *v = env_find(env, key);

	return v != NULL ? v->value : NULL;
}

static struct env_var *
env_append(struct env *env, char *key, char *value, char *pre)
{
	struct env_var *v;

	if (env->n == env->alloc) {
		env->alloc = env->alloc ? env->alloc * 2 : 8;
		env->v = xreallocarray(env->v, env->alloc, sizeof *env->v);
	}
	v = &env->v[env->n++];
	*v = (struct env_var){ .key = key, .value = value, .pre = pre };
	return v;
}

/* Set key to value: in place if it is there (keeping its comment), else
 * at the end. */
void
env_set(struct env *env, const char *key, const char *value)
{
	struct env_var *v = env_find(env, key);

	if (v == NULL) {
		env_append(env, xstrdup(key), xstrdup(value), NULL);
		return;
	}
	free(v->value);
	v->value = xstrdup(value);
}

/* Remove key with the comment above it; false if it was not there. */
bool
env_unset(struct env *env, const char *key)
{
	struct env_var *v = env_find(env, key);

	if (v == NULL)
		return false;
	free(v->key);
	free(v->value);
	free(v->pre);
	memmove(v, v + 1, (size_t)(env->v + env->n - (v + 1)) * sizeof *v);
	env->n--;
	return true;
}

void
env_release(struct env *env)
{
	for (size_t i = 0; i < env->n; i++) {
		free(env->v[i].key);
		free(env->v[i].value);
		free(env->v[i].pre);
	}
	free(env->v);
	free(env->tail);
	*env = (struct env)ENV_INIT;
}

/* ---- names ---- */

bool
envstore_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > ENVSTORE_NAME_MAX || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return false;
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_.-") == len;
}

bool
envstore_key_valid(const char *key)
{
	if (!isalpha((unsigned char)*key) && *key != '_')
		return false;
	for (const char *p = key + 1; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	}
	return true;
}

/*
 * An invalid name is never quoted: it may be a value typed where the name
 * belongs (paks env add TOKEN=abc, #envsave abc). Fixed strings are.
 */
int
envstore_check_name(const char *name, struct paks_error **err)
{
	if (envstore_name_valid(name))
		return 0;
	if (*name == '\0')
		paks_error_set(err, 0, "empty environment name");
	else if (strlen(name) > ENVSTORE_NAME_MAX)
		paks_error_set(err, 0, "environment name is too long");
	else if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		paks_error_set(err, 0, "invalid environment name '%s'", name);
	else if (strchr(name, '=') != NULL) {
		paks_error_set(err, 0, "invalid environment name: it looks "
		    "like KEY=VALUE (values are never shown)");
		return paks_error_hint(err, "the environment's name comes "
		    "first, then KEY=VALUE");
	} else
		paks_error_set(err, 0, "invalid environment name (not shown: "
		    "it may be a value)");
	return paks_error_hint(err, "a name is made of letters, digits, '_', "
	    "'.' and '-' (at most %d), and is not '.' or '..'",
	    ENVSTORE_NAME_MAX);
}

static int
envstore_key_hint(struct paks_error **err)
{
	return paks_error_hint(err, "a variable name starts with a letter or "
	    "'_' and holds only letters, digits and '_'");
}

/*
 * An invalid key is never quoted either: it may be part of a value
 * ("a+b/c==" read as KEY=VALUE). Callers say where it was.
 */
int
envstore_check_key(const char *key, struct paks_error **err)
{
	if (envstore_key_valid(key))
		return 0;
	if (*key == '\0')
		paks_error_set(err, 0, "empty variable name");
	else
		paks_error_set(err, 0, "invalid variable name");
	return envstore_key_hint(err);
}

/* ---- the file format ---- */

static int
envstore_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode a quoted value starting after its opening '"'; NULL if fine,
 * else why not. */
static const char *
envstore_unquote(const char *s, const char *eol, struct strbuf *out)
{
	for (; s < eol; s++) {
		int hi, lo;

		if (*s == '"')
			break;
		if (*s != '\\') {
			strbuf_addch(out, *s);
			continue;
		}
		if (++s == eol)
			return "unterminated quoted value";
		switch (*s) {
		case 'n': strbuf_addch(out, '\n'); break;
		case 't': strbuf_addch(out, '\t'); break;
		case 'r': strbuf_addch(out, '\r'); break;
		case '\\': strbuf_addch(out, '\\'); break;
		case '"': strbuf_addch(out, '"'); break;
		case 'x':
			if (eol - s < 3 || (hi = envstore_hexval(s[1])) < 0 ||
			    (lo = envstore_hexval(s[2])) < 0 || hi + lo == 0)
				return "bad \\x escape (two hex digits, "
				    "not 00)";
			strbuf_addch(out, (char)(hi << 4 | lo));
			s += 2;
			break;
		default:
			return "unknown escape (use \\n \\t \\r \\\\ \\\" or "
			    "\\xHH)";
		}
	}
	if (s == eol)
		return "unterminated quoted value";
	for (s++; s < eol; s++) {
		if (*s != ' ' && *s != '\t')
			return "text after the closing quote";
	}
	return NULL;
}

/* One line of an env file; comment and blank lines collect in pre. */
static int
envstore_parse_line(const char *line, const char *eol, struct env *env,
    struct strbuf *pre, const char *fname, size_t lineno,
    struct paks_error **err)
{
	_cleanup_strbuf_ struct strbuf val = STRBUF_INIT;
	_cleanup_free_ char *key = NULL;
	const char *s = line, *eq, *why;

	while (s < eol && (*s == ' ' || *s == '\t'))
		s++;
	if (s == eol || *s == '#') {
		strbuf_add(pre, line, (size_t)(eol - line));
		strbuf_addch(pre, '\n');
		return 0;
	}
	if ((eq = memchr(s, '=', (size_t)(eol - s))) == NULL) {
		paks_error_set(err, 0, "%s:%zu: expected KEY=VALUE", fname,
		    lineno);
		return paks_error_hint(err, "quote a multi-line value: "
		    "KEY=\"line 1\\nline 2\"");
	}
	key = xstrndup(s, (size_t)(eq - s));
	if (!envstore_key_valid(key)) {
		/* the line says where; the key may be part of a value */
		paks_error_set(err, 0, "%s:%zu: invalid variable name", fname,
		    lineno);
		return envstore_key_hint(err);
	}
	if (env_find(env, key) != NULL)
		return paks_error_set(err, 0, "%s:%zu: '%s' is set twice",
		    fname, lineno, key);
	if (eq + 1 < eol && eq[1] == '"') {
		if ((why = envstore_unquote(eq + 2, eol, &val)) != NULL)
			return paks_error_set(err, 0, "%s:%zu: value of '%s': "
			    "%s", fname, lineno, key, why);
	} else
		strbuf_add(&val, eq + 1, (size_t)(eol - eq - 1));
	env_append(env, TAKE_PTR(key), strbuf_detach(&val),
	    pre->len ? strbuf_detach(pre) : NULL);
	return 0;
}

/*
 * Parse the text of an env file; fname names it in messages (FILE:LINE).
 * On success *out is replaced; on failure it is left alone.
 */
int
envstore_parse(const char *buf, size_t len, struct env *out,
    const char *fname, struct paks_error **err)
{
	_cleanup_env_ struct env env = ENV_INIT;
	_cleanup_strbuf_ struct strbuf pre = STRBUF_INIT;
	const char *p = buf, *end = buf + len;
	size_t lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl != NULL ? nl : end;

		lineno++;
		if (memchr(p, '\0', (size_t)(eol - p)) != NULL)
			return paks_error_set(err, 0, "%s:%zu: NUL byte",
			    fname, lineno);
		if (envstore_parse_line(p, eol, &env, &pre, fname, lineno,
		    err) < 0)
			return -1;
		p = nl != NULL ? nl + 1 : end;
	}
	if (pre.len > 0)
		env.tail = strbuf_detach(&pre);
	env_release(out);
	*out = env;
	env = (struct env)ENV_INIT;
	return 0;
}

static bool
envstore_needs_quotes(const char *v)
{
	size_t len = strlen(v);

	if (len == 0)
		return false;
	if (v[0] == '"' || v[0] == ' ' || v[0] == '\t' || v[len - 1] == ' ' ||
	    v[len - 1] == '\t')
		return true;
	for (const char *p = v; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return true;
	}
	return false;
}

/* One "KEY=VALUE\n" line, raw when raw reads back the same. */
void
envstore_format_var(const char *key, const char *value, struct strbuf *sb)
{
	strbuf_adds(sb, key);
	strbuf_addch(sb, '=');
	if (!envstore_needs_quotes(value)) {
		strbuf_adds(sb, value);
		strbuf_addch(sb, '\n');
		return;
	}
	strbuf_addch(sb, '"');
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		switch (*p) {
		case '\n': strbuf_adds(sb, "\\n"); break;
		case '\t': strbuf_adds(sb, "\\t"); break;
		case '\r': strbuf_adds(sb, "\\r"); break;
		case '\\': strbuf_adds(sb, "\\\\"); break;
		case '"': strbuf_adds(sb, "\\\""); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				strbuf_addf(sb, "\\x%02x", *p);
			else
				strbuf_addch(sb, (char)*p);
		}
	}
	strbuf_adds(sb, "\"\n");
}

/* The text of an env file, comments where they were. */
void
envstore_format(const struct env *env, struct strbuf *sb)
{
	for (size_t i = 0; i < env->n; i++) {
		if (env->v[i].pre != NULL)
			strbuf_adds(sb, env->v[i].pre);
		envstore_format_var(env->v[i].key, env->v[i].value, sb);
	}
	if (env->tail != NULL)
		strbuf_adds(sb, env->tail);
}

/* ---- the files ---- */

char *
envstore_dir(void)
{
	_cleanup_free_ char *home = paths_home();

	return paths_join(home, "envs");
}

char *
envstore_path(const char *name)
{
	_cleanup_free_ char *dir = envstore_dir();

	return paths_join(dir, name);
}

bool
envstore_exists(const char *name)
{
	_cleanup_free_ char *path = NULL;
	struct stat st;

	if (!envstore_name_valid(name))
		return false;
	path = envstore_path(name);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Whether the file of name is open to group or others; *path names it. */
bool
envstore_too_open(const char *name, char **path)
{
	_cleanup_free_ char *p = NULL;
	struct stat st;

	if (!envstore_name_valid(name))
		return false;
	p = envstore_path(name);
	if (stat(p, &st) < 0 || (st.st_mode & 077) == 0)
		return false;
	*path = TAKE_PTR(p);
	return true;
}

static int
envstore_missing(const char *name, struct paks_error **err)
{
	paks_error_set(err, 0, "environment '%s' does not exist", name);
	return paks_error_hint(err, "see 'paks env list'");
}

static int
envstore_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the environments, sorted; none if there is no directory. */
int
envstore_list(struct strv *names, struct paks_error **err)
{
	_cleanup_free_ char *dir = envstore_dir();
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL) {
		if (errno == ENOENT)
			return 0;
		return paks_error_set(err, errno, "cannot read '%s'", dir);
	}
	while ((de = readdir(d)) != NULL) {
		if (envstore_exists(de->d_name))
			strv_push(names, de->d_name);
	}
	closedir(d);
	if (names->n > 1)
		qsort(names->v, names->n, sizeof *names->v, envstore_cmp);
	return 0;
}

/* Take the writers' lock, making the directory first if need be. */
static int
envstore_lock(struct paks_error **err)
{
	_cleanup_free_ char *dir = envstore_dir();
	_cleanup_free_ char *path = paths_join(dir, ENVSTORE_LOCK);
	_cleanup_close_ int fd = -1;

	if (storefile_mkdir(dir, err) < 0)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		/* a change needs the lock: say which directory is the trouble */
		paks_error_set(err, errno, "cannot change the environments in "
		    "'%s'", dir);
		if (errno == EROFS || errno == EACCES || errno == EPERM)
			paks_error_hint(err, "nothing was changed; make '%s' "
			    "writable, or set PAKS_HOME to a writable "
			    "directory", dir);
		return -1;
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR)
			return paks_error_set(err, errno, "cannot lock '%s'",
			    path);
	}
	return TAKE_FD(fd);
}

/*
 * Read and parse the file of name. With missing, an absent file is not an
 * error: *missing is set and env is left empty.
 */
static int
envstore_load_file(const char *name, struct env *env, bool *missing,
    struct paks_error **err)
{
	_cleanup_free_ char *path = envstore_path(name), *buf = NULL;
	struct paks_error *e = NULL;
	size_t len;

	if (missing != NULL)
		*missing = false;
	if (storefile_read(path, ENVSTORE_FILE_MAX, &buf, &len, &e) < 0) {
		if (e->code != ENOENT) {
			*err = e;
			return -1;
		}
		paks_error_free(e);
		if (missing == NULL)
			return envstore_missing(name, err);
		*missing = true;
		return 0;
	}
	return envstore_parse(buf, len, env, path, err);
}

static int
envstore_save(const char *name, const struct env *env,
    struct paks_error **err)
{
	_cleanup_free_ char *path = envstore_path(name);
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	envstore_format(env, &sb);
	return storefile_replace(path, strbuf_str(&sb), sb.len, err);
}

/* The variables of environment name. */
int
envstore_load(const char *name, struct env *env, struct paks_error **err)
{
	if (envstore_check_name(name, err) < 0)
		return -1;
	return envstore_load_file(name, env, NULL, err);
}

/* Refuse the first variable of vars that have already holds. */
static int
envstore_clash(const char *name, const struct env *have,
    const struct env *vars, struct paks_error **err)
{
	for (size_t i = 0; i < vars->n; i++) {
		if (env_get(have, vars->v[i].key) != NULL) {
			paks_error_set(err, 0, "environment '%s' already has "
			    "'%s'", name, vars->v[i].key);
			return paks_error_hint(err, "use --force to replace "
			    "it");
		}
	}
	return 0;
}

/*
 * Whether every key of vars is new to environment name (all are if it
 * does not exist): to refuse before asking for values, without the lock.
 * envstore_add checks again under it.
 */
int
envstore_check_new(const char *name, const struct env *vars,
    struct paks_error **err)
{
	_cleanup_env_ struct env env = ENV_INIT;
	bool missing;

	if (envstore_check_name(name, err) < 0 ||
	    envstore_load_file(name, &env, &missing, err) < 0)
		return -1;
	return envstore_clash(name, &env, vars, err);
}

/*
 * Add vars to environment name, creating it if need be. A variable that is
 * already there is replaced only with force; otherwise nothing changes.
 */
int
envstore_add(const char *name, const struct env *vars, bool force,
    struct paks_error **err)
{
	_cleanup_env_ struct env env = ENV_INIT;
	_cleanup_close_ int lock = -1;
	bool missing;

	if (envstore_check_name(name, err) < 0)
		return -1;
	for (size_t i = 0; i < vars->n; i++) {
		if (envstore_check_key(vars->v[i].key, err) < 0)
			return -1;
	}
	if ((lock = envstore_lock(err)) < 0 ||
	    envstore_load_file(name, &env, &missing, err) < 0)
		return -1;
	if (!force && envstore_clash(name, &env, vars, err) < 0)
		return -1;
	for (size_t i = 0; i < vars->n; i++)
		env_set(&env, vars->v[i].key, vars->v[i].value);
	return envstore_save(name, &env, err);
}

/* Remove keys from environment name; all must be there. */
int
envstore_remove(const char *name, char *const *keys, struct paks_error **err)
{
	_cleanup_env_ struct env env = ENV_INIT;
	_cleanup_close_ int lock = -1;

	if (envstore_check_name(name, err) < 0)
		return -1;
	for (char *const *k = keys; *k != NULL; k++) {
		if (envstore_check_key(*k, err) < 0)
			return -1;
	}
	if ((lock = envstore_lock(err)) < 0 ||
	    envstore_load_file(name, &env, NULL, err) < 0)
		return -1;
	for (char *const *k = keys; *k != NULL; k++) {
		if (env_get(&env, *k) == NULL)
			return paks_error_set(err, 0, "environment '%s' has no "
			    "variable '%s'", name, *k);
	}
	for (char *const *k = keys; *k != NULL; k++)
		env_unset(&env, *k);
	return envstore_save(name, &env, err);
}

/* Delete environment name and its file. */
int
envstore_delete(const char *name, struct paks_error **err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int lock = -1;

	if (envstore_check_name(name, err) < 0)
		return -1;
	if (!envstore_exists(name))
		return envstore_missing(name, err);
	if ((lock = envstore_lock(err)) < 0)
		return -1;
	path = envstore_path(name);
	if (unlink(path) < 0) {
		if (errno == ENOENT)
			return envstore_missing(name, err);
		return paks_error_set(err, errno, "cannot delete '%s'", path);
	}
	return 0;
}

/* The text of the file of name, for an editor; *text is NULL if absent. */
int
envstore_read(const char *name, char **text, size_t *len,
    struct paks_error **err)
{
	_cleanup_free_ char *path = NULL;
	struct paks_error *e = NULL;

	if (envstore_check_name(name, err) < 0)
		return -1;
	path = envstore_path(name);
	*text = NULL;
	*len = 0;
	if (storefile_read(path, ENVSTORE_FILE_MAX, text, len, &e) < 0) {
		if (e->code != ENOENT) {
			*err = e;
			return -1;
		}
		paks_error_free(e);
	}
	return 0;
}

/*
 * Replace the file of name with text, which must parse, provided it still
 * holds old (NULL: provided it is still absent), so that an edit never
 * silently drops a change made meanwhile.
 */
int
envstore_replace(const char *name, const char *old, size_t oldlen,
    const char *text, size_t len, struct paks_error **err)
{
	_cleanup_env_ struct env env = ENV_INIT;
	_cleanup_free_ char *path = NULL, *cur = NULL;
	_cleanup_close_ int lock = -1;
	size_t curlen;

	if (envstore_check_name(name, err) < 0)
		return -1;
	path = envstore_path(name);
	if (envstore_parse(text, len, &env, path, err) < 0 ||
	    (lock = envstore_lock(err)) < 0 ||
	    envstore_read(name, &cur, &curlen, err) < 0)
		return -1;
	if ((old == NULL) != (cur == NULL) || (old != NULL &&
	    (oldlen != curlen || memcmp(old, cur, oldlen) != 0))) {
		paks_error_set(err, 0, "environment '%s' was changed while it "
		    "was being edited", name);
		return paks_error_hint(err, "nothing was saved; edit it again");
	}
	return storefile_replace(path, text, len, err);
}

/* Every value of every environment in ~/.paks/envs (unreadable: left). */
void
envstore_values(struct strv *values)
{
	_cleanup_strv_ struct strv names = STRV_INIT;
	struct paks_error *ignored = NULL;

	if (envstore_list(&names, &ignored) < 0) {
		paks_error_free(ignored);
		return;
	}
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_env_ struct env env = ENV_INIT;

		if (envstore_load(names.v[i], &env, &ignored) < 0) {
			paks_error_free(ignored);
			ignored = NULL;
			continue;
		}
		for (size_t k = 0; k < env.n; k++)
			strv_push(values, env.v[k].value);
	}
}
