/*
 * Unit tests for the Engine API client (src/engine/docker-api.c) against a
 * fake daemon: a child process on a unix socket made here that answers
 * each request from a table and logs what it was asked. Covers version
 * negotiation (a daemon too old, too new; podman's service, whose answer
 * carries two versions), the daemon's messages as one line, JSON bodies,
 * streams and their errors, nothing listening, and which socket is asked.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <setjmp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/docker-api.h"
#include "engine/engine-api.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "tmpdir.h"

/* What the fake daemon answers to a request line starting with `line`. */
struct route {
	const char	*line;		/* "GET /version" */
	int		 status;
	const char	*body;
};
/* A request answered once its head is read, its body left unread and the
 * connection closed (a daemon refusing an upload at once), or NULL. */
static const char *early_line;
/* More of every answer's head (a daemon's Api-Version), or NULL. */
static const char *fake_headers;

struct fake {
	char	dir[64];
	char	sock[128];
	char	log[128];
	pid_t	pid;
};

/*
 * Keep-alive: answers chunked and keeps the connection for a second
 * request, then closes it without saying so (as a daemon's idle timeout
 * does); each connection is logged as "connect".
 */
static bool keepalive;

static const struct route *routes;

/* The route of a request, or NULL. */
static const struct route *
fake_route(const char *req)
{
	for (const struct route *r = routes; r->line; r++)
		if (strncmp(req, r->line, strlen(r->line)) == 0)
			return r;
	return NULL;
}

/* Is the chunked body after the head whole ("0\r\n\r\n" last)? */
static bool
fake_chunked_done(const struct strbuf *req, size_t head)
{
	return req->len >= head + 5 &&
	    memcmp(req->buf + req->len - 5, "0\r\n\r\n", 5) == 0;
}

/* Read one request: its line and body into the log. */
static int
fake_read(int c, struct strbuf *req)
{
	char buf[4096], *end;
	ssize_t n;
	size_t want = 0, head = 0;
	bool chunked = false;

	while ((end = req->len ? strstr(req->buf, "\r\n\r\n") : NULL) ==
	    NULL || (chunked ? !fake_chunked_done(req, head) :
	    req->len < head + want)) {
		if ((n = read(c, buf, sizeof buf)) <= 0)
			return -1;
		strbuf_add(req, buf, (size_t)n);
		if (head == 0 && (end = strstr(req->buf, "\r\n\r\n")) != NULL) {
			char *cl = strcasestr(req->buf, "Content-Length:");
			char *te = strcasestr(req->buf, "Transfer-Encoding: "
			    "chunked");
			want = cl && cl < end ? strtoul(cl + 15, NULL, 10) : 0;
			chunked = te != NULL && te < end;
			head = (size_t)(end - req->buf) + 4;
			if (early_line != NULL && strncmp(req->buf,
			    early_line, strlen(early_line)) == 0)
				return 0;
		}
	}
	return 0;
}

/* A chunked body, decoded in place; its length. */
static size_t
fake_dechunk(char *body)
{
	char *in = body, *out = body;
	unsigned long n;

	while ((n = strtoul(in, &in, 16)) > 0 && strncmp(in, "\r\n", 2) == 0 &&
	    strlen(in + 2) >= n + 2) {
		in += 2;
		memmove(out, in, n);
		out += n;
		in += n + 2;
	}
	*out = '\0';
	return (size_t)(out - body);
}

/* 101, the body at once behind the head, then an echo of the stream. */
static void
fake_upgrade(int c, const char *greeting)
{
	static const char head[] = "HTTP/1.1 101 UPGRADED\r\nContent-Type: "
	    "application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\n"
	    "Upgrade: tcp\r\n\r\n";
	char buf[4096], all[8192];
	ssize_t n;

	snprintf(all, sizeof all, "%s%s", head, greeting);
	if (write(c, all, strlen(all)) < 0)
		_exit(1);
	while ((n = read(c, buf, sizeof buf)) > 0)
		if (write(c, buf, (size_t)n) != n)
			_exit(1);
}

/* The body in two chunks, the connection kept. */
static void
fake_chunked(int c, int status, const char *body)
{
	size_t half = strlen(body) / 2;
	char all[8192];

	snprintf(all, sizeof all, "HTTP/1.1 %d X\r\nContent-Type: "
	    "application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "%zx\r\n%.*s\r\n%zx\r\n%s\r\n0\r\n\r\n", status, half,
	    (int)half, body, strlen(body) - half, body + half);
	if (write(c, all, strlen(all)) < 0)
		_exit(1);
}

static void
fake_answer(int c, FILE *log, struct strbuf *req)
{
	const char *line_end = strstr(req->buf, " HTTP/1.1\r\n");
	const char *body = strstr(req->buf, "\r\n\r\n") + 4;
	static const struct route none = { NULL, 0, NULL };
	const struct route *r;
	char head[256];

	fprintf(log, "%.*s\n", (int)(line_end - req->buf), req->buf);
	if (strcasestr(req->buf, "Content-Type: application/json"))
		fprintf(log, "json %s\n", body);
	if (strcasestr(req->buf, "Content-Type: application/x-tar") &&
	    (early_line == NULL || strncmp(req->buf, early_line,
	    strlen(early_line)) != 0)) {
		size_t n = strcasestr(req->buf, "Transfer-Encoding: chunked") ?
		    fake_dechunk((char *)body) : strlen(body);
		fprintf(log, "tar %zu %.40s\n", n, body);
	}
	fflush(log);
	r = fake_route(req->buf);
	if (r == NULL)
		r = &none;
	if (r->line && r->status == 101) {
		fake_upgrade(c, r->body);
		return;
	}
	if (keepalive) {
		fake_chunked(c, r->line ? r->status : 404, r->line ? r->body :
		    "{}");
		return;
	}
	snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Type: "
	    "application/json\r\nConnection: close\r\n%sContent-Length: %zu"
	    "\r\n\r\n", r->line ? r->status : 404,
	    fake_headers ? fake_headers : "",
	    r->line ? strlen(r->body) : 2);
	if (write(c, head, strlen(head)) < 0)
		_exit(1);
	/* a HEAD's answer is its head; an empty body is not written (the
	 * client may have gone, its answer whole with the head) */
	if (strncmp(req->buf, "HEAD ", 5) != 0 && (!r->line || *r->body) &&
	    write(c, r->line ? r->body : "{}", r->line ? strlen(r->body) : 2) <
	    0)
		_exit(1);
}

static void
fake_serve(int l, const char *logpath)
{
	FILE *log = fopen(logpath, "w");
	int c;

	while ((c = accept(l, NULL, NULL)) >= 0) {
		struct strbuf req = STRBUF_INIT;
		int n = keepalive ? 2 : 1;

		if (keepalive) {
			fprintf(log, "connect\n");
			fflush(log);
		}
		while (n-- > 0 && fake_read(c, &req) == 0) {
			fake_answer(c, log, &req);
			strbuf_reset(&req);
		}
		strbuf_release(&req);
		close(c);
	}
	_exit(0);
}

static struct fake *
fake_start(const struct route *table)
{
	struct fake *f = xcalloc(1, sizeof *f);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int l;

	strcpy(f->dir, "/tmp/paks-api-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->sock, sizeof f->sock, "%s/docker.sock", f->dir);
	snprintf(f->log, sizeof f->log, "%s/log", f->dir);
	strcpy(sa.sun_path, f->sock);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(l >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(l, 8), 0);
	routes = table;
	if ((f->pid = fork()) == 0)
		fake_serve(l, f->log);
	close(l);
	return f;
}

static char *
fake_log(struct fake *f)
{
	FILE *in = fopen(f->log, "r");
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;

	assert_non_null(in);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(in);
	return strbuf_detach(&sb);
}

static void
fake_stop(struct fake *f)
{
	kill(f->pid, SIGKILL);
	waitpid(f->pid, NULL, 0);
	tmpdir_remove(f->dir);
	free(f);
}

#define VERSION_41 "{\"ApiVersion\":\"1.41\",\"MinAPIVersion\":\"1.12\"}"

static const struct route daemon_41[] = {
	{ "GET /version ", 200, VERSION_41 },
	{ "GET /v1.41/containers/box/json ", 200,
	  "{\"Id\":\"abc\",\"Name\":\"/box\"}" },
	{ "GET /v1.41/containers/gone/json ", 404,
	  "{\"message\":\"No such container: gone\"}" },
	{ "GET /v1.41/containers/evil/json ", 500,
	  "{\"message\":\"bad \\u001b[2Jthing\\nsecond line\"}" },
	{ "POST /v1.41/containers/create?name=x ", 201,
	  "{\"Id\":\"c1\",\"Warnings\":[]}" },
	{ "POST /v1.41/images/create?fromImage=ok ", 200,
	  "{\"status\":\"Pulling from x\",\"id\":\"latest\"}\r\n"
	  "{\"status\":\"Downloading\",\"id\":\"l1\","
	  "\"progressDetail\":{\"current\":1,\"total\":2}}\r\n"
	  "{\"status\":\"Status: Downloaded newer image for ok\"}" },
	{ "POST /v1.41/images/create?fromImage=bad ", 200,
	  "{\"status\":\"Pulling from x\",\"id\":\"latest\"}\r\n"
	  "{\"errorDetail\":{\"message\":\"manifest unknown\"},"
	  "\"error\":\"manifest unknown\"}\r\n" },
	{ "POST /v1.41/containers/box/attach?stream=1&stdin=1 ", 101,
	  "root@box:/# " },
	{ NULL, 0, NULL },
};

static void
test_negotiate_and_get(void **state)
{
	struct fake *f = fake_start(daemon_41);
	struct paks_error *err = NULL;
	struct docker_api *api = docker_api_open(f->sock, &err);
	json_t *doc = NULL;
	long status = 0;
	char *log;

	(void)state;
	assert_null(err);
	assert_non_null(api);
	assert_string_equal(docker_api_version(api), "1.41");
	assert_int_equal(docker_api_call(api, "GET", "/containers/box/json",
	    NULL, &doc, &status, &err), 0);
	assert_int_equal(status, 200);
	assert_string_equal(json_string_value(json_object_get(doc, "Id")),
	    "abc");
	json_decref(doc);
	log = fake_log(f);
	/* no Api-Version from /_ping (a daemon before 1.25): /version */
	assert_string_equal(log, "GET /_ping\nGET /version\n"
	    "GET /v1.41/containers/box/json\n");
	free(log);
	docker_api_free(api);
	fake_stop(f);
}

/*
 * A kept connection serves the next call; one the daemon closed
 * meanwhile is opened again, and the call still gets its answer. Chunked
 * bodies arrive whole.
 */
static void
test_keepalive(void **state)
{
	struct fake *f;
	struct paks_error *err = NULL;
	struct docker_api *api;
	json_t *doc = NULL;
	char *log;

	(void)state;
	keepalive = true;
	f = fake_start(daemon_41);
	api = docker_api_open(f->sock, &err);
	assert_null(err);
	assert_non_null(api);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(docker_api_call(api, "GET",
		    "/containers/box/json", NULL, &doc, NULL, &err), 0);
		assert_string_equal(json_string_value(json_object_get(doc,
		    "Name")), "/box");
		json_decref(doc);
	}
	assert_int_equal(docker_api_call(api, "GET", "/containers/gone/json",
	    NULL, &doc, NULL, &err), -1);
	assert_string_equal(err->msg, "No such container: gone");
	paks_error_release(&err);
	log = fake_log(f);
	assert_string_equal(log, "connect\nGET /_ping\nGET /version\n"
	    "connect\nGET /v1.41/containers/box/json\n"
	    "GET /v1.41/containers/box/json\nconnect\n"
	    "GET /v1.41/containers/box/json\n"
	    "GET /v1.41/containers/gone/json\n");
	free(log);
	docker_api_free(api);
	fake_stop(f);
	keepalive = false;
}

/*
 * The version as the client asks it: GET /_ping's Api-Version header
 * (split across two header lines' worth of reads it does not matter),
 * and /version is not asked.
 */
static void
test_ping_version(void **state)
{
	static const struct route pinged[] = {
		{ "GET /_ping ", 200, "OK" },
		{ "GET /v1.43/containers/box/json ", 200, "{\"Id\":\"p\"}" },
		{ NULL, 0, NULL },
	};
	struct fake *f;
	struct paks_error *err = NULL;
	struct docker_api *api;
	json_t *doc = NULL;
	char *log;

	(void)state;
	fake_headers = "Api-Version: 1.43\r\nOstype: linux\r\n";
	f = fake_start(pinged);
	api = docker_api_open(f->sock, &err);
	assert_null(err);
	assert_non_null(api);
	assert_string_equal(docker_api_version(api), "1.43");
	assert_int_equal(docker_api_call(api, "GET", "/containers/box/json",
	    NULL, &doc, NULL, &err), 0);
	json_decref(doc);
	log = fake_log(f);
	assert_string_equal(log, "GET /_ping\n"
	    "GET /v1.43/containers/box/json\n");
	free(log);
	docker_api_free(api);
	fake_stop(f);
	fake_headers = NULL;
}

/* The daemon's {"message"} is the error, on one line, control bytes gone. */
static void
test_daemon_message(void **state)
{
	struct fake *f = fake_start(daemon_41);
	struct paks_error *err = NULL;
	struct docker_api *api = docker_api_open(f->sock, &err);
	json_t *doc = NULL;
	long status = 0;

	(void)state;
	assert_non_null(api);
	assert_int_equal(docker_api_call(api, "GET", "/containers/gone/json",
	    NULL, &doc, &status, &err), -1);
	assert_int_equal(status, 404);
	assert_null(doc);
	assert_string_equal(err->msg, "No such container: gone");
	assert_int_equal(err->code, 0);
	paks_error_release(&err);
	assert_int_equal(docker_api_call(api, "GET", "/containers/evil/json",
	    NULL, NULL, &status, &err), -1);
	assert_int_equal(status, 500);
	assert_string_equal(err->msg, "bad ?[2Jthing");
	paks_error_release(&err);
	docker_api_free(api);
	fake_stop(f);
}

/* A JSON body goes as application/json; the query stays as escaped. */
static void
test_post_json(void **state)
{
	struct fake *f = fake_start(daemon_41);
	struct paks_error *err = NULL;
	struct docker_api *api = docker_api_open(f->sock, &err);
	json_t *body = json_pack("{s:b,s:[s]}", "Tty", 1, "Cmd", "/bin/sh");
	json_t *doc = NULL;
	char *log;

	(void)state;
	assert_non_null(api);
	assert_int_equal(docker_api_call(api, "POST",
	    "/containers/create?name=x", body, &doc, NULL, &err), 0);
	assert_string_equal(json_string_value(json_object_get(doc, "Id")),
	    "c1");
	log = fake_log(f);
	assert_non_null(strstr(log, "POST /v1.41/containers/create?name=x\n"
	    "json {\"Tty\":true,\"Cmd\":[\"/bin/sh\"]}\n"));
	free(log);
	json_decref(body);
	json_decref(doc);
	docker_api_free(api);
	fake_stop(f);
}

static int
collect(void *arg, json_t *obj)
{
	struct strbuf *sb = arg;

	strbuf_addf(sb, "%s|", json_string_value(json_object_get(obj,
	    "status")));
	return 0;
}

/* Each object of a stream, the last one without its newline too; an
 * "error" object ends the call with its message. */
static void
test_stream(void **state)
{
	struct fake *f = fake_start(daemon_41);
	struct paks_error *err = NULL;
	struct docker_api *api = docker_api_open(f->sock, &err);
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_non_null(api);
	assert_int_equal(docker_api_stream(api, "POST",
	    "/images/create?fromImage=ok", collect, &sb, &err), 0);
	assert_string_equal(sb.buf, "Pulling from x|Downloading|"
	    "Status: Downloaded newer image for ok|");
	strbuf_reset(&sb);
	assert_int_equal(docker_api_stream(api, "POST",
	    "/images/create?fromImage=bad", collect, &sb, &err), -1);
	assert_string_equal(sb.buf, "Pulling from x|");
	assert_string_equal(err->msg, "manifest unknown");
	paks_error_release(&err);
	strbuf_release(&sb);
	docker_api_free(api);
	fake_stop(f);
}

/* The attach stream: the bytes behind the 101 reach the caller, and the
 * socket carries both ways; a refusal is one line. */
static void
test_hijack(void **state)
{
	struct fake *f = fake_start(daemon_41);
	struct paks_error *err = NULL;
	struct docker_api *api = docker_api_open(f->sock, &err);
	struct docker_stream st = DOCKER_STREAM_INIT;
	char buf[64] = "";
	size_t got = 0;
	ssize_t n;
	char *log;

	(void)state;
	assert_non_null(api);
	assert_int_equal(docker_api_hijack(api,
	    "/containers/box/attach?stream=1&stdin=1", NULL, &st, &err), 0);
	assert_true(st.fd >= 0);
	assert_int_equal(write(st.fd, "ls\r", 3), 3);
	while (got < 15) {
		struct pollfd p = { .fd = st.fd, .events = POLLIN };
		assert_int_equal(poll(&p, 1, 5000), 1);
		n = read(st.fd, buf + got, sizeof buf - 1 - got);
		assert_true(n > 0);
		got += (size_t)n;
	}
	assert_string_equal(buf, "root@box:/# ls\r");
	docker_stream_close(&st);
	assert_int_equal(st.fd, -1);
	log = fake_log(f);
	assert_non_null(strstr(log, "POST /v1.41/containers/box/attach?"
	    "stream=1&stdin=1\n"));
	free(log);
	assert_int_equal(docker_api_hijack(api, "/containers/gone/attach",
	    NULL, &st, &err), -1);
	assert_string_equal(err->msg, "docker refused POST "
	    "/containers/gone/attach (HTTP status 404)");
	paks_error_release(&err);
	docker_api_free(api);
	fake_stop(f);
}

/* A memfd holding n bytes of 'a' .. 'z' over and over. */
static int
body_file(size_t n)
{
	int fd = memfd_create("test-docker-api", 0);
	char *buf = xmalloc(n);

	assert_true(fd >= 0);
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)('a' + i % 26);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	free(buf);
	return fd;
}

/*
 * A body from an fd: with its length, then chunked (of a size past one
 * piece); the daemon gets the bytes whole either way.
 */
static void
test_put_fd(void **state)
{
	static const struct route put[] = {
		{ "GET /version ", 200, VERSION_41 },
		{ "PUT /v1.41/containers/box/archive?path=/x ", 200, "" },
		{ NULL, 0, NULL },
	};
	struct fake *f = fake_start(put);
	struct paks_error *err = NULL;
	struct docker_api *api = docker_api_open(f->sock, &err);
	long status = 0;
	json_t *reply = NULL;
	int fd;
	char *log;

	(void)state;
	assert_non_null(api);
	fd = body_file(9);
	assert_int_equal(docker_api_put_fd(api, "PUT",
	    "/containers/box/archive?path=/x", "application/x-tar", fd, 9,
	    &reply, &status, &err), 0);
	assert_null(err);
	assert_int_equal(status, 200);
	assert_null(reply);
	close(fd);
	fd = body_file(150000);
	assert_int_equal(docker_api_put_fd(api, "PUT",
	    "/containers/box/archive?path=/x", "application/x-tar", fd, -1,
	    NULL, NULL, &err), 0);
	close(fd);
	/* a body shorter than said is not sent as if whole */
	fd = body_file(5);
	assert_int_equal(docker_api_put_fd(api, "PUT",
	    "/containers/box/archive?path=/x", "application/x-tar", fd, 9,
	    NULL, NULL, &err), -1);
	assert_non_null(strstr(err->msg, "shorter than its 9 bytes"));
	paks_error_release(&err);
	close(fd);
	log = fake_log(f);
	assert_string_equal(log, "GET /_ping\nGET /version\n"
	    "PUT /v1.41/containers/box/archive?path=/x\n"
	    "tar 9 abcdefghi\n"
	    "PUT /v1.41/containers/box/archive?path=/x\n"
	    "tar 150000 abcdefghijklmnopqrstuvwxyzabcdefghijklmn\n");
	free(log);
	docker_api_free(api);
	fake_stop(f);
}

/*
 * A daemon that refuses at once, leaving the body unread and closing:
 * its message, not the send's EPIPE, with a body far larger than the
 * socket holds.
 */
static void
test_put_fd_early(void **state)
{
	static const struct route gone[] = {
		{ "GET /version ", 200, VERSION_41 },
		{ "PUT /v1.41/containers/gone/archive", 404,
		  "{\"message\":\"No such container: gone\"}" },
		{ NULL, 0, NULL },
	};
	struct fake *f;
	struct paks_error *err = NULL;
	struct docker_api *api;
	long status = 0;
	int fd = body_file(8 << 20);

	(void)state;
	early_line = "PUT /v1.41/containers/gone/archive";
	f = fake_start(gone);
	api = docker_api_open(f->sock, &err);
	assert_non_null(api);
	for (off_t size = -1; size <= 0; size += 1) {
		off_t len = size < 0 ? -1 : 8 << 20;
		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
		assert_int_equal(docker_api_put_fd(api, "PUT",
		    "/containers/gone/archive?path=/", "application/x-tar", fd,
		    len, NULL, &status, &err), -1);
		assert_int_equal(status, 404);
		assert_string_equal(err->msg, "No such container: gone");
		paks_error_release(&err);
	}
	close(fd);
	docker_api_free(api);
	fake_stop(f);
	early_line = NULL;
}

/* Versions: the daemon's newest, capped at paks's; too old or a minimum
 * above paks's newest is one line with a hint. */
static void
test_versions(void **state)
{
	static const struct route newer[] = {
		{ "GET /version ", 200, "{\"ApiVersion\":\"1.52\","
		  "\"MinAPIVersion\":\"1.24\"}" }, { NULL, 0, NULL } };
	static const struct route old[] = {
		{ "GET /version ", 200, "{\"ApiVersion\":\"1.30\","
		  "\"MinAPIVersion\":\"1.12\"}" }, { NULL, 0, NULL } };
	static const struct route strict[] = {
		{ "GET /version ", 200, "{\"ApiVersion\":\"1.60\","
		  "\"MinAPIVersion\":\"1.50\"}" }, { NULL, 0, NULL } };
	struct paks_error *err = NULL;
	struct docker_api *api;
	struct fake *f;

	(void)state;
	f = fake_start(newer);
	assert_non_null(api = docker_api_open(f->sock, &err));
	assert_string_equal(docker_api_version(api), DOCKER_API_MAX);
	docker_api_free(api);
	fake_stop(f);

	f = fake_start(old);
	assert_null(docker_api_open(f->sock, &err));
	assert_int_equal(err->code, ENOTSUP);
	assert_string_equal(err->msg, "docker's daemon speaks Engine API "
	    "1.30; paks needs " DOCKER_API_MIN " or later");
	assert_non_null(strstr(err->hint, "PAKS_DOCKER_API=0"));
	paks_error_release(&err);
	fake_stop(f);

	f = fake_start(strict);
	assert_null(docker_api_open(f->sock, &err));
	assert_int_equal(err->code, ENOTSUP);
	assert_string_equal(err->msg, "docker's daemon needs Engine API "
	    "1.50 or later; paks speaks up to " DOCKER_API_MAX);
	paks_error_release(&err);
	fake_stop(f);
}

/*
 * podman 4.3's GET /version (compat): its own version in Components (and
 * 4.0.0 as its oldest), the compat one at the top: paks speaks the top
 * one, on docker's paths and on podman's own /libpod/ ones.
 */
#define PODMAN_VERSION "{\"Platform\":{\"Name\":\"linux/amd64/debian-12\"}," \
	"\"Components\":[{\"Name\":\"Podman Engine\",\"Version\":\"4.3.1\"," \
	"\"Details\":{\"APIVersion\":\"4.3.1\",\"MinAPIVersion\":\"4.0.0\"," \
	"\"Os\":\"linux\"}}],\"Version\":\"4.3.1\",\"ApiVersion\":\"%s\"," \
	"\"MinAPIVersion\":\"1.24\",\"Os\":\"linux\"}"

static void
test_podman_version(void **state)
{
	char *v41 = xasprintf(PODMAN_VERSION, "1.41");
	char *v30 = xasprintf(PODMAN_VERSION, "1.30");
	const struct route podman[] = {
		{ "GET /version ", 200, v41 },
		{ "GET /v1.41/libpod/containers/box/json ", 200,
		  "{\"Id\":\"abc\",\"ImageName\":\"localhost/x:y\"}" },
		{ NULL, 0, NULL } };
	const struct route old[] = {
		{ "GET /version ", 200, v30 }, { NULL, 0, NULL } };
	struct paks_error *err = NULL;
	struct docker_api *api;
	json_t *doc = NULL;
	struct fake *f;
	char *log;

	(void)state;
	f = fake_start(podman);
	assert_non_null(api = docker_api_open_as("podman", f->sock, &err));
	assert_string_equal(docker_api_version(api), "1.41");
	assert_string_equal(docker_api_engine(api), "podman");
	assert_int_equal(docker_api_call(api, "GET",
	    "/libpod/containers/box/json", NULL, &doc, NULL, &err), 0);
	assert_string_equal(json_string_value(json_object_get(doc,
	    "ImageName")), "localhost/x:y");
	json_decref(doc);
	log = fake_log(f);
	assert_string_equal(log, "GET /_ping\nGET /version\n"
	    "GET /v1.41/libpod/containers/box/json\n");
	free(log);
	docker_api_free(api);
	fake_stop(f);

	f = fake_start(old);
	assert_null(docker_api_open_as("podman", f->sock, &err));
	assert_int_equal(err->code, ENOTSUP);
	assert_string_equal(err->msg, "podman's service speaks Engine API "
	    "1.30; paks needs " DOCKER_API_MIN " or later");
	assert_non_null(strstr(err->hint, "PAKS_PODMAN_API=0"));
	paks_error_release(&err);
	fake_stop(f);
	free(v41);
	free(v30);
}

/* podman's socket: CONTAINER_HOST, else rootful or rootless; =0: none. */
static void
test_podman_socket(void **state)
{
	const struct engine *podman = engine_find("podman");
	char *s;

	(void)state;
	unsetenv("PAKS_PODMAN_API");
	setenv("CONTAINER_HOST", "unix:///tmp/p.sock", 1);
	assert_string_equal(s = engine_api_socket(podman), "/tmp/p.sock");
	free(s);
	setenv("CONTAINER_HOST", "ssh://u@h/run/podman/podman.sock", 1);
	assert_null(engine_api_socket(podman));
	unsetenv("CONTAINER_HOST");
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	assert_string_equal(s = engine_api_socket(podman), geteuid() == 0 ?
	    "/run/podman/podman.sock" : "/run/user/1000/podman/podman.sock");
	free(s);
	setenv("PAKS_PODMAN_API", "0", 1);
	assert_null(engine_api_socket(podman));
	unsetenv("PAKS_PODMAN_API");
	assert_null(engine_api_socket(engine_find("charliecloud")));
	/* another store or configuration for the client: the service has
	 * its own, so the client */
	setenv("CONTAINERS_STORAGE_CONF", "/tmp/other/storage.conf", 1);
	assert_null(engine_api_socket(podman));
	unsetenv("CONTAINERS_STORAGE_CONF");
	setenv("CONTAINERS_CONF", "/tmp/other/containers.conf", 1);
	assert_null(engine_api_socket(podman));
	unsetenv("CONTAINERS_CONF");
}

/* A docker context other than the default: another daemon, the client. */
static void
test_docker_context(void **state)
{
	const struct engine *docker = engine_find("docker");
	char dir[] = "/tmp/paks-ctx-XXXXXX", path[64], *s;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	unsetenv("DOCKER_HOST");
	unsetenv("PAKS_DOCKER_API");
	setenv("DOCKER_CONFIG", dir, 1);
	assert_string_equal(s = engine_api_socket(docker),
	    "/var/run/docker.sock");
	free(s);
	setenv("DOCKER_CONTEXT", "remote", 1);
	assert_null(engine_api_socket(docker));
	setenv("DOCKER_CONTEXT", "default", 1);
	assert_non_null(s = engine_api_socket(docker));
	free(s);
	unsetenv("DOCKER_CONTEXT");
	snprintf(path, sizeof path, "%s/config.json", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("{\"currentContext\": \"cluster\"}", f);
	fclose(f);
	assert_null(engine_api_socket(docker));
	/* DOCKER_HOST comes first, as for the client */
	setenv("DOCKER_HOST", "unix:///tmp/d.sock", 1);
	assert_string_equal(s = engine_api_socket(docker), "/tmp/d.sock");
	free(s);
	unsetenv("DOCKER_HOST");
	unsetenv("DOCKER_CONFIG");
	unlink(path);
	rmdir(dir);
}

/* Nothing there: the socket's errno, for the caller to use the client. */
static void
test_nothing_listening(void **state)
{
	struct paks_error *err = NULL;

	(void)state;
	assert_null(docker_api_open("/nonexistent/paks/docker.sock", &err));
	assert_int_equal(err->code, ENOENT);
	assert_string_equal(err->msg, "cannot reach docker at "
	    "'/nonexistent/paks/docker.sock'");
	paks_error_release(&err);
}

static void
test_socket_path_and_escape(void **state)
{
	char *s;

	(void)state;
	unsetenv("DOCKER_HOST");
	assert_string_equal(s = docker_api_socket_path(),
	    "/var/run/docker.sock");
	free(s);
	setenv("DOCKER_HOST", "unix:///run/user/1/docker.sock", 1);
	assert_string_equal(s = docker_api_socket_path(),
	    "/run/user/1/docker.sock");
	free(s);
	setenv("DOCKER_HOST", "tcp://10.0.0.1:2375", 1);
	assert_null(docker_api_socket_path());
	unsetenv("DOCKER_HOST");
	assert_string_equal(s = docker_api_escape("reg:5000/a/b:t@x y+z?&#%"),
	    "reg:5000/a/b:t@x%20y%2Bz%3F%26%23%25");
	free(s);
}

/* The client's words through the API (engine-api-words.c): their output
 * as the client prints it; words it does not know are left to it. */
static const struct route words_daemon[] = {
	{ "GET /version ", 200, VERSION_41 },
	{ "GET /v1.41/containers/box/changes ", 200,
	  "[{\"Path\":\"/a b\",\"Kind\":1},{\"Path\":\"/etc\",\"Kind\":0},"
	  "{\"Path\":\"/gone\",\"Kind\":2},{\"Path\":\"/odd\",\"Kind\":7}]" },
	{ "GET /v1.41/images/img/json ", 200,
	  "{\"Id\":\"sha256:abc\",\"RootFS\":{\"Layers\":[\"a\",\"b\",\"c\"]},"
	  "\"RepoTags\":[\"x:1\"],\"Config\":{\"Entrypoint\":null}}" },
	{ "GET /v1.41/images/json?filters=", 200,
	  "[{\"RepoTags\":[\"paks/a:1\",\"other/paks/a:2\"]},"
	  "{\"RepoTags\":[\"localhost/paks/a:snap-3\"]}]" },
	{ "HEAD /v1.41/containers/box/archive?path=/lnk ", 200, "" },
	{ "GET /v1.41/containers/box/archive?path=/etc/passwd ", 200,
	  "TARDATA" },
	{ "GET /v1.41/containers/box/export ", 200, "EXPORTED" },
	{ "GET /v1.41/containers/json?all=1&filters=", 200,
	  "[{\"Id\":\"old\",\"Created\":1},{\"Id\":\"new\",\"Created\":9}]" },
	{ "POST /v1.41/containers/box/stop?t=0 ", 204, "" },
	{ "POST /v1.41/images/load?quiet=1 ", 200,
	  "{\"stream\":\"Loaded image: x:1\\n\"}\r\n" },
	{ "POST /v1.41/images/create?fromSrc=-&changes=ENV%20A%3Db%20c&"
	  "changes=CMD%20%5B%5D ", 200, "{\"status\":\"sha256:new\"}\r\n" },
	{ NULL, 0, NULL },
};

static char *
words_text(struct docker_api *api, char *const *args, int want)
{
	struct paks_error *err = NULL;
	char *out = NULL;
	int code = -1;

	assert_int_equal(engine_api_words(api, args, -1, -1, &out, &code,
	    &err), want);
	assert_null(err);
	return out;
}

static void
test_words(void **state)
{
	struct fake *f;
	struct paks_error *err = NULL;
	struct docker_api *api;
	char *diff[] = { "diff", "box", NULL };
	char *layers[] = { "image", "inspect", "--format",
		"{{len .RootFS.Layers}}", "img", NULL };
	char *id[] = { "image", "inspect", "-f", "{{.Id}}", "img", NULL };
	char *ep[] = { "image", "inspect", "--format",
		"{{json .Config.Entrypoint}}", "img", NULL };
	char *other[] = { "image", "inspect", "--format", "{{.Os}}", "img",
		NULL };
	char *tags[] = { "images", "--format", "{{.Tag}}", "paks/a", NULL };
	char *ps[] = { "ps", "-a", NULL };
	char *ids[] = { "ps", "-a", "-q", "--no-trunc", "--filter",
		"label=org.paks.run", NULL };
	char *stop[] = { "stop", "-t", "0", "box", NULL };
	char *crm[] = { "container", "rm", "-f", "box", NULL };
	char *cp[] = { "cp", "-L", "box:/lnk", "-", NULL };
	char path[160], buf[64] = "", *out, *log;
	char *load[] = { "load", "-i", path, NULL };
	char *import[] = { "import", "--change=ENV A=b c", "--change=CMD []",
		path, NULL };
	int fd, code;

	(void)state;
	/* /lnk is a link: HEAD says so, in its stat header */
	fake_headers = "X-Docker-Container-Path-Stat: eyJuYW1lIjoibG5rIiwi"
	    "bW9kZSI6MTM0MjE4MjM5LCJsaW5rVGFyZ2V0IjoiL2V0Yy9wYXNzd2QifQ==\r\n";
	f = fake_start(words_daemon);
	api = docker_api_open(f->sock, &err);
	assert_non_null(api);
	assert_string_equal(out = words_text(api, diff, 0),
	    "A /a b\nC /etc\nD /gone\n");
	free(out);
	assert_string_equal(out = words_text(api, layers, 0), "3\n");
	free(out);
	assert_string_equal(out = words_text(api, id, 0), "sha256:abc\n");
	free(out);
	assert_string_equal(out = words_text(api, ep, 0), "null\n");
	free(out);
	assert_string_equal(out = words_text(api, tags, 0), "1\nsnap-3\n");
	free(out);
	/* a template not in the table, words it does not know: the client */
	assert_null(words_text(api, other, 1));
	assert_null(words_text(api, ps, 1));
	assert_null(words_text(api, crm, 1));
	/* newest first, as the clients list */
	assert_string_equal(out = words_text(api, ids, 0), "new\nold\n");
	free(out);
	assert_string_equal(out = words_text(api, stop, 0), "");
	free(out);
	/* cp -L: the link followed in the container, the tar to the fd */
	snprintf(path, sizeof path, "%s/out.tar", f->dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(engine_api_words(api, cp, fd, -1, NULL, &code, &err),
	    0);
	assert_int_equal(pread(fd, buf, sizeof buf - 1, 0), 7);
	assert_string_equal(buf, "TARDATA");
	close(fd);
	/* the file sent as the body: load, import with its changes */
	assert_string_equal(out = words_text(api, load, 0),
	    "Loaded image: x:1\n");
	free(out);
	assert_string_equal(out = words_text(api, import, 0), "sha256:new\n");
	free(out);
	log = fake_log(f);
	assert_non_null(strstr(log, "HEAD /v1.41/containers/box/archive?"
	    "path=/lnk\nGET /v1.41/containers/box/archive?path=/etc/passwd\n"));
	assert_non_null(strstr(log, "POST /v1.41/images/load?quiet=1\n"));
	assert_non_null(strstr(log, "GET /v1.41/images/json?filters="
	    "%7B%22reference%22:%5B%22paks/a%22%5D%7D\n"));
	free(log);
	docker_api_free(api);
	fake_stop(f);
	fake_headers = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negotiate_and_get),
		cmocka_unit_test(test_daemon_message),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_ping_version),
		cmocka_unit_test(test_post_json),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_hijack),
		cmocka_unit_test(test_put_fd),
		cmocka_unit_test(test_put_fd_early),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_podman_version),
		cmocka_unit_test(test_podman_socket),
		cmocka_unit_test(test_docker_context),
		cmocka_unit_test(test_nothing_listening),
		cmocka_unit_test(test_socket_path_and_escape),
		cmocka_unit_test(test_words),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
