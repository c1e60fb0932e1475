/*
 * docker pull through the Engine API (POST /images/create), its progress
 * drawn from the daemon's JSON stream: on a terminal one line per layer,
 * redrawn in place; elsewhere a line when a layer is done.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "engine-api.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

/* More layers than this share the last line. */
#define PULL_MAX_ROWS 64

struct pull_row {
	char	*id;	/* the layer, or NULL for a line of its own */
	char	*text;
};

struct pull_view {
	int		 fd;
	bool		 tty;
	size_t		 width;
	struct pull_row	 rows[PULL_MAX_ROWS];
	size_t		 n;
	size_t		 drawn;	/* rows on the screen, above the cursor */
};

static void
pull_draw(struct pull_view *v)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	if (v->drawn > 0)
		strbuf_addf(&sb, "\033[%zuA", v->drawn);
	for (size_t i = 0; i < v->n; i++)
		strbuf_addf(&sb, "\r\033[K%s\n", v->rows[i].text);
	v->drawn = v->n;
	write_all(v->fd, sb.buf, sb.len);
}

/* The row for id (a new one for NULL or a new id). */
static struct pull_row *
pull_row(struct pull_view *v, const char *id)
{
	for (size_t i = 0; id != NULL && i < v->n; i++)
		if (v->rows[i].id && strcmp(v->rows[i].id, id) == 0)
			return &v->rows[i];
	if (v->n == PULL_MAX_ROWS) {
		free(v->rows[v->n - 1].id);
		v->rows[v->n - 1].id = NULL;
		return &v->rows[v->n - 1];
	}
	v->rows[v->n].id = id ? xstrdup(id) : NULL;
	return &v->rows[v->n++];
}

static bool
pull_layer_done(const char *status)
{
	return strcmp(status, "Pull complete") == 0 ||
	    strcmp(status, "Already exists") == 0;
}

static int
pull_event(void *arg, json_t *obj)
{
	struct pull_view *v = arg;
	const char *id = json_string_value(json_object_get(obj, "id"));
	const char *status = json_string_value(json_object_get(obj, "status"));
	const char *prog = json_string_value(json_object_get(obj, "progress"));
	struct pull_row *row;
	char *text;

	if (status == NULL)
		return 0;
	text = id ? xasprintf("%s: %s%s%s", id, status, prog ? " " : "",
	    prog ? prog : "") : xstrdup(status);
	text_plain(text);
	if (strlen(text) >= v->width)
		text[v->width - 1] = '\0';
	if (!v->tty) {
		/* without a terminal: what is done, not how far it got */
		if (id == NULL || pull_layer_done(status)) {
			write_all(v->fd, text, strlen(text));
			write_all(v->fd, "\n", 1);
		}
		free(text);
		return 0;
	}
	row = pull_row(v, id);
	free(row->text);
	row->text = text;
	pull_draw(v);
	return 0;
}

/*
 * fromImage and tag: a name alone would pull every tag it has, so it
 * gets "latest", as docker pull does.
 */
static char *
pull_path(const char *image)
{
	_cleanup_free_ char *esc = docker_api_escape(image);
	const char *slash = strrchr(image, '/');
	bool tagged = strchr(image, '@') != NULL ||
	    strchr(slash ? slash : image, ':') != NULL;

	return xasprintf("/images/create?fromImage=%s%s", esc,
	    tagged ? "" : "&tag=latest");
}

/* podman's pull says what its client says, a line at a time. */
static int
pull_podman_event(void *arg, json_t *obj)
{
	struct pull_view *v = arg;
	const char *text = json_string_value(json_object_get(obj, "stream"));
	_cleanup_free_ char *line = NULL;

	if (text == NULL)
		return 0;
	line = xstrdup(text);
	line[strcspn(line, "\r\n")] = '\0';
	text_plain(line);
	if (*line != '\0') {
		write_all(v->fd, line, strlen(line));
		write_all(v->fd, "\n", 1);
	}
	return 0;
}

/*
 * podman's own pull (/libpod/images/pull): short names resolve as its
 * client resolves them (registries.conf), where its docker endpoint
 * would take docker.io; loopback: a registry on this machine, without TLS.
 */
static int
pull_podman(struct docker_api *api, const char *image, bool loopback,
    struct pull_view *v, struct paks_error **err)
{
	_cleanup_free_ char *esc = docker_api_escape(image), *path = NULL;

	path = xasprintf("/libpod/images/pull?reference=%s%s", esc,
	    loopback ? "&tlsVerify=false" : "");
	return docker_api_stream(api, "POST", path, pull_podman_event, v, err);
}

/*
 * Pull IMAGE, the progress on fd. A registry that asks for credentials
 * fails with EACCES: the client has them (its config.json), paks not.
 */
int
engine_api_pull(struct docker_api *api, const char *image, bool loopback,
    int fd, struct paks_error **err)
{
	_cleanup_free_ char *path = pull_path(image);
	struct pull_view v = { .fd = fd, .tty = isatty(fd), .width = 200 };
	struct winsize ws;
	int rc;

	if (v.tty && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		v.width = ws.ws_col;
	if (strcmp(docker_api_engine(api), "podman") == 0)
		rc = pull_podman(api, image, loopback, &v, err);
	else
		rc = docker_api_stream(api, "POST", path, pull_event, &v, err);
	for (size_t i = 0; i < v.n; i++) {
		free(v.rows[i].id);
		free(v.rows[i].text);
	}
	if (rc < 0 && (strcasestr((*err)->msg, "unauthorized") ||
	    strcasestr((*err)->msg, "authentication required") ||
	    strcasestr((*err)->msg, "no basic auth") ||
	    strcasestr((*err)->msg, "denied")))
		(*err)->code = EACCES;
	return rc;
}
