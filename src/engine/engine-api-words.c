/*
 * The client's words that move a stream, done through the API in their
 * place: "cp [-L] CTR:PATH -", "export [--output FILE] CTR", "save -o
 * FILE NAME" (docker), "diff CTR" and "exec CTR CMD...", beside the
 * words engine_api_argv knows (commit, inspect, tag, rm). What the client
 * would print on stdout goes to an fd, or into a string: the callers read
 * it as the client's.
 *
 * A session's job (a #save, a #cp) runs them in its own process, as it
 * ran the client there (engine_api_words_child): the session's loop goes
 * on serving Ctrl-C and resizes meanwhile, and words the API path does
 * not know become the client in that process.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine-api.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* How long an exec's stream may stay silent, in ms: none (a build). */
#define WORDS_EXEC_POLL -1

static bool
words_libpod(struct docker_api *api)
{
	return strcmp(docker_api_engine(api), "podman") == 0;
}

/* text to fd, or into *out */
static int
words_emit(const char *text, int fd, char **out, struct paks_error **err)
{
	if (fd >= 0 && write_all(fd, text, strlen(text)) < 0)
		return paks_error_set(err, errno, "cannot write the output");
	if (fd < 0 && out != NULL)
		*out = xstrdup(text);
	return 0;
}

/*
 * What PATH in the container is a symbolic link to, as the daemon
 * resolves it inside the container; NULL when it is no link or the
 * daemon does not say (the GET then tells what is wrong).
 */
static char *
words_link_target(struct docker_api *api, const char *ctr, const char *path)
{
	struct engine_api_stat st;
	struct paks_error *err = NULL;
	char *target = NULL;

	if (engine_api_stat(api, ctr, path, &st, &err) < 0) {
		paks_error_free(err);
		return NULL;
	}
	if (st.link && st.target != NULL && *st.target != '\0')
		target = st.target[0] == '/' ? xstrdup(st.target) :
		    xasprintf("%.*s/%s", (int)(strrchr(path, '/') ?
		    strrchr(path, '/') - path : 0), path, st.target);
	free(st.target);
	return target;
}

/*
 * "cp [-L] CTR:PATH -": the tar of PATH to fd (GET .../archive). A link
 * named as PATH is followed, in the container, as the client does with
 * -L (podman's always): its member is named as what it points at.
 */
static int
words_cp_out(struct docker_api *api, char *const *args, size_t argc, int fd,
    struct paks_error **err)
{
	bool follow = words_libpod(api) || (argc == 4 &&
	    strcmp(args[1], "-L") == 0);
	const char *src = args[argc - 2], *colon = strchr(src, ':');
	_cleanup_free_ char *ctr = NULL, *c = NULL, *p = NULL, *url = NULL;
	_cleanup_free_ char *link = NULL;
	const char *path;

	if (fd < 0 || (argc != 3 && !(argc == 4 && strcmp(args[1], "-L") ==
	    0)) || strcmp(args[argc - 1], "-") != 0 || src[0] == '-' ||
	    colon == NULL || colon == src || colon[1] == '\0')
		return 1;
	ctr = xstrndup(src, (size_t)(colon - src));
	path = colon + 1;
	if (follow && (link = words_link_target(api, ctr, path)) != NULL)
		path = link;
	c = docker_api_escape(ctr);
	p = docker_api_escape(path);
	url = xasprintf("/containers/%s/archive?path=%s", c, p);
	if (docker_api_get_file(api, url, fd, err) < 0)
		return paks_error_wrap(err, "%s cp failed",
		    docker_api_engine(api));
	return 0;
}

/* URL's answer into FILE (made anew, 0600), or to fd when FILE is NULL. */
static int
words_get(struct docker_api *api, const char *url, const char *file, int fd,
    const char *what, struct paks_error **err)
{
	_cleanup_close_ int own = -1;
	int rc;

	if (file != NULL && (fd = own = open(file, O_WRONLY | O_CREAT |
	    O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return paks_error_set(err, errno, "cannot create '%s'", file);
	rc = docker_api_get_file(api, url, fd, err);
	if (rc == 0 && own >= 0 && close(TAKE_FD(own)) < 0)
		rc = paks_error_set(err, errno, "cannot write '%s'", file);
	if (rc < 0) {
		if (file != NULL)
			unlink(file);
		return paks_error_wrap(err, "%s %s failed",
		    docker_api_engine(api), what);
	}
	return 0;
}

/* "export [--output FILE|-o FILE] CTR": the container's files as a tar. */
static int
words_export(struct docker_api *api, char *const *args, size_t argc, int fd,
    struct paks_error **err)
{
	const char *file = NULL;
	_cleanup_free_ char *c = NULL, *url = NULL;

	if (argc == 4 && (strcmp(args[1], "--output") == 0 ||
	    strcmp(args[1], "-o") == 0))
		file = args[2];
	else if (argc != 2 || fd < 0)
		return 1;
	if (args[argc - 1][0] == '-')
		return 1;
	c = docker_api_escape(args[argc - 1]);
	url = xasprintf("%s/containers/%s/export", words_libpod(api) ?
	    "/libpod" : "", c);
	return words_get(api, url, file, fd, "export", err);
}

/*
 * "save -o FILE NAME" (docker), "save NAME" to fd (docker), "save
 * --format=docker-archive NAME" to fd (podman): the image as a
 * docker-archive. podman's "-o FILE" is engine_api_argv's.
 */
static int
words_save(struct docker_api *api, char *const *args, size_t argc, int fd,
    struct paks_error **err)
{
	_cleanup_free_ char *n = NULL, *url = NULL;
	const char *file = NULL;

	if (!words_libpod(api) && argc == 4 && strcmp(args[1], "-o") == 0)
		file = args[2];
	else if (!(!words_libpod(api) && argc == 2 && fd >= 0) &&
	    !(words_libpod(api) && argc == 3 && fd >= 0 &&
	    strcmp(args[1], "--format=docker-archive") == 0))
		return 1;
	if (args[argc - 1][0] == '-')
		return 1;
	n = docker_api_escape(args[argc - 1]);
	url = words_libpod(api) ? xasprintf("/libpod/images/%s/get?format="
	    "docker-archive", n) : xasprintf("/images/%s/get", n);
	return words_get(api, url, file, fd, "save", err);
}

/* FILE, opened to be sent: its fd and size */
static int
words_open(const char *file, off_t *size, struct paks_error **err)
{
	struct stat st;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return paks_error_set(err, e, "cannot read '%s'", file);
	}
	*size = S_ISREG(st.st_mode) ? st.st_size : -1;
	return fd;
}

/*
 * "load -i FILE": an image archive loaded; what the client says of it
 * ("Loaded image: NAME", podman's names).
 */
static int
words_load(struct docker_api *api, char *const *args, size_t argc, int fd,
    char **out, struct paks_error **err)
{
	_cleanup_close_ int in = -1;
	_cleanup_free_ char *text = NULL;
	json_t *r = NULL;
	const char *said;
	off_t size;
	int rc;

	if (argc != 3 || strcmp(args[1], "-i") != 0 || args[2][0] == '-')
		return 1;
	if ((in = words_open(args[2], &size, err)) < 0)
		return paks_error_wrap(err, "%s load failed",
		    docker_api_engine(api));
	rc = docker_api_put_fd(api, "POST", words_libpod(api) ?
	    "/libpod/images/load" : "/images/load?quiet=1",
	    "application/x-tar", in, size, &r, NULL, err);
	if (rc < 0)
		return paks_error_wrap(err, "%s load failed",
		    docker_api_engine(api));
	if ((said = json_string_value(json_object_get(r, "stream"))) != NULL)
		text = xstrdup(said);
	else if ((said = json_string_value(json_array_get(json_object_get(r,
	    "Names"), 0))) != NULL)
		text = xasprintf("Loaded image: %s\n", said);
	json_decref(r);
	return words_emit(text ? text : "", fd, out, err);
}

/*
 * docker's "import [--change=C]... FILE": a container's files as an
 * image, its config changed by C; the image's id, as the client prints.
 */
static int
words_import(struct docker_api *api, char *const *args, size_t argc,
    int fd, char **out, struct paks_error **err)
{
	struct strbuf url = STRBUF_INIT;
	_cleanup_close_ int in = -1;
	_cleanup_free_ char *text = NULL;
	const char *id;
	json_t *r = NULL;
	off_t size;
	int rc = 1;

	if (words_libpod(api) || args[argc - 1][0] == '-')
		return 1;
	strbuf_adds(&url, "/images/create?fromSrc=-");
	for (size_t i = 1; i + 1 < argc; i++) {
		_cleanup_free_ char *c = NULL;

		if (strncmp(args[i], "--change=", 9) != 0)
			goto out;
		c = docker_api_escape(args[i] + 9);
		strbuf_addf(&url, "&changes=%s", c);
	}
	if ((in = words_open(args[argc - 1], &size, err)) < 0 ||
	    docker_api_put_fd(api, "POST", url.buf, "application/x-tar", in,
	    size, &r, NULL, err) < 0) {
		rc = paks_error_wrap(err, "docker import failed");
		goto out;
	}
	id = json_string_value(json_object_get(r, "status"));
	text = xasprintf("%s\n", id ? id : "");
	rc = words_emit(text, fd, out, err);
out:
	json_decref(r);
	explicit_bzero(url.buf, url.len);	/* ENV values */
	strbuf_release(&url);
	return rc;
}

/* "diff CTR": the container's changes, a line each ("A /path"). */
static int
words_diff(struct docker_api *api, char *const *args, int fd, char **out,
    struct paks_error **err)
{
	_cleanup_free_ char *c = docker_api_escape(args[1]), *url = NULL;
	struct strbuf sb = STRBUF_INIT;
	json_t *r = NULL, *ch;
	size_t i;
	int rc;

	url = xasprintf("%s/containers/%s/changes", words_libpod(api) ?
	    "/libpod" : "", c);
	if (docker_api_call(api, "GET", url, NULL, &r, NULL, err) < 0)
		return paks_error_wrap(err, "%s diff failed",
		    docker_api_engine(api));
	json_array_foreach(r, i, ch) {
		const char *path = json_string_value(json_object_get(ch,
		    "Path"));
		json_int_t kind = json_integer_value(json_object_get(ch,
		    "Kind"));

		if (path != NULL && kind >= 0 && kind <= 2)
			strbuf_addf(&sb, "%c %s\n", "CAD"[kind], path);
	}
	json_decref(r);
	rc = words_emit(strbuf_str(&sb), fd, out, err);
	strbuf_release(&sb);
	return rc;
}

/*
 * The frames of a stream without a tty (an 8-byte head: 1 stdout, 2
 * stderr, then the length, big-endian), their bytes to out and errfd
 * (-1: dropped), until the stream ends.
 */
static int
words_demux(int sock, int out, int errfd, struct paks_error **err)
{
	struct strbuf in = STRBUF_INIT;
	char buf[16384];
	int rc = 0;

	for (;;) {
		struct pollfd p = { .fd = sock, .events = POLLIN };
		ssize_t n = read(sock, buf, sizeof buf);

		if (n < 0 && errno == EAGAIN) {
			if (poll(&p, 1, WORDS_EXEC_POLL) < 0 && errno != EINTR)
				break;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		strbuf_add(&in, buf, (size_t)n);
		while (in.len >= 8) {
			const unsigned char *h = (unsigned char *)in.buf;
			size_t len = (size_t)h[4] << 24 | (size_t)h[5] << 16 |
			    (size_t)h[6] << 8 | h[7];
			int to = h[0] == 2 ? errfd : out;

			if (in.len < 8 + len)
				break;
			if (to >= 0 && len > 0 && write_all(to, in.buf + 8,
			    len) < 0 && rc == 0)
				rc = paks_error_set(err, errno, "cannot "
				    "write the output");
			strbuf_remove_front(&in, 8 + len);
		}
	}
	strbuf_release(&in);
	return rc;
}

/*
 * "exec CTR CMD...", no tty and no stdin: CMD's output to out and errfd,
 * its status into *code.
 */
static int
words_exec(struct docker_api *api, char *const *args, int out, int errfd,
    int *code, struct paks_error **err)
{
	_cleanup_free_ char *c = docker_api_escape(args[1]), *url = NULL;
	struct engine_attached a = { .api = api, .stream = DOCKER_STREAM_INIT,
		.fd = -1, .exec = true };
	json_t *body = json_pack("{s:b,s:b,s:b,s:[]}", "AttachStdout", 1,
	    "AttachStderr", 1, "Tty", 0, "Cmd"), *r = NULL;
	const char *id;
	int rc;

	for (char *const *v = args + 2; *v; v++)
		json_array_append_new(json_object_get(body, "Cmd"),
		    json_string(*v));
	url = xasprintf("/containers/%s/exec", c);
	rc = docker_api_call(api, "POST", url, body, &r, NULL, err);
	json_decref(body);
	if (rc == 0 && (id = json_string_value(json_object_get(r, "Id"))) !=
	    NULL) {
		a.id = xstrdup(id);
		free(url);
		url = xasprintf("/exec/%s/start", a.id);
		body = json_pack("{s:b,s:b}", "Detach", 0, "Tty", 0);
		rc = docker_api_hijack(api, url, body, &a.stream, err);
		json_decref(body);
	} else if (rc == 0)
		rc = paks_error_set(err, 0, "no exec was made");
	json_decref(r);
	if (rc == 0 && (rc = words_demux(a.stream.fd, out, errfd, err)) == 0 &&
	    (*code = engine_api_exec_status(&a)) < 0)
		rc = paks_error_set(err, 0, "%s did not say how it ended",
		    docker_api_engine(api));
	docker_stream_close(&a.stream);
	free(a.id);
	return rc < 0 ? paks_error_wrap(err, "%s exec failed",
	    docker_api_engine(api)) : 0;
}

/*
 * The Go templates paks asks "inspect --format" with, each a value read
 * from the inspect's JSON: a table, not a template engine. Others (and a
 * value the JSON lacks) go to the client.
 */
enum words_show { SHOW_VALUE, SHOW_LEN, SHOW_JSON };

static const struct words_format {
	const char	*tmpl;
	const char	*keys[3];
	enum words_show	 show;
} words_formats[] = {
	{ "{{.Id}}", { "Id" }, SHOW_VALUE },
	{ "{{.State.Running}}", { "State", "Running" }, SHOW_VALUE },
	{ "{{.Config.Image}}", { "Config", "Image" }, SHOW_VALUE },
	{ "{{.ImageName}}", { "ImageName" }, SHOW_VALUE },
	{ "{{len .RootFS.Layers}}", { "RootFS", "Layers" }, SHOW_LEN },
	{ "{{len .RepoTags}}", { "RepoTags" }, SHOW_LEN },
	{ "{{json .Config.Entrypoint}}", { "Config", "Entrypoint" },
	  SHOW_JSON },
};

/* v as the template prints it (malloc'd), or NULL for the client. */
static char *
words_show(json_t *v, enum words_show show)
{
	char *text;

	if (show == SHOW_JSON) {
		if (v == NULL || json_is_null(v))
			return xstrdup("null\n");
		if ((text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) ==
		    NULL)
			xoom();
		char *line = xasprintf("%s\n", text);
		free(text);
		return line;
	}
	if (show == SHOW_LEN)
		return json_is_array(v) ? xasprintf("%zu\n", json_array_size(v)) :
		    json_is_null(v) ? xstrdup("0\n") : NULL;
	if (json_is_string(v))
		return xasprintf("%s\n", json_string_value(v));
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? "true\n" : "false\n");
	if (json_is_integer(v))
		return xasprintf("%lld\n", (long long)json_integer_value(v));
	return NULL;
}

/* "(image|container) inspect --format TEMPLATE NAME" */
static int
words_format(struct docker_api *api, char *const *args, size_t argc, int fd,
    char **out, struct paks_error **err)
{
	const struct words_format *f = NULL;
	_cleanup_free_ char *text = NULL;
	json_t *doc, *v;

	if (argc != 5 || (strcmp(args[2], "--format") != 0 &&
	    strcmp(args[2], "-f") != 0) || args[4][0] == '-')
		return 1;
	for (size_t i = 0; i < sizeof words_formats / sizeof *words_formats;
	    i++)
		if (strcmp(args[3], words_formats[i].tmpl) == 0)
			f = &words_formats[i];
	if (f == NULL)
		return 1;
	doc = engine_api_inspect_doc(api, strcmp(args[0], "image") == 0 ?
	    "images" : "containers", args[4], err);
	if (doc == NULL)
		return paks_error_wrap(err, "%s %s inspect failed",
		    docker_api_engine(api), args[0]);
	v = doc;
	for (size_t k = 0; k < 3 && f->keys[k] != NULL; k++)
		v = json_object_get(v, f->keys[k]);
	text = words_show(v, f->show);
	json_decref(doc);
	if (text == NULL)
		return 1;
	return words_emit(text, fd, out, err);
}

/* The query value of filters={"KEY":["VALUE"]}, escaped (malloc'd). */
static char *
words_filter(const char *key, const char *value)
{
	json_t *filter = json_pack("{s:[s]}", key, value);
	char *text = json_dumps(filter, JSON_COMPACT), *q;

	if (text == NULL)
		xoom();
	json_decref(filter);
	q = docker_api_escape(text);
	free(text);
	return q;
}

/* Is the RepoTag NAME:TAG of repo (as typed, or as the engine spells it)? */
static const char *
words_tag_of(const char *rt, const char *repo)
{
	static const char *const spelled[] = { "", "localhost/", "docker.io/",
		"docker.io/library/" };
	const char *colon = strrchr(rt, ':');

	if (colon == NULL || strchr(colon, '/') != NULL)
		return NULL;
	for (size_t i = 0; i < sizeof spelled / sizeof *spelled; i++) {
		size_t n = strlen(spelled[i]);

		if (strncmp(rt, spelled[i], n) == 0 &&
		    strlen(repo) == (size_t)(colon - rt) - n &&
		    strncmp(rt + n, repo, strlen(repo)) == 0)
			return colon + 1;
	}
	return NULL;
}

/* "images --format {{.Tag}} REPO": REPO's tags, a line each. */
static int
words_tags(struct docker_api *api, char *const *args, int fd, char **out,
    struct paks_error **err)
{
	_cleanup_free_ char *q = words_filter("reference", args[3]);
	_cleanup_free_ char *url = NULL;
	struct strbuf sb = STRBUF_INIT;
	json_t *r = NULL, *img, *rt;
	size_t i, j;
	int rc;

	url = xasprintf("%s/images/json?filters=%s", words_libpod(api) ?
	    "/libpod" : "", q);
	if (docker_api_call(api, "GET", url, NULL, &r, NULL, err) < 0)
		return paks_error_wrap(err, "%s images failed",
		    docker_api_engine(api));
	json_array_foreach(r, i, img) {
		json_array_foreach(json_object_get(img, "RepoTags"), j, rt) {
			const char *tag = words_tag_of(json_string_value(rt) ?
			    json_string_value(rt) : "", args[3]);
			if (tag != NULL)
				strbuf_addf(&sb, "%s\n", tag);
		}
	}
	json_decref(r);
	rc = words_emit(strbuf_str(&sb), fd, out, err);
	strbuf_release(&sb);
	return rc;
}

/* Newest first, as the clients list (podman's service lists otherwise). */
static int
words_newer(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t **)a,
	    "Created"));
	json_int_t y = json_integer_value(json_object_get(*(json_t **)b,
	    "Created"));

	return x < y ? 1 : x > y ? -1 : 0;
}

/*
 * "ps -a -q --no-trunc --filter label=L" and "images -q --no-trunc
 * --filter label=L": the ids of the containers or images with label L.
 */
static int
words_ids(struct docker_api *api, char *const *args, size_t argc, int fd,
    char **out, struct paks_error **err)
{
	bool ps = strcmp(args[0], "ps") == 0;
	char *const *opt = args + (ps ? 2 : 1);
	json_t *r = NULL, **v;
	struct strbuf sb = STRBUF_INIT;
	_cleanup_free_ char *url = NULL, *q = NULL;
	size_t n;
	int rc;

	if (argc != (ps ? 6u : 5u) || (ps && strcmp(args[1], "-a") != 0) ||
	    strcmp(opt[0], "-q") != 0 || strcmp(opt[1], "--no-trunc") != 0 ||
	    strcmp(opt[2], "--filter") != 0 || strncmp(opt[3], "label=", 6))
		return 1;
	q = words_filter("label", opt[3] + 6);
	url = xasprintf("/%s/json?%sfilters=%s", ps ? "containers" : "images",
	    ps ? "all=1&" : "", q);
	if (docker_api_call(api, "GET", url, NULL, &r, NULL, err) < 0)
		return paks_error_wrap(err, "%s %s failed",
		    docker_api_engine(api), args[0]);
	n = json_array_size(r);
	v = xcalloc(n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(r, i);
	qsort(v, n, sizeof *v, words_newer);
	for (size_t i = 0; i < n; i++)
		if (json_string_value(json_object_get(v[i], "Id")) != NULL)
			strbuf_addf(&sb, "%s\n", json_string_value(
			    json_object_get(v[i], "Id")));
	free(v);
	json_decref(r);
	rc = words_emit(strbuf_str(&sb), fd, out, err);
	strbuf_release(&sb);
	return rc;
}

/* "version --format {{.Server.Version}}" */
static int
words_version(struct docker_api *api, int fd, char **out,
    struct paks_error **err)
{
	_cleanup_free_ char *text = NULL;
	json_t *r = NULL;
	const char *v;

	if (docker_api_call(api, "GET", "/version", NULL, &r, NULL, err) < 0)
		return paks_error_wrap(err, "%s version failed",
		    docker_api_engine(api));
	v = json_string_value(json_object_get(r, "Version"));
	text = xasprintf("%s\n", v ? v : "");
	json_decref(r);
	return words_emit(text, fd, out, err);
}

/* "image rm -f NAME", "stop -t 0 NAME": one call, no output. */
static int
words_call(struct docker_api *api, char *const *args, size_t argc,
    char **out, struct paks_error **err)
{
	bool stop = strcmp(args[0], "stop") == 0;
	_cleanup_free_ char *n = NULL, *url = NULL;

	if (argc != 4 || args[3][0] == '-' || (stop ? strcmp(args[1], "-t") ||
	    strcmp(args[2], "0") : strcmp(args[0], "image") ||
	    strcmp(args[1], "rm") || strcmp(args[2], "-f")))
		return 1;
	n = docker_api_escape(args[3]);
	if (stop)
		url = xasprintf("%s/containers/%s/stop?%s=0", words_libpod(api) ?
		    "/libpod" : "", n, words_libpod(api) ? "timeout" : "t");
	else
		url = xasprintf("%s/images/%s?force=%s", words_libpod(api) ?
		    "/libpod" : "", n, words_libpod(api) ? "true" : "1");
	if (docker_api_call(api, stop ? "POST" : "DELETE", url, NULL, NULL,
	    NULL, err) < 0)
		return paks_error_wrap(err, "%s %s failed",
		    docker_api_engine(api), stop ? "stop" : "image rm");
	if (out != NULL)
		*out = xstrdup("");
	return 0;
}

static size_t
words_argc(char *const *args)
{
	size_t n = 0;

	while (args[n] != NULL)
		n++;
	return n;
}

/*
 * The client's words ARGS through the API: what it prints on stdout to
 * fd (or into *out when fd is -1), its stderr's to errfd (-1: dropped),
 * the status it would exit with into *code. 0 done; -1 failed (*err); 1
 * words this does not know, which the client must run.
 */
int
engine_api_words(struct docker_api *api, char *const *args, int fd,
    int errfd, char **out, int *code, struct paks_error **err)
{
	size_t argc = words_argc(args);
	_cleanup_free_ char *text = NULL;
	int rc;

	*code = 0;
	if (argc >= 3 && strcmp(args[0], "cp") == 0)
		return words_cp_out(api, args, argc, fd, err);
	if (argc >= 2 && strcmp(args[0], "export") == 0)
		return words_export(api, args, argc, fd, err);
	if (argc >= 2 && strcmp(args[0], "save") == 0 &&
	    (rc = words_save(api, args, argc, fd, err)) <= 0)
		return rc;
	if (argc >= 2 && strcmp(args[0], "load") == 0)
		return words_load(api, args, argc, fd, out, err);
	if (argc >= 2 && strcmp(args[0], "import") == 0)
		return words_import(api, args, argc, fd, out, err);
	if (argc == 2 && strcmp(args[0], "diff") == 0 && args[1][0] != '-')
		return words_diff(api, args, fd, out, err);
	if (argc >= 3 && strcmp(args[0], "exec") == 0 && args[1][0] != '-')
		return words_exec(api, args, fd, errfd, code, err);
	if (argc >= 4 && strcmp(args[1], "inspect") == 0 &&
	    (strcmp(args[0], "image") == 0 ||
	    strcmp(args[0], "container") == 0) && (strcmp(args[2], "-f") == 0 ||
	    strcmp(args[2], "--format") == 0))
		return words_format(api, args, argc, fd, out, err);
	if ((argc == 6 && strcmp(args[0], "ps") == 0) ||
	    (argc == 5 && strcmp(args[0], "images") == 0))
		return words_ids(api, args, argc, fd, out, err);
	if (argc == 3 && strcmp(args[0], "version") == 0 &&
	    strcmp(args[1], "--format") == 0 &&
	    strcmp(args[2], "{{.Server.Version}}") == 0)
		return words_version(api, fd, out, err);
	if ((rc = words_call(api, args, argc, out, err)) <= 0 ||
	    (argc == 4 && strcmp(args[0], "stop") == 0))
		return rc;
	if (argc == 4 && strcmp(args[0], "images") == 0 &&
	    strcmp(args[1], "--format") == 0 &&
	    strcmp(args[2], "{{.Tag}}") == 0 && args[3][0] != '-')
		return words_tags(api, args, fd, out, err);
	if ((rc = engine_api_argv(api, args, fd >= 0 ? &text : out,
	    err)) != 0 || fd < 0)
		return rc;
	return words_emit(text ? text : "", fd, NULL, err);
}

/*
 * A session's job (or a plugin's engine call), in its own process: the
 * words through the API when it answers, their output on stdout, an
 * error's line on fd 3 for the session to show as it is (w->fd3; else
 * on stderr); the client for any other words (or no API), in this
 * process.
 */
int
engine_api_words_child(void *arg)
{
	const struct engine_words *w = arg;
	_cleanup_strv_ struct strv argv = STRV_INIT;
	struct docker_api *api = NULL;
	struct paks_error *err = NULL;
	int rc = 1, code = 0;

	if (engine_api_get(w->engine, &api, &err) == 0 && api != NULL)
		rc = engine_api_words(api, w->args, STDOUT_FILENO,
		    STDERR_FILENO, NULL, &code, &err);
	if (rc == 0)
		return code;
	if (rc < 0 && err != NULL) {
		dprintf(w->fd3 ? 3 : STDERR_FILENO, "%s\n", err->msg);
		paks_error_free(err);
		return 1;
	}
	paks_error_free(err);
	if (w->fd3)
		fcntl(3, F_SETFD, FD_CLOEXEC);
	strv_push(&argv, w->engine->program);
	strv_pushv(&argv, w->args);
	execvp(argv.v[0], argv.v);
	dprintf(w->fd3 ? 3 : STDERR_FILENO, "cannot run %s: %s\n", argv.v[0],
	    strerror(errno));
	return 127;
}
