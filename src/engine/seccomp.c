/*
 * The seccomp profile paks gives a docker or podman session: the engine's
 * default with TIOCSTI refused, so that a program in the container cannot
 * push keystrokes into the input of the terminal it shares with the shell
 * (and so type #commands). docs/security-engine.md says what it covers.
 *
 * How the rule is written, and why (each point checked with runc 1.1 and
 * libseccomp 2.5, under docker 20.10 and podman 4.3):
 * - libseccomp keeps a rule without conditions over one with conditions
 *   for the same syscall, whatever their order and actions: "refuse ioctl
 *   when the request is TIOCSTI" next to the base's plain "allow ioctl" is
 *   dropped without a word. So the plain allow of ioctl is taken out and
 *   put back as rules that allow every request but TIOCSTI.
 * - The kernel reads ioctl's request as an unsigned int: TIOCSTI with any
 *   of the high 32 bits set is still TIOCSTI. An allow of "request !=
 *   TIOCSTI" (64-bit) lets those through, and an allow and a refusal that
 *   both match leave the outcome to rule order (docker allowed, podman
 *   refused). Hence rules that cannot overlap: request & 0xffffffff ==
 *   TIOCSTI is refused with EPERM; any other request differs from TIOCSTI
 *   in one of its low 32 bits, and one rule per bit allows it. The masked
 *   comparison is the only one that sees bits, and no fewer rules of it
 *   cover all the other requests.
 * - docker 20.10 compiles its default in, and Debian ships no file of it.
 *   containers-common's profile (podman's default) has the same schema
 *   and works under docker, but lifts refusals of docker's own: with
 *   SECCOMP_AS_DOCKER the ones that no dropped capability stands in for
 *   are put back.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seccomp.h"
#include "store/paths.h"
#include "store/storefile.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define SECCOMP_MAX_FILE (4 << 20)

/* clone's flags: the second argument on s390, the first elsewhere */
#if defined(__s390__)
#define SECCOMP_CLONE_FLAGS 1
#else
#define SECCOMP_CLONE_FLAGS 0
#endif

#define SECCOMP_NEW_NS                                                         \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |         \
	    CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

static const char *const seccomp_bases[] = {
	"/etc/containers/seccomp.json",		/* the administrator's */
	"/usr/share/containers/seccomp.json",	/* containers-common's */
	NULL,
};

static void
seccomp_json_freep(json_t **j)
{
	json_decref(*j);
}

#define _cleanup_json_ __attribute__((cleanup(seccomp_json_freep)))

/* A false value of a Go boolean option (--privileged=false). */
static bool
seccomp_false(const char *v)
{
	static const char *const no[] = { "0", "f", "F", "false", "FALSE",
		"False", NULL };

	for (const char *const *n = no; *n; n++) {
		if (strcmp(v, *n) == 0)
			return true;
	}
	return false;
}

/* NAME=VALUE or NAME VALUE: the value, with *args on its last word. */
static const char *
seccomp_value(char *const **args, const char *name)
{
	const char *a = **args;
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] == '\0' && (*args)[1] != NULL)
		return *++*args;
	return NULL;
}

/*
 * Do the engine's run options (run_options, then -o) settle seccomp
 * themselves? A profile or unconfined, --privileged (no filter at all),
 * or podman's profile from the image.
 */
bool
seccomp_user_chose(char *const *args)
{
	const char *v;

	for (; args != NULL && *args != NULL; args++) {
		if (strcmp(*args, "--privileged") == 0 ||
		    (strncmp(*args, "--privileged=", 13) == 0 &&
		    !seccomp_false(*args + 13)))
			return true;
		if ((v = seccomp_value(&args, "--security-opt")) != NULL &&
		    strncmp(v, "seccomp", 7) == 0 &&
		    (v[7] == '=' || v[7] == ':'))
			return true;
		if ((v = seccomp_value(&args, "--seccomp-policy")) != NULL &&
		    strcmp(v, "image") == 0)
			return true;
	}
	return false;
}

/* An "includes" or "excludes" that leaves nothing out. */
static bool
seccomp_filter_empty(json_t *f)
{
	const char *k;
	json_t *v;

	json_object_foreach(f, k, v) {
		if (json_is_array(v) ? json_array_size(v) > 0 :
		    json_is_string(v) ? *json_string_value(v) != '\0' :
		    !json_is_null(v))
			return false;
	}
	return true;
}

static bool
seccomp_rule_unconditional(json_t *rule)
{
	json_t *args = json_object_get(rule, "args");

	return args == NULL || json_is_null(args) ||
	    (json_is_array(args) && json_array_size(args) == 0);
}

/* Applies to every container, whatever its arguments, caps and arch. */
static bool
seccomp_rule_plain(json_t *rule)
{
	return seccomp_rule_unconditional(rule) &&
	    seccomp_filter_empty(json_object_get(rule, "includes")) &&
	    seccomp_filter_empty(json_object_get(rule, "excludes"));
}

/* The rule's syscalls ("name", the old spelling, becomes "names"). */
static json_t *
seccomp_rule_names(json_t *rule)
{
	json_t *names = json_object_get(rule, "names");
	json_t *one = json_object_get(rule, "name");

	if (json_is_string(one)) {
		if (!json_is_array(names)) {
			names = json_array();
			json_object_set_new(rule, "names", names);
		}
		json_array_append(names, one);
		json_object_del(rule, "name");
	}
	return json_is_array(names) ? names : NULL;
}

static bool
seccomp_rule_has(json_t *rule, const char *name)
{
	json_t *names = seccomp_rule_names(rule), *v;
	size_t i;

	json_array_foreach(names, i, v) {
		if (json_is_string(v) &&
		    strcmp(json_string_value(v), name) == 0)
			return true;
	}
	return false;
}

/* Take NAME out of the rule; was it there? */
static bool
seccomp_rule_take(json_t *rule, const char *name)
{
	json_t *names = seccomp_rule_names(rule);
	bool found = false;

	for (size_t i = json_array_size(names); i-- > 0;) {
		const char *s = json_string_value(json_array_get(names, i));

		if (s != NULL && strcmp(s, name) == 0) {
			json_array_remove(names, i);
			found = true;
		}
	}
	return found;
}

static const char *
seccomp_rule_action(json_t *rule)
{
	const char *a = json_string_value(json_object_get(rule, "action"));

	return a != NULL ? a : "";
}

static bool
seccomp_action_allows(const char *a)
{
	return strcmp(a, "SCMP_ACT_ALLOW") == 0 ||
	    strcmp(a, "SCMP_ACT_LOG") == 0;
}

static bool
seccomp_action_refuses(const char *a)
{
	static const char *const refusals[] = { "SCMP_ACT_ERRNO",
		"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
		"SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", NULL };

	for (const char *const *r = refusals; *r; r++) {
		if (strcmp(a, *r) == 0)
			return true;
	}
	return false;
}

static json_t *
seccomp_rule_new(const char *name, const char *action, int errno_ret,
    const char *comment)
{
	json_t *r = json_pack("{s:[s], s:s, s:[], s:s}", "names", name,
	    "action", action, "args", "comment", comment);

	if (errno_ret != 0)
		json_object_set_new(r, "errnoRet", json_integer(errno_ret));
	return r;
}

/* A condition on argument INDEX; for a masked one, VALUE is the mask. */
static void
seccomp_rule_arg(json_t *rule, int index, unsigned long value,
    unsigned long value_two, const char *op)
{
	json_array_append_new(json_object_get(rule, "args"),
	    json_pack("{s:i, s:I, s:I, s:s}", "index", index,
	    "value", (json_int_t)value, "valueTwo", (json_int_t)value_two,
	    "op", op));
}

/* Only for containers with (FILTER "includes") or without CAP_SYS_ADMIN. */
static void
seccomp_rule_admin(json_t *rule, const char *filter)
{
	json_object_set_new(rule, filter, json_pack("{s:[s]}", "caps",
	    "CAP_SYS_ADMIN"));
}

/*
 * Rules doing ACTION (an allow) for every ioctl request but TIOCSTI, for
 * the containers that the replaced rule FROM applied to.
 */
static void
seccomp_allow_but_tiocsti(json_t *out, json_t *from, const char *action)
{
	const unsigned long req = TIOCSTI;

	for (int b = 0; b < 32; b++) {
		unsigned long bit = 1UL << b;
		json_t *r = seccomp_rule_new("ioctl", action, 0, "paks: any "
		    "ioctl request that differs from TIOCSTI in this bit");

		seccomp_rule_arg(r, 1, bit, ~req & bit, "SCMP_CMP_MASKED_EQ");
		for (int i = 0; i < 2; i++) {
			const char *f = i == 0 ? "includes" : "excludes";
			json_t *v = json_object_get(from, f);

			if (v != NULL)
				json_object_set_new(r, f, json_deep_copy(v));
		}
		json_array_append_new(out, r);
	}
}

/* Rewrite the rules on ioctl so that TIOCSTI is refused (see the top). */
static int
seccomp_refuse_tiocsti(json_t *rules, struct paks_error **err)
{
	_cleanup_json_ json_t *added = json_array();
	json_t *r;

	for (size_t i = json_array_size(rules); i-- > 0;) {
		const char *action;

		r = json_array_get(rules, i);
		if (!json_is_object(r) || !seccomp_rule_has(r, "ioctl"))
			continue;
		action = seccomp_rule_action(r);
		if (!seccomp_rule_unconditional(r))
			return paks_error_set(err, 0, "a rule on ioctl's "
			    "arguments is there already");
		if (seccomp_action_refuses(action))
			continue;
		if (!seccomp_action_allows(action))
			return paks_error_set(err, 0, "its rule on ioctl does "
			    "'%s'", action);
		seccomp_rule_take(r, "ioctl");
		seccomp_allow_but_tiocsti(added, r, action);
		if (json_array_size(seccomp_rule_names(r)) == 0)
			json_array_remove(rules, i);
	}
	r = seccomp_rule_new("ioctl", "SCMP_ACT_ERRNO", EPERM, "paks: no "
	    "TIOCSTI (typing into the terminal), whatever the high 32 bits "
	    "of the request");
	seccomp_rule_arg(r, 1, 0xffffffffUL, TIOCSTI, "SCMP_CMP_MASKED_EQ");
	json_array_append_new(rules, r);
	json_array_extend(rules, added);
	return 0;
}

/*
 * docker's own default refuses new namespaces (clone with CLONE_NEW*
 * flags, clone3, unshare) and joining them (setns) to a container without
 * CAP_SYS_ADMIN, and the kernel keyring (keyctl, not per container) to
 * all; containers-common's profile allows them. clone3 gets ENOSYS, so
 * that the C library falls back to clone, whose flags a filter can see.
 */
static const struct seccomp_keep {
	const char	*name;
	/* errno without CAP_SYS_ADMIN; 0: allowed but new namespaces */
	int		 refuse;
	bool		 admin;		/* allowed with CAP_SYS_ADMIN */
} seccomp_docker_keeps[] = {
	{ "clone", 0, true },
	{ "clone3", ENOSYS, true },
	{ "unshare", EPERM, true },
	{ "setns", EPERM, true },
	{ "keyctl", EPERM, false },
};

static void
seccomp_as_docker(json_t *rules)
{
	for (size_t k = 0; k < sizeof seccomp_docker_keeps /
	    sizeof *seccomp_docker_keeps; k++) {
		const struct seccomp_keep *kp = &seccomp_docker_keeps[k];
		bool taken = false;
		json_t *r;
		size_t i;

		json_array_foreach(rules, i, r) {
			if (seccomp_rule_plain(r) && seccomp_action_allows(
			    seccomp_rule_action(r)))
				taken |= seccomp_rule_take(r, kp->name);
		}
		/* a base that refuses it already stays as it is */
		if (!taken)
			continue;
		if (kp->admin) {
			r = seccomp_rule_new(kp->name, "SCMP_ACT_ALLOW", 0,
			    "paks: as docker, with CAP_SYS_ADMIN");
			seccomp_rule_admin(r, "includes");
			json_array_append_new(rules, r);
		}
		if (kp->refuse != 0)
			r = seccomp_rule_new(kp->name, "SCMP_ACT_ERRNO",
			    kp->refuse, "paks: as docker");
		else {
			r = seccomp_rule_new(kp->name, "SCMP_ACT_ALLOW", 0,
			    "paks: as docker, no new namespace");
			seccomp_rule_arg(r, SECCOMP_CLONE_FLAGS, SECCOMP_NEW_NS,
			    0, "SCMP_CMP_MASKED_EQ");
		}
		if (kp->admin)
			seccomp_rule_admin(r, "excludes");
		json_array_append_new(rules, r);
	}
}

/*
 * The profile for a session from a base profile's text: TIOCSTI refused
 * (and docker's stance kept, with SECCOMP_AS_DOCKER). The base's other
 * rules stay as they are.
 */
char *
seccomp_build(const char *base, enum seccomp_build_flags flags,
    struct paks_error **err)
{
	json_error_t jerr;
	_cleanup_json_ json_t *doc = json_loads(base, 0, &jerr);
	json_t *rules = json_object_get(doc, "syscalls");
	char *text, *out;

	if (doc == NULL) {
		paks_error_set(err, 0, "not JSON (line %d: %s)", jerr.line,
		    jerr.text);
		return NULL;
	}
	if (!json_is_object(doc) || !json_is_array(rules)) {
		paks_error_set(err, 0, "not a seccomp profile (no "
		    "\"syscalls\" list)");
		return NULL;
	}
	if (flags & SECCOMP_AS_DOCKER)
		seccomp_as_docker(rules);
	if (seccomp_refuse_tiocsti(rules, err) < 0)
		return NULL;
	if ((text = json_dumps(doc, JSON_INDENT(1))) == NULL)
		BUG("cannot write a JSON document");
	out = xasprintf("%s\n", text);
	free(text);
	return out;
}

/* containers.conf: seccomp_profile in [containers], if FILE sets it. */
static void
seccomp_conf_value(const char *file, char **val)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	bool in = false;

	while (f != NULL && getline(&line, &cap, f) > 0) {
		char *p = line + strspn(line, " \t"), *end;
		char quote;

		if (*p == '[') {
			in = strncmp(p, "[containers]", 12) == 0;
			continue;
		}
		if (!in || strncmp(p, "seccomp_profile", 15) != 0)
			continue;
		p += 15;
		p += strspn(p, " \t");
		if (*p++ != '=')
			continue;
		p += strspn(p, " \t");
		quote = *p++;
		if ((quote != '"' && quote != '\'') ||
		    (end = strchr(p, quote)) == NULL)
			continue;
		free(*val);
		*val = xstrndup(p, (size_t)(end - p));
	}
}

/* podman's seccomp_profile setting, or NULL. */
static char *
seccomp_podman_setting(const char *const *files)
{
	char *val = NULL;
	struct stat st;
	glob_t g;

	for (; files != NULL && *files != NULL; files++) {
		if (stat(*files, &st) < 0)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			seccomp_conf_value(*files, &val);
			continue;
		}
		_cleanup_free_ char *pat = xasprintf("%s/*.conf", *files);
		if (glob(pat, 0, NULL, &g) != 0)
			continue;
		for (size_t i = 0; i < g.gl_pathc; i++)
			seccomp_conf_value(g.gl_pathv[i], &val);
		globfree(&g);
	}
	return val;
}

/* docker's "seccomp-profile" daemon setting, or NULL. */
static char *
seccomp_docker_setting(const char *file)
{
	_cleanup_json_ json_t *doc = file ? json_load_file(file, 0, NULL) :
	    NULL;
	const char *v = json_string_value(json_object_get(doc,
	    "seccomp-profile"));

	return v != NULL ? xstrdup(v) : NULL;
}

/* The files podman reads its settings from, in order. */
static void
seccomp_podman_files(struct strv *v)
{
	const char *env = getenv("CONTAINERS_CONF");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	_cleanup_free_ char *cfg = NULL;

	if (env != NULL && *env != '\0') {
		strv_push(v, env);
		return;
	}
	strv_push(v, "/usr/share/containers/containers.conf");
	strv_push(v, "/etc/containers/containers.conf");
	strv_push(v, "/etc/containers/containers.conf.d");
	if (getuid() == 0)
		return;
	cfg = xdg != NULL && *xdg != '\0' ? xstrdup(xdg) :
	    paths_expand_user("~/.config");
	strv_pushf(v, "%s/containers/containers.conf", cfg);
	strv_pushf(v, "%s/containers/containers.conf.d", cfg);
}

/*
 * The profile for a session of ENGINE, kept as DIR/ENGINE.json (written
 * again only when what it would hold changes). *res says whether there is
 * one (*path): not when EXTRA or the engine's own settings choose, nor
 * when no base profile is there. WHERE NULL: this machine's files.
 */
int
seccomp_prepare(enum seccomp_engine engine, const struct seccomp_where *where,
    const char *dir, char *const *extra, enum seccomp_result *res,
    char **path, struct paks_error **err)
{
	_cleanup_strv_ struct strv files = STRV_INIT;
	_cleanup_free_ char *set = NULL, *text = NULL, *built = NULL;
	_cleanup_free_ char *old = NULL, *out = NULL;
	struct paks_error *absent = NULL;
	struct seccomp_where here;
	enum seccomp_build_flags flags = 0;
	const char *base = NULL;
	size_t len;

	*res = SECCOMP_CHOSEN;
	*path = NULL;
	if (engine == SECCOMP_NONE || seccomp_user_chose(extra))
		return 0;
	if (where == NULL) {
		seccomp_podman_files(&files);
		here = (struct seccomp_where){
			.daemon_json = "/etc/docker/daemon.json",
			.containers_conf = (const char *const *)files.v,
			.bases = seccomp_bases,
		};
		where = &here;
	}
	set = engine == SECCOMP_DOCKER ?
	    seccomp_docker_setting(where->daemon_json) :
	    seccomp_podman_setting(where->containers_conf);
	if (set != NULL && strcmp(set, "unconfined") == 0)
		return 0;
	if (set != NULL && *set != '\0' && strcmp(set, "builtin") != 0)
		base = set;	/* the engine's default: nothing to keep */
	for (const char *const *b = where->bases; base == NULL && b && *b;
	    b++) {
		if (access(*b, F_OK) == 0) {
			base = *b;
			if (engine == SECCOMP_DOCKER)
				flags |= SECCOMP_AS_DOCKER;
		}
	}
	if (base == NULL) {
		*res = SECCOMP_NO_BASE;
		return 0;
	}
	if (storefile_read(base, SECCOMP_MAX_FILE, &text, &len, err) < 0)
		return -1;
	if ((built = seccomp_build(text, flags, err)) == NULL)
		return paks_error_wrap(err, "'%s'", base);
	if (storefile_mkdir(dir, err) < 0)
		return -1;
	out = xasprintf("%s/%s.json", dir, engine == SECCOMP_DOCKER ?
	    "docker" : "podman");
	if (storefile_read(out, SECCOMP_MAX_FILE, &old, &len, &absent) < 0 ||
	    strcmp(old, built) != 0) {
		paks_error_free(absent);
		if (storefile_replace(out, built, strlen(built), err) < 0)
			return -1;
	}
	*res = SECCOMP_ADD;
	*path = TAKE_PTR(out);
	return 0;
}

/* Does this kernel let a program type into its terminal? (6.2+ may not) */
bool
seccomp_tiocsti_open(void)
{
	_cleanup_close_ int fd = open("/proc/sys/dev/tty/legacy_tiocsti",
	    O_RDONLY | O_CLOEXEC);
	char c = '1';

	if (fd >= 0 && read(fd, &c, 1) != 1)
		c = '1';
	return c != '0';
}

/* Is this the first time DIR hears of a missing base? (it keeps a mark) */
bool
seccomp_first_note(const char *dir)
{
	_cleanup_free_ char *mark = paths_join(dir, "no-base-noted");
	_cleanup_close_ int fd = -1;

	if (storefile_mkdir(dir, NULL) < 0)
		return true;
	fd = open(mark, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	return fd >= 0 || errno != EEXIST;
}
