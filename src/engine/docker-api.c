/*
 * A small client of docker's Engine API: libcurl speaks HTTP over the
 * daemon's unix socket, jansson reads and writes the JSON. One easy handle
 * per client keeps its connection open between calls.
 */
#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker-api.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

/* An answer larger than this is no answer paks asked for. */
#define API_MAX_REPLY (64u << 20)
/* How long a hijacked connection may keep paks waiting, in ms. */
#define API_HIJACK_MS 30000
/* The daemon's message, shortened for one line. */
#define API_MAX_MESSAGE 300

struct docker_api {
	CURL	*curl;
	char	*socket;
	char	 version[16];	/* "1.41"; empty until agreed */
	char	 errbuf[CURL_ERROR_SIZE];
};

/* One transfer: the answer, or for a stream its unfinished line. */
struct api_xfer {
	struct docker_api	*api;
	struct strbuf		 body;
	docker_api_stream_fn	*fn;
	void			*ctx;
	struct paks_error	*err;	/* the stream's "error", or fn's stop */
	bool			 too_big;
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

static size_t
api_write(char *data, size_t size, size_t n, void *arg)
{
	struct api_xfer *x = arg;
	long status = 0;

	n *= size;
	if (x->body.len + n > API_MAX_REPLY) {
		x->too_big = true;
		return 0;
	}
	strbuf_add(&x->body, data, n);
	curl_easy_getinfo(x->api->curl, CURLINFO_RESPONSE_CODE, &status);
	if (x->fn != NULL && status < 300)
		api_stream_lines(x);
	return x->err != NULL ? 0 : n;
}

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

/* Set up the handle for METHOD URL with BODY (a JSON text, or NULL). */
static void
api_prepare(struct docker_api *api, const char *method, const char *url,
    const char *body, struct curl_slist *headers, struct api_xfer *x)
{
	CURL *c = api->curl;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	if (body != NULL || strcmp(method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE,
		    (long)(body ? strlen(body) : 0));
	}
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, strcmp(method, "GET") &&
	    strcmp(method, "POST") ? method : NULL);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, api_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
}

/* One request; *status 0 when the daemon did not answer. */
static int
api_perform(struct docker_api *api, const char *method, const char *path,
    json_t *body, struct api_xfer *x, long *status, struct paks_error **err)
{
	_cleanup_free_ char *url = NULL, *text = NULL;
	struct curl_slist *headers = NULL;
	CURLcode rc;

	url = api->version[0] ? xasprintf("http://docker/v%s%s", api->version,
	    path) : xasprintf("http://docker%s", path);
	if (body != NULL && (text = json_dumps(body, JSON_COMPACT)) == NULL)
		xoom();
	/* without a body, no type: curl's form type is refused (400) */
	headers = curl_slist_append(NULL, body != NULL ?
	    "Content-Type: application/json" : "Content-Type:");
	api->errbuf[0] = '\0';
	api_prepare(api, method, url, text, headers, x);
	rc = curl_easy_perform(api->curl);
	curl_easy_setopt(api->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(headers);
	*status = 0;
	if (rc == CURLE_OK || x->err != NULL || x->too_big)
		curl_easy_getinfo(api->curl, CURLINFO_RESPONSE_CODE, status);
	if (x->err != NULL) {
		*err = TAKE_PTR(x->err);
		return -1;
	}
	if (x->too_big)
		return paks_error_set(err, EFBIG, "docker's answer to %s %s "
		    "is larger than %u MiB", method, path, API_MAX_REPLY >> 20);
	if (rc == CURLE_COULDNT_CONNECT) {
		long os = 0;
		curl_easy_getinfo(api->curl, CURLINFO_OS_ERRNO, &os);
		return paks_error_set(err, os ? (int)os : ECONNREFUSED,
		    "cannot reach docker at '%s'", api->socket);
	}
	if (rc != CURLE_OK)
		return paks_error_set(err, 0, "docker's answer to %s %s broke "
		    "off: %s", method, path, api->errbuf[0] ? api->errbuf :
		    curl_easy_strerror(rc));
	if (*status >= 400)
		return api_status_error(*status, &x->body, err);
	return 0;
}

int
docker_api_call(struct docker_api *api, const char *method, const char *path,
    json_t *body, json_t **reply, long *status, struct paks_error **err)
{
	struct api_xfer x = { .api = api, .body = STRBUF_INIT };
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
		rc = paks_error_set(err, 0, "cannot read docker's answer to "
		    "%s %s: %s", method, path, jerr.text);
	strbuf_release(&x.body);
	return rc;
}

int
docker_api_stream(struct docker_api *api, const char *method,
    const char *path, docker_api_stream_fn *fn, void *ctx,
    struct paks_error **err)
{
	struct api_xfer x = { .api = api, .body = STRBUF_INIT, .fn = fn,
		.ctx = ctx };
	long st;
	int rc = api_perform(api, method, path, NULL, &x, &st, err);

	/* a last line without its newline */
	if (rc == 0 && x.body.len > 0) {
		strbuf_addch(&x.body, '\n');
		api_stream_lines(&x);
		if (x.err != NULL) {
			*err = TAKE_PTR(x.err);
			rc = -1;
		}
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

/* The version both sides speak: the daemon's newest, at most paks's. */
static int
api_negotiate(struct docker_api *api, json_t *v, struct paks_error **err)
{
	const char *have = json_string_value(json_object_get(v, "ApiVersion"));
	const char *low = json_string_value(json_object_get(v,
	    "MinAPIVersion"));
	int max = api_version_num(have), min = api_version_num(low);
	int use;

	if (max < 0)
		return paks_error_set(err, EPROTO, "docker's daemon did not "
		    "say which Engine API it speaks");
	use = max < api_version_num(DOCKER_API_MAX) ? max :
	    api_version_num(DOCKER_API_MAX);
	if (use < api_version_num(DOCKER_API_MIN)) {
		paks_error_set(err, ENOTSUP, "docker's daemon speaks Engine "
		    "API %s; paks needs %s or later", have, DOCKER_API_MIN);
		return paks_error_hint(err, "upgrade docker (19.03 or later), "
		    "or set PAKS_DOCKER_API=0 to use the docker client");
	}
	if (min > use) {
		paks_error_set(err, ENOTSUP, "docker's daemon needs Engine "
		    "API %s or later; paks speaks up to %s", low,
		    DOCKER_API_MAX);
		return paks_error_hint(err, "set PAKS_DOCKER_API=0 to use the "
		    "docker client");
	}
	snprintf(api->version, sizeof api->version, "%d.%d", use / 1000,
	    use % 1000);
	return 0;
}

struct docker_api *
docker_api_open(const char *path, struct paks_error **err)
{
	struct docker_api *api = xcalloc(1, sizeof *api);
	json_t *v = NULL;

	api->socket = xstrdup(path);
	if ((api->curl = curl_easy_init()) == NULL) {
		paks_error_set(err, ENOMEM, "cannot start libcurl");
		docker_api_free(api);
		return NULL;
	}
	curl_easy_setopt(api->curl, CURLOPT_UNIX_SOCKET_PATH, api->socket);
	curl_easy_setopt(api->curl, CURLOPT_ERRORBUFFER, api->errbuf);
	curl_easy_setopt(api->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(api->curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(api->curl, CURLOPT_USERAGENT, "paks");
	if (docker_api_call(api, "GET", "/version", NULL, &v, NULL, err) < 0 ||
	    api_negotiate(api, v, err) < 0) {
		json_decref(v);
		docker_api_free(api);
		return NULL;
	}
	json_decref(v);
	return api;
}

void
docker_api_free(struct docker_api *api)
{
	if (api == NULL)
		return;
	if (api->curl != NULL)
		curl_easy_cleanup(api->curl);
	free(api->socket);
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

/* All of buf on a hijacked connection (a non-blocking socket). */
static int
api_send_all(CURL *c, int fd, const char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	size_t n;

	while (len > 0) {
		CURLcode rc = curl_easy_send(c, buf, len, &n);
		if (rc == CURLE_AGAIN) {
			if (poll(&p, 1, API_HIJACK_MS) <= 0)
				return -1;
			continue;
		}
		if (rc != CURLE_OK)
			return -1;
		buf += n, len -= n;
	}
	return 0;
}

/*
 * The answer's head, a byte at a time: what follows the blank line is
 * the container's and stays in the socket for the caller's loop.
 */
static int
api_recv_head(CURL *c, int fd, struct strbuf *head)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char ch;
	size_t n;

	while (head->len < 8192 && (head->len < 4 ||
	    memcmp(head->buf + head->len - 4, "\r\n\r\n", 4) != 0)) {
		CURLcode rc = curl_easy_recv(c, &ch, 1, &n);
		if (rc == CURLE_AGAIN) {
			if (poll(&p, 1, API_HIJACK_MS) <= 0)
				return -1;
			continue;
		}
		if (rc != CURLE_OK || n == 0)
			return -1;
		strbuf_add(head, &ch, 1);
	}
	return head->len < 8192 ? 0 : -1;
}

/* "HTTP/1.1 101 UPGRADED": the status, or -1. */
static long
api_head_status(const struct strbuf *head)
{
	long status;

	if (head->len < 12 || strncmp(head->buf, "HTTP/1.", 7) != 0 ||
	    sscanf(head->buf + 8, " %3ld", &status) != 1)
		return -1;
	return status;
}

/*
 * libcurl connects (CURLOPT_CONNECT_ONLY) and sends; the answer's status
 * line and the end of its head are all paks reads of HTTP itself: a
 * hijacked stream is no HTTP libcurl can read for it.
 */
int
docker_api_hijack(struct docker_api *api, const char *path,
    struct docker_stream *st, struct paks_error **err)
{
	_cleanup_free_ char *req = NULL;
	_cleanup_strbuf_ struct strbuf head = STRBUF_INIT;
	curl_socket_t fd = CURL_SOCKET_BAD;
	CURL *c = curl_easy_init();
	long status;

	if (c == NULL)
		return paks_error_set(err, ENOMEM, "cannot start libcurl");
	st->conn = c;
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, api->socket);
	curl_easy_setopt(c, CURLOPT_URL, "http://docker/");
	curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (curl_easy_perform(c) != CURLE_OK ||
	    curl_easy_getinfo(c, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK ||
	    fd == CURL_SOCKET_BAD) {
		docker_stream_close(st);
		return paks_error_set(err, 0, "cannot reach docker at '%s'",
		    api->socket);
	}
	req = xasprintf("POST /v%s%s HTTP/1.1\r\nHost: docker\r\n"
	    "User-Agent: paks\r\nContent-Length: 0\r\nConnection: Upgrade\r\n"
	    "Upgrade: tcp\r\n\r\n", api->version, path);
	if (api_send_all(c, fd, req, strlen(req)) < 0 ||
	    api_recv_head(c, fd, &head) < 0 ||
	    (status = api_head_status(&head)) < 0) {
		docker_stream_close(st);
		return paks_error_set(err, 0, "docker's answer to POST %s "
		    "broke off", path);
	}
	if (status != 101 && status != 200) {
		docker_stream_close(st);
		return paks_error_set(err, 0, "docker refused POST %s (HTTP "
		    "status %ld)", path, status);
	}
	st->fd = fd;
	return 0;
}

void
docker_stream_close(struct docker_stream *st)
{
	if (st->conn != NULL)
		curl_easy_cleanup(st->conn);	/* closes fd */
	st->conn = NULL;
	st->fd = -1;
}
