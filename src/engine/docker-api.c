/*
 * A small client of docker's Engine API: HTTP/1.1 over the daemon's unix
 * socket, each answer read by http-parser (chunked bodies, keep-alive,
 * the upgrade of a hijacked stream), the JSON by jansson. The requests
 * are a few lines paks writes itself. One connection per client is kept
 * open between calls and opened again when the daemon has closed it.
 *
 * Why not libcurl, which an earlier version used: linked in, it brought
 * 30 libraries (TLS, LDAP, Kerberos, SSH, ...) whose constructors ran in
 * every paks command, 60 ms before main and about 8 MiB more resident in
 * a session, for plain HTTP on a unix socket (bench/README.md).
 */
#include <errno.h>
#include <http_parser.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "docker-api.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

/* An answer larger than this is no answer paks asked for. */
#define API_MAX_REPLY (64u << 20)
/* How long a hijacked connection may keep paks waiting, in ms. */
#define API_HIJACK_MS 30000
/* The daemon's message, shortened for one line. */
#define API_MAX_MESSAGE 300
/* A header value paks reads (a path's stat, base64 JSON with a link's
 * target: PATH_MAX and more) */
#define API_MAX_VALUE 16384
/* A request body is sent in pieces of this size. */
#define API_BODY_PIECE 65536

struct docker_api {
	int	 fd;		/* the kept connection, or -1 */
	char	*socket;
	char	*engine;	/* "docker", or "podman" for podman's service */
	char	 version[16];	/* "1.41"; empty until agreed */
};

/* One transfer: the answer, or for a stream its unfinished line. */
struct api_xfer {
	struct strbuf		 body;
	docker_api_stream_fn	*fn;
	void			*ctx;
	struct paks_error	*err;	/* the stream's "error", or fn's stop */
	int			 out;	/* docker_api_get_file's file */
	bool			 to_file;
	long			 status;
	bool			 too_big, head_done, done;
	bool			 no_body;	/* the answer to a HEAD */
	/* one header of the answer wanted (its name), its value */
	const char		*want;
	struct strbuf		 field, value, found;
	bool			 in_value;
};

char *
docker_api_socket_path(void)
{
	const char *host = getenv("DOCKER_HOST");

	if (host == NULL || *host == '\0')
		return xstrdup("/var/run/docker.sock");
	if (strncmp(host, "unix://", 7) == 0 && host[7] != '\0')
		return xstrdup(host + 7);
	return NULL;
}

const char *
docker_api_version(const struct docker_api *api)
{
	return api->version;
}

const char *
docker_api_engine(const struct docker_api *api)
{
	return api->engine;
}

/* Each whole line of a stream to its function, as JSON. */
static void
api_stream_lines(struct api_xfer *x)
{
	char *nl;

	while (x->err == NULL && x->body.len > 0 &&
	    (nl = memchr(x->body.buf, '\n', x->body.len)) != NULL) {
		size_t n = (size_t)(nl - x->body.buf) + 1;
		json_t *obj = json_loadb(x->body.buf, n, JSON_DISABLE_EOF_CHECK,
		    NULL);
		const char *e;

		if (obj != NULL && (e = json_string_value(json_object_get(obj,
		    "error"))) != NULL) {
			_cleanup_free_ char *msg = xstrndup(e, API_MAX_MESSAGE);
			text_plain(msg);
			paks_error_set(&x->err, 0, "%s", msg);
		} else if (obj != NULL && x->fn(x->ctx, obj) < 0 &&
		    x->err == NULL) {
			paks_error_set(&x->err, ECANCELED, "stopped");
		}
		json_decref(obj);
		strbuf_remove_front(&x->body, n);
	}
}

static int
api_on_body(http_parser *hp, const char *data, size_t n)
{
	struct api_xfer *x = hp->data;

	if (x->to_file && x->status < 300) {
		if (write_all(x->out, data, n) < 0)
			paks_error_set(&x->err, errno, "cannot write the "
			    "archive");
		return x->err != NULL ? -1 : 0;
	}
	if (x->body.len + n > API_MAX_REPLY) {
		x->too_big = true;
		return -1;
	}
	strbuf_add(&x->body, data, n);
	if (x->fn != NULL && x->status < 300)
		api_stream_lines(x);
	return x->err != NULL ? -1 : 0;
}

/* The header just read, if it is the one wanted. */
static void
api_header_done(struct api_xfer *x)
{
	if (x->field.len > 0 && strcasecmp(x->field.buf, x->want) == 0) {
		strbuf_reset(&x->found);
		strbuf_add(&x->found, x->value.buf, x->value.len);
	}
	strbuf_reset(&x->field);
	strbuf_reset(&x->value);
	x->in_value = false;
}

/* A header's name and value may each come in pieces. */
static int
api_on_field(http_parser *hp, const char *data, size_t n)
{
	struct api_xfer *x = hp->data;

	if (x->want == NULL)
		return 0;
	if (x->in_value)
		api_header_done(x);
	if (x->field.len + n < 256)
		strbuf_add(&x->field, data, n);
	return 0;
}

static int
api_on_value(http_parser *hp, const char *data, size_t n)
{
	struct api_xfer *x = hp->data;

	if (x->want == NULL)
		return 0;
	x->in_value = true;
	if (x->value.len + n < API_MAX_VALUE)
		strbuf_add(&x->value, data, n);
	return 0;
}

static int
api_on_head(http_parser *hp)
{
	struct api_xfer *x = hp->data;

	if (x->want != NULL && x->in_value)
		api_header_done(x);
	x->status = hp->status_code;
	x->head_done = true;
	return x->no_body ? 1 : 0;	/* 1: http-parser expects no body */
}

static int
api_on_done(http_parser *hp)
{
	((struct api_xfer *)hp->data)->done = true;
	return 0;
}

static const http_parser_settings api_settings = {
	.on_header_field = api_on_field,
	.on_header_value = api_on_value,
	.on_headers_complete = api_on_head,
	.on_body = api_on_body,
	.on_message_complete = api_on_done,
};

/* The daemon's {"message": ...} (or its text) as the error. */
static int
api_status_error(long status, const struct strbuf *body,
    struct paks_error **err)
{
	json_t *doc = body->len ? json_loadb(body->buf, body->len, 0, NULL) :
	    NULL;
	const char *m = json_string_value(json_object_get(doc, "message"));
	_cleanup_free_ char *msg = NULL;

	if (m != NULL)
		msg = xstrndup(m, API_MAX_MESSAGE);
	else if (body->len > 0 && doc == NULL)
		msg = xstrndup(body->buf, body->len < API_MAX_MESSAGE ?
		    body->len : API_MAX_MESSAGE);
	else
		msg = xasprintf("HTTP status %ld", status);
	json_decref(doc);
	msg[strcspn(msg, "\r\n")] = '\0';
	text_plain(msg);
	return paks_error_set(err, 0, "%s", msg);
}

/* A new connection to the daemon's socket (blocking); -1 and errno. */
static int
api_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* All of buf to fd, never SIGPIPE; -1 and errno. */
static int
api_send(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			if (poll(&p, 1, API_HIJACK_MS) <= 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			continue;
		}
		if (n <= 0)
			return -1;
		buf += n, len -= (size_t)n;
	}
	return 0;
}

/* "METHOD /vX/PATH HTTP/1.1" and its head, then BODY (JSON, or NULL). */
static char *
api_request_text(struct docker_api *api, const char *method,
    const char *path, const char *body, const char *extra)
{
	_cleanup_free_ char *ver = api->version[0] ? xasprintf("/v%s",
	    api->version) : xstrdup("");

	return xasprintf("%s %s%s HTTP/1.1\r\nHost: docker\r\n"
	    "User-Agent: paks\r\n%sContent-Length: %zu\r\n%s\r\n%s",
	    method, ver, path, body ? "Content-Type: application/json\r\n" :
	    "", body ? strlen(body) : 0, extra ? extra : "", body ? body : "");
}

/*
 * Read the answer on api->fd into x until it is whole. 1: the connection
 * ended before a byte of it came (a kept one the daemon closed: ask again
 * on a new one); 0 done; -1 and errno (EPROTO: not HTTP).
 */
static int
api_read_answer(struct docker_api *api, struct api_xfer *x)
{
	http_parser hp;
	char buf[16384];
	bool any = false;

	http_parser_init(&hp, HTTP_RESPONSE);
	hp.data = x;
	while (!x->done) {
		ssize_t n = read(api->fd, buf, sizeof buf);
		size_t used;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return any ? -1 : (errno == ECONNRESET ? 1 : -1);
		if (n == 0 && !any)
			return 1;
		any = true;
		used = http_parser_execute(&hp, &api_settings, buf, (size_t)n);
		if (x->err != NULL || x->too_big)
			return 0;	/* the caller says why */
		if (HTTP_PARSER_ERRNO(&hp) != HPE_OK || used != (size_t)n ||
		    (n == 0 && !x->done)) {
			errno = n == 0 ? ECONNRESET : EPROTO;
			return -1;
		}
	}
	if (!http_should_keep_alive(&hp)) {
		close(api->fd);
		api->fd = -1;
	}
	return 0;
}

/* The request on the kept connection, or a new one; the answer into x. */
static int
api_exchange(struct docker_api *api, const char *req, struct api_xfer *x)
{
	for (int tries = 0; tries < 2; tries++) {
		bool kept = api->fd >= 0;
		int rc;

		if (!kept && (api->fd = api_connect(api->socket)) < 0)
			return -1;
		rc = api_send(api->fd, req, strlen(req));
		if (rc == 0)
			rc = api_read_answer(api, x);
		if (rc == 0 && !x->done && api->fd >= 0) {
			close(api->fd);	/* stopped part way: not reusable */
			api->fd = -1;
		}
		if (rc == 0)
			return 0;
		if (api->fd >= 0) {
			int e = errno;
			close(api->fd);
			api->fd = -1;
			errno = e;
		}
		/* a kept connection the daemon closed meanwhile: once more */
		if (!kept || (rc < 0 && errno != EPIPE && errno != ECONNRESET))
			return -1;
	}
	errno = ECONNRESET;
	return -1;
}

static int	api_conclude(struct docker_api *, const char *, const char *,
		    struct api_xfer *, int, long *, struct paks_error **);

/* One request; *status 0 when the daemon did not answer. */
static int
api_perform(struct docker_api *api, const char *method, const char *path,
    json_t *body, struct api_xfer *x, long *status, struct paks_error **err)
{
	_cleanup_free_ char *text = NULL, *req = NULL;
	int rc;

	if (body != NULL && (text = json_dumps(body, JSON_COMPACT)) == NULL)
		xoom();
	req = api_request_text(api, method, path, text, NULL);
	rc = api_exchange(api, req, x);
	explicit_bzero(req, strlen(req));	/* an env value may be in it */
	return api_conclude(api, method, path, x, rc, status, err);
}

/*
 * What came of a request: rc is the exchange's (-1 and errno when the
 * answer did not come whole), *status the answer's (0: none), and a
 * status of 400 or above the daemon's message.
 */
static int
api_conclude(struct docker_api *api, const char *method, const char *path,
    struct api_xfer *x, int rc, long *status, struct paks_error **err)
{
	*status = x->head_done ? x->status : 0;
	if (x->err != NULL) {
		*err = TAKE_PTR(x->err);
		return -1;
	}
	if (x->too_big)
		return paks_error_set(err, EFBIG, "%s's answer to %s %s "
		    "is larger than %u MiB", api->engine, method, path,
		    API_MAX_REPLY >> 20);
	if (rc < 0 && !x->head_done && (errno == ENOENT ||
	    errno == ECONNREFUSED || errno == EACCES || errno == ENOTSOCK))
		return paks_error_set(err, errno, "cannot reach %s at "
		    "'%s'", api->engine, api->socket);
	if (rc < 0)
		return paks_error_set(err, errno, "%s's answer to %s %s "
		    "broke off", api->engine, method, path);
	if (*status >= 400)
		return api_status_error(*status, &x->body, err);
	return 0;
}

int
docker_api_call(struct docker_api *api, const char *method, const char *path,
    json_t *body, json_t **reply, long *status, struct paks_error **err)
{
	struct api_xfer x = { .body = STRBUF_INIT };
	json_error_t jerr;
	long st;
	int rc;

	if (reply != NULL)
		*reply = NULL;
	rc = api_perform(api, method, path, body, &x, &st, err);
	if (status != NULL)
		*status = st;
	if (rc == 0 && reply != NULL && x.body.len > 0 &&
	    (*reply = json_loadb(x.body.buf, x.body.len, 0, &jerr)) == NULL)
		rc = paks_error_set(err, 0, "cannot read %s's answer to "
		    "%s %s: %s", api->engine, method, path, jerr.text);
	strbuf_release(&x.body);
	return rc;
}

/* After a stream's answer: its last line, if it had no newline. */
static int
api_stream_end(struct api_xfer *x, int rc, struct paks_error **err)
{
	if (rc == 0 && x->fn != NULL && x->body.len > 0) {
		strbuf_addch(&x->body, '\n');
		api_stream_lines(x);
		if (x->err != NULL) {
			*err = TAKE_PTR(x->err);
			rc = -1;
		}
	}
	return rc;
}

int
docker_api_stream(struct docker_api *api, const char *method,
    const char *path, docker_api_stream_fn *fn, void *ctx,
    struct paks_error **err)
{
	struct api_xfer x = { .body = STRBUF_INIT, .fn = fn, .ctx = ctx };
	long st;
	int rc = api_perform(api, method, path, NULL, &x, &st, err);

	rc = api_stream_end(&x, rc, err);
	strbuf_release(&x.body);
	return rc;
}

int
docker_api_get_file(struct docker_api *api, const char *path, int fd,
    struct paks_error **err)
{
	struct api_xfer x = { .body = STRBUF_INIT, .out = fd, .to_file = true };
	long st;
	int rc = api_perform(api, "GET", path, NULL, &x, &st, err);

	strbuf_release(&x.body);
	return rc;
}

/*
 * HEAD PATH: *status (404 is not an error here: the thing is not there),
 * and the value of the answer's header NAME in *value (malloc'd; NULL
 * when the answer has none).
 */
int
docker_api_head(struct docker_api *api, const char *path, const char *name,
    char **value, long *status, struct paks_error **err)
{
	struct api_xfer x = { .body = STRBUF_INIT, .want = name,
		.field = STRBUF_INIT, .value = STRBUF_INIT,
		.found = STRBUF_INIT, .no_body = true };
	int rc = api_perform(api, "HEAD", path, NULL, &x, status, err);

	*value = NULL;
	if (rc < 0 && *status == 404) {
		paks_error_release(err);
		rc = 0;
	}
	if (rc == 0 && x.found.len > 0)
		*value = xstrndup(x.found.buf, x.found.len);
	strbuf_release(&x.body);
	strbuf_release(&x.field);
	strbuf_release(&x.value);
	strbuf_release(&x.found);
	return rc;
}

/*
 * Send len bytes on the socket, watching it: 1 when the daemon has begun
 * to answer (or closed it) before all went, which ends the sending; 0
 * all sent; -1 and errno.
 */
static int
api_send_watched(int sock, const char *buf, size_t len)
{
	while (len > 0) {
		struct pollfd p = { .fd = sock, .events = POLLIN | POLLOUT };
		ssize_t n;

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR))
			return 1;
		n = send(sock, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return errno == EPIPE || errno == ECONNRESET ? 1 : -1;
		buf += n, len -= (size_t)n;
	}
	return 0;
}

/*
 * The body from fd `in` to the socket: size bytes exactly, or chunked
 * when size is -1. *early: the daemon answered before it was all sent.
 */
static int
api_send_body(int sock, int in, off_t size, bool *early,
    struct paks_error **err)
{
	_cleanup_free_ char *buf = xmalloc(API_BODY_PIECE + 32);
	off_t sent = 0;
	int rc;

	for (;;) {
		char *data = buf + 16;	/* room for a chunk's size line */
		ssize_t n = read(in, data, API_BODY_PIECE);
		size_t len = (size_t)n;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return paks_error_set(err, errno, "cannot read what "
			    "is to be sent");
		if (n == 0)
			break;
		if (size >= 0 && sent + n > size)
			return paks_error_set(err, 0, "what is to be sent is "
			    "longer than its %lld bytes", (long long)size);
		if (size < 0) {
			char head[16];
			int h = snprintf(head, sizeof head, "%zx\r\n", len);
			data -= h;
			memcpy(data, head, (size_t)h);
			memcpy(data + h + n, "\r\n", 2);
			len += (size_t)h + 2;
		}
		if ((rc = api_send_watched(sock, data, len)) != 0) {
			*early = rc > 0;
			return rc > 0 ? 0 : paks_error_set(err, errno,
			    "cannot send to the daemon");
		}
		sent += n;
	}
	if (size >= 0 && sent != size)
		return paks_error_set(err, 0, "what was sent is shorter than "
		    "its %lld bytes", (long long)size);
	rc = size < 0 ? api_send_watched(sock, "0\r\n\r\n", 5) : 0;
	*early = rc > 0;
	return rc < 0 ? paks_error_set(err, errno, "cannot send to the "
	    "daemon") : 0;
}

/* The head of a request whose body follows, of size bytes or chunked. */
static char *
api_body_head(struct docker_api *api, const char *method, const char *path,
    const char *type, off_t size)
{
	_cleanup_free_ char *len = size >= 0 ? xasprintf("Content-Length: "
	    "%lld", (long long)size) : xstrdup("Transfer-Encoding: chunked");

	return xasprintf("%s /v%s%s HTTP/1.1\r\nHost: docker\r\nUser-Agent: "
	    "paks\r\nContent-Type: %s\r\n%s\r\n\r\n", method, api->version,
	    path, type, len);
}

/* A stream's objects, the last kept in *ctx (a json_t *). */
static int
api_keep_last(void *ctx, json_t *obj)
{
	json_t **last = ctx;

	json_decref(*last);
	*last = json_incref(obj);
	return 0;
}

int
docker_api_put_fd(struct docker_api *api, const char *method,
    const char *path, const char *type, int in, off_t size, json_t **reply,
    long *status, struct paks_error **err)
{
	/* its answer: one JSON object, or a stream of them a line each (a
	 * load's, an import's), whose last is the answer */
	struct api_xfer x = { .body = STRBUF_INIT, .fn = reply ?
	    api_keep_last : NULL, .ctx = reply };
	_cleanup_free_ char *head = api_body_head(api, method, path, type,
	    size);
	int kept = api->fd, rc;
	bool early = false;
	long st;

	if (reply != NULL)
		*reply = NULL;
	if (status != NULL)
		*status = 0;
	/* a connection of its own: a body half sent cannot be sent again */
	if ((api->fd = api_connect(api->socket)) < 0) {
		api->fd = kept;
		return paks_error_set(err, errno, "cannot reach %s at '%s'",
		    api->engine, api->socket);
	}
	rc = api_send_watched(api->fd, head, strlen(head));
	if (rc == 0 && api_send_body(api->fd, in, size, &early, err) < 0) {
		close(api->fd);
		api->fd = kept;
		return -1;
	}
	/* the answer, also when the daemon said no before all was sent:
	 * its message says why, where the send's EPIPE would not */
	if (rc >= 0 && (rc = api_read_answer(api, &x)) > 0) {
		errno = ECONNRESET;
		rc = -1;
	}
	int e = errno;
	if (api->fd >= 0)
		close(api->fd);
	api->fd = kept;
	errno = e;
	explicit_bzero(head, strlen(head));	/* --change=ENV values */
	rc = api_conclude(api, method, path, &x, rc, &st, err);
	if (status != NULL)
		*status = st;
	rc = api_stream_end(&x, rc, err);
	if (rc < 0 && reply != NULL) {
		json_decref(*reply);
		*reply = NULL;
	}
	strbuf_release(&x.body);
	return rc;
}

/* "1.41" as 1041; -1 if it is not a version. */
static int
api_version_num(const char *v)
{
	int major, minor;

	if (v == NULL || sscanf(v, "%d.%d", &major, &minor) != 2 ||
	    major < 0 || minor < 0 || minor > 999)
		return -1;
	return major * 1000 + minor;
}

/*
 * The version both sides speak: the daemon's newest, at most paks's.
 * podman's service says its compat version at the top (ApiVersion 1.41,
 * MinAPIVersion 1.24) and its own (4.3.1) in Components: the first is
 * the one its /v1.41/... paths, docker's and its libpod ones, take.
 */
static int
api_negotiate(struct docker_api *api, json_t *v, struct paks_error **err)
{
	const char *have = json_string_value(json_object_get(v, "ApiVersion"));
	const char *low = json_string_value(json_object_get(v,
	    "MinAPIVersion"));
	bool docker = strcmp(api->engine, "docker") == 0;
	const char *who = docker ? "docker's daemon" : "podman's service";
	int max = api_version_num(have), min = api_version_num(low);
	int use;

	if (max < 0)
		return paks_error_set(err, EPROTO, "%s did not say which "
		    "Engine API it speaks", who);
	use = max < api_version_num(DOCKER_API_MAX) ? max :
	    api_version_num(DOCKER_API_MAX);
	if (use < api_version_num(DOCKER_API_MIN)) {
		paks_error_set(err, ENOTSUP, "%s speaks Engine API %s; paks "
		    "needs %s or later", who, have, DOCKER_API_MIN);
		return paks_error_hint(err, "upgrade %s (%s or later), or set "
		    "PAKS_%s_API=0 to use the %s client", api->engine,
		    docker ? "19.03" : "3.0", docker ? "DOCKER" : "PODMAN",
		    api->engine);
	}
	if (min > use) {
		paks_error_set(err, ENOTSUP, "%s needs Engine API %s or "
		    "later; paks speaks up to %s", who, low, DOCKER_API_MAX);
		return paks_error_hint(err, "set PAKS_%s_API=0 to use the %s "
		    "client", docker ? "DOCKER" : "PODMAN", api->engine);
	}
	snprintf(api->version, sizeof api->version, "%d.%d", use / 1000,
	    use % 1000);
	return 0;
}

/*
 * The daemon's newest API version from GET /_ping's Api-Version header,
 * as the docker client asks it: one short answer, where /version makes
 * the daemon gather its components first (25 ms here). NULL if the
 * header is not there (*v NULL: ask /version); -1 when the daemon did
 * not answer.
 */
static int
api_ping_version(struct docker_api *api, json_t **v, struct paks_error **err)
{
	struct api_xfer x = { .body = STRBUF_INIT, .want = "Api-Version",
		.field = STRBUF_INIT, .value = STRBUF_INIT,
		.found = STRBUF_INIT };
	long status;
	int rc = api_perform(api, "GET", "/_ping", NULL, &x, &status, err);

	if (rc < 0 && status == 0)
		rc = -1;	/* no answer: nothing to ask /version either */
	else {
		paks_error_release(err);	/* an old one: /version */
		rc = 0;
		if (x.found.len > 0)
			*v = json_pack("{s:s}", "ApiVersion", x.found.buf);
	}
	strbuf_release(&x.body);
	strbuf_release(&x.field);
	strbuf_release(&x.value);
	strbuf_release(&x.found);
	return rc;
}

struct docker_api *
docker_api_open(const char *path, struct paks_error **err)
{
	return docker_api_open_as("docker", path, err);
}

struct docker_api *
docker_api_open_as(const char *engine, const char *path,
    struct paks_error **err)
{
	struct docker_api *api = xcalloc(1, sizeof *api);
	json_t *v = NULL;

	api->fd = -1;
	api->socket = xstrdup(path);
	api->engine = xstrdup(engine);
	if (api_ping_version(api, &v, err) < 0 || (v == NULL &&
	    docker_api_call(api, "GET", "/version", NULL, &v, NULL, err) < 0) ||
	    api_negotiate(api, v, err) < 0) {
		json_decref(v);
		docker_api_free(api);
		return NULL;
	}
	json_decref(v);
	return api;
}

/*
 * In a child of the process that opened api: its kept connection is the
 * parent's (and a child run as a job has closed its copy already, so
 * that the number may be another file's now): let it be, never close.
 */
void
docker_api_disown(struct docker_api *api)
{
	if (api != NULL)
		api->fd = -1;
}

void
docker_api_free(struct docker_api *api)
{
	if (api == NULL)
		return;
	if (api->fd >= 0)
		close(api->fd);
	free(api->socket);
	free(api->engine);
	free(api);
}

/*
 * RFC 3986's unreserved characters stay, and '/', ':' and '@' (image
 * references: allowed in a path and a query); every other byte is %XX
 * ('+' too: a space in a query, to the daemon).
 */
char *
docker_api_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct strbuf sb = STRBUF_INIT;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/:@", *p)) {
			strbuf_addch(&sb, (char)*p);
			continue;
		}
		strbuf_addch(&sb, '%');
		strbuf_addch(&sb, hex[*p >> 4]);
		strbuf_addch(&sb, hex[*p & 15]);
	}
	return strbuf_detach(&sb);
}

/*
 * The answer's head, a byte at a time through the parser: what follows
 * its blank line is the container's and stays in the socket for the
 * caller's loop.
 */
static int
api_recv_head(int fd, struct api_xfer *x)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	http_parser hp;
	size_t got = 0;
	char ch;

	http_parser_init(&hp, HTTP_RESPONSE);
	hp.data = x;
	while (!x->head_done && got++ < 8192) {
		ssize_t n = read(fd, &ch, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (poll(&p, 1, API_HIJACK_MS) <= 0)
				return -1;
			continue;
		}
		if (n <= 0)
			return -1;
		http_parser_execute(&hp, &api_settings, &ch, 1);
		if (HTTP_PARSER_ERRNO(&hp) != HPE_OK && !x->head_done)
			return -1;
	}
	return x->head_done ? 0 : -1;
}

/*
 * POST PATH (with BODY, or NULL) and "Upgrade: tcp" on a connection of
 * its own: once the head of the answer is read, the socket is the
 * container's stream.
 */
int
docker_api_hijack(struct docker_api *api, const char *path, json_t *body,
    struct docker_stream *st, struct paks_error **err)
{
	_cleanup_free_ char *req = NULL, *text = NULL;
	struct api_xfer x = { .body = STRBUF_INIT };
	int fd;

	if ((fd = api_connect(api->socket)) < 0)
		return paks_error_set(err, errno, "cannot reach %s at "
		    "'%s'", api->engine, api->socket);
	fd_set_nonblock(fd, 1);	/* a daemon that does not answer: timeout */
	if (body != NULL && (text = json_dumps(body, JSON_COMPACT)) == NULL)
		xoom();
	req = api_request_text(api, "POST", path, text,
	    "Connection: Upgrade\r\nUpgrade: tcp\r\n");
	if (api_send(fd, req, strlen(req)) < 0 ||
	    api_recv_head(fd, &x) < 0) {
		close(fd);
		strbuf_release(&x.body);
		return paks_error_set(err, 0, "%s's answer to POST %s "
		    "broke off", api->engine, path);
	}
	strbuf_release(&x.body);
	if (x.status != 101 && x.status != 200) {
		close(fd);
		return paks_error_set(err, 0, "%s refused POST %s (HTTP "
		    "status %ld)", api->engine, path, x.status);
	}
	st->fd = fd;
	return 0;
}

void
docker_stream_close(struct docker_stream *st)
{
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
}
