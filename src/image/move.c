/*
 * Moving an image out of the local engine: the options paks move and
 * #move share, the destinations, and the dispatch to the transport of
 * each (move-file.c, move-registry.c, move-ssh.c, move-charliecloud.c),
 * which share move-common.c.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "imageref.h"
#include "move-charliecloud.h"
#include "move-file.h"
#include "move-registry.h"
#include "move-ssh.h"
#include "move.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define DEST_FORMS "docker-archive:PATH, oci-archive:PATH, " \
	"docker://REGISTRY/REPO[:TAG], ssh://[USER@]HOST[:PORT][/ENGINE] or " \
	"charliecloud:DIR"

static int
dest_bad(struct paks_error **err, const char *dest, const char *why)
{
	return paks_error_set(err, 0, "destination '%s': %s", dest, why);
}

/* user names and hosts for ssh: no option look-alikes, no shell bytes */
static bool
dest_word_ok(const char *s, size_t n, const char *extra)
{
	if (n == 0 || s[0] == '-' || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && strchr(extra, c) == NULL)
			return false;
	}
	return true;
}

/* ssh://[USER@]HOST[:PORT][/ENGINE] */
static int
dest_parse_ssh(const char *dest, const char *rest, struct move_dest *d,
    struct paks_error **err)
{
	const char *at = strchr(rest, '@'), *hp = at ? at + 1 : rest;
	const char *slash = strchr(hp, '/');
	size_t hlen = slash ? (size_t)(slash - hp) : strlen(hp);
	_cleanup_free_ char *hostport = xstrndup(hp, hlen);
	char *port = NULL;

	if (at != NULL) {
		if (!dest_word_ok(rest, (size_t)(at - rest), "._-"))
			return dest_bad(err, dest, "bad user name");
		d->user = xstrndup(rest, (size_t)(at - rest));
	}
	if (hostport[0] == '[') {	/* [v6:addr]:port */
		char *close = strchr(hostport, ']');
		if (close == NULL || close == hostport + 1 ||
		    !dest_word_ok(hostport + 1, (size_t)(close - hostport - 1),
		    ":."))
			return dest_bad(err, dest, "bad host");
		d->host = xstrndup(hostport + 1, (size_t)(close - hostport - 1));
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0')
			return dest_bad(err, dest, "bad host");
	} else {
		char *colon = strchr(hostport, ':');
		if (colon != NULL) {
			*colon = '\0';
			port = colon + 1;
		}
		if (*hostport == '\0')
			return dest_bad(err, dest, "no host");
		if (!dest_word_ok(hostport, strlen(hostport), ".-_"))
			return dest_bad(err, dest, "bad host");
		d->host = xstrdup(hostport);
	}
	if (port != NULL) {
		char *end;
		long p = strtol(port, &end, 10);
		if (*port == '\0' || *end != '\0' || p < 1 || p > 65535 ||
		    !isdigit((unsigned char)*port))
			return dest_bad(err, dest, "the port must be a number "
			    "from 1 to 65535");
		d->port = xasprintf("%ld", p);
	}
	if (slash != NULL) {
		const char *e = slash + 1;
		if (strcmp(e, "docker") != 0 && strcmp(e, "podman") != 0)
			return paks_error_set(err, 0, "destination '%s': unknown "
			    "engine '%s' (use docker or podman)", dest, e);
		d->engine = xstrdup(e);
	}
	return 0;
}

/*
 * Parse DEST in the transport syntax of podman and skopeo. Every error is
 * one line naming what is wrong.
 */
int
move_dest_parse(const char *dest, struct move_dest *d,
    struct paks_error **err)
{
	static const struct {
		const char	*prefix;
		enum move_kind	 kind;
	} kinds[] = {
		{ "docker-archive:", MOVE_DOCKER_ARCHIVE },
		{ "oci-archive:", MOVE_OCI_ARCHIVE },
		{ "docker://", MOVE_REGISTRY },
		{ "ssh://", MOVE_SSH },
		{ "charliecloud:", MOVE_CHARLIECLOUD },
	};
	const char *rest = NULL;
	int rc = 0;

	memset(d, 0, sizeof *d);
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		size_t n = strlen(kinds[i].prefix);
		if (strncmp(dest, kinds[i].prefix, n) == 0) {
			d->kind = kinds[i].kind;
			rest = dest + n;
			break;
		}
	}
	if (rest == NULL)
		return paks_error_set(err, 0, "unknown destination '%s': use "
		    DEST_FORMS, dest);
	if (*rest == '\0')
		return dest_bad(err, dest, d->kind == MOVE_SSH ? "no host" :
		    d->kind == MOVE_REGISTRY ? "no repository" : "no path");
	switch (d->kind) {
	case MOVE_DOCKER_ARCHIVE:
	case MOVE_OCI_ARCHIVE:
	case MOVE_CHARLIECLOUD:
		if (strchr(rest, '\n') != NULL)
			return dest_bad(err, dest, "a newline in the path");
		d->path = xstrdup(rest);
		if (d->kind == MOVE_OCI_ARCHIVE && strchr(rest, ':') != NULL)
			rc = dest_bad(err, dest, "a ':' in the path (it would "
			    "read as PATH:NAME)");
		if (d->kind == MOVE_CHARLIECLOUD) {
			size_t n = strlen(rest);
			d->squash = n > 5 && strcmp(rest + n - 5, ".sqfs") == 0;
		}
		break;
	case MOVE_REGISTRY: {
		struct imageref ref;
		struct paks_error *e = NULL;
		if (imageref_parse(rest, &ref, &e) < 0) {
			paks_error_free(e);
			return dest_bad(err, dest, "not a valid image reference "
			    "(expected REGISTRY/REPO[:TAG])");
		}
		if (ref.digest != NULL) {
			imageref_release(&ref);
			return dest_bad(err, dest, "a digest cannot be pushed "
			    "to; use a tag");
		}
		d->ref = xstrdup(rest);
		d->registry = xstrdup(ref.registry ? ref.registry :
		    "docker.io");
		imageref_release(&ref);
		break;
	}
	case MOVE_SSH:
		rc = dest_parse_ssh(dest, rest, d, err);
		break;
	}
	if (rc < 0)
		move_dest_release(d);
	return rc;
}

void
move_dest_release(struct move_dest *d)
{
	free(d->path);
	free(d->ref);
	free(d->registry);
	free(d->user);
	free(d->host);
	free(d->port);
	free(d->engine);
	memset(d, 0, sizeof *d);
}

/* Ask the engine for the image's id, working directory and layers. */
static int
move_inspect(const struct engine *e, const char *image,
    struct move_image_info *info, struct paks_error **err)
{
	char *args[] = { "image", "inspect", (char *)image, NULL };
	_cleanup_free_ char *out = NULL;
	json_error_t jerr;
	json_t *root, *img;

	if (engine_simple(e, args, &out, err) < 0) {
		paks_error_release(err);
		paks_error_set(err, 0, "image '%s' is not in %s", image, e->name);
		return paks_error_hint(err, "'%s images' lists what is there",
		    e->name);
	}
	root = json_loads(out, 0, &jerr);
	img = json_array_get(root, 0);
	const char *id = json_string_value(json_object_get(img, "Id"));
	json_t *cfg = json_object_get(img, "Config");
	const char *wd = json_string_value(json_object_get(cfg, "WorkingDir"));
	json_t *layers = json_object_get(json_object_get(img, "RootFS"),
	    "Layers");
	if (id == NULL || !json_is_array(layers)) {
		json_decref(root);
		return paks_error_set(err, 0, "unexpected output from %s image "
		    "inspect", e->name);
	}
	info->id = xstrdup(id);
	info->workdir = xstrdup(wd ? wd : "");
	for (size_t i = 0; i < json_array_size(layers); i++) {
		const char *l = json_string_value(json_array_get(layers, i));
		if (l != NULL)
			strv_push(&info->layers, l);
	}
	json_decref(root);
	return 0;
}

/* A relative path is taken from where paks runs. */
static char *
move_absolute(const char *path)
{
	_cleanup_free_ char *cwd = NULL;

	if (path[0] == '/' || (cwd = getcwd(NULL, 0)) == NULL)
		return xstrdup(path);
	return xasprintf("%s/%s", cwd, path);
}

/* Move job->image to job->dest; prints what it sent and how to run it. */
int
move_image(struct move_job *job, struct paks_error **err)
{
	struct move_image_info info = { 0 };
	struct move_dest dest = *job->dest;
	const struct move_dest *orig = job->dest;
	_cleanup_free_ char *abs = NULL;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int rc = -1;

	if (move_inspect(job->engine, job->image, &info, err) < 0)
		return -1;
	if (dest.path != NULL)
		dest.path = abs = move_absolute(dest.path);
	job->dest = &dest;
	/* a reader that quits early is an error to report, not a signal */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old);
	switch (dest.kind) {
	case MOVE_DOCKER_ARCHIVE:
	case MOVE_OCI_ARCHIVE:
		rc = move_file(job, &info, err);
		break;
	case MOVE_REGISTRY:
		rc = move_registry(job, &info, err);
		break;
	case MOVE_SSH:
		rc = move_ssh(job, &info, err);
		break;
	case MOVE_CHARLIECLOUD:
		rc = move_charliecloud(job, &info, err);
		break;
	}
	sigaction(SIGPIPE, &old, NULL);
	job->dest = orig;
	move_image_info_release(&info);
	return rc;
}
