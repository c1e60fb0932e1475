/*
 * Loading an image archive into the local engine (paks load): the kind of
 * archive is read from the file, not its name. docker 20.10 cannot load an
 * oci-archive, so skopeo copies that one into the daemon under the name
 * the archive carries.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "move-archive.h"
#include "move.h"
#include "engine/engine.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* The image name an oci-archive's index.json carries, or NULL. */
static char *
load_oci_name(int fd, struct paks_error **err)
{
	struct move_archive a = MOVE_ARCHIVE_INIT;
	_cleanup_free_ char *text = NULL;
	json_error_t jerr;
	char *name = NULL;

	if (move_archive_index(fd, &a, err) < 0 ||
	    move_archive_slurp(&a, "index.json", 1u << 20, &text, NULL,
	    err) < 0) {
		move_archive_release(&a);
		return NULL;
	}
	move_archive_release(&a);
	json_t *idx = json_loads(text, 0, &jerr);
	json_t *ann = json_object_get(json_array_get(json_object_get(idx,
	    "manifests"), 0), "annotations");
	const char *ref = json_string_value(json_object_get(ann,
	    "org.opencontainers.image.ref.name"));
	/* a bare tag ("latest") is no name to load under */
	if (ref != NULL && (strchr(ref, '/') != NULL || strchr(ref, ':') !=
	    NULL))
		name = move_repotag(ref);
	json_decref(idx);
	if (name == NULL)
		paks_error_set(err, 0, "the oci-archive names no image");
	return name;
}

/* An oci-archive into docker: skopeo names it as the archive says. */
static int
load_skopeo(const char *path, const char *name, struct paks_error **err)
{
	_cleanup_strv_ struct strv argv = STRV_INIT;
	_cleanup_free_ char *last = NULL;
	_cleanup_run_ struct run r = RUN_INIT(NULL);
	int code;

	move_skopeo_copy(&argv, "dest");
	strv_pushf(&argv, "oci-archive:%s", path);
	strv_pushf(&argv, "docker-daemon:%s", name);
	r.argv = argv.v;
	r.out.how = r.err.how = RUN_CAPTURE;
	if ((code = move_exec(&r, err)) < 0)
		return -1;
	if (code != 0) {
		last = move_last_line(strbuf_str(&r.err_text));
		return paks_error_set(err, 0, "skopeo copy failed: %s",
		    *last ? last : "no message");
	}
	return 0;
}

/*
 * The engine's "load -i PATH" (through its API when it answers): what it
 * says of the load into *said.
 */
static int
load_engine(const struct engine *e, const char *path, char **said,
    struct paks_error **err)
{
	char *args[] = { "load", "-i", (char *)path, NULL };

	return engine_cmd_args(e, NULL, args, NULL, said, -1, err);
}

/* "paks load PATH": PATH may also be written docker-archive:PATH. */
int
move_load(const struct engine *e, const char *arg, int out,
    struct paks_error **err)
{
	const char *path = arg;
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *name = NULL, *said = NULL;
	enum move_archive_kind kind;
	struct move_job job = { .out = out };

	if (strncmp(path, "docker-archive:", 15) == 0)
		path += 15;
	else if (strncmp(path, "oci-archive:", 12) == 0)
		path += 12;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return paks_error_set(err, errno, "cannot open '%s'", path);
	if (move_archive_kind(fd, &kind, err) < 0 || kind == ARCHIVE_UNKNOWN) {
		paks_error_release(err);
		return paks_error_set(err, 0, "'%s' is not an image archive "
		    "(docker-archive or oci-archive)", path);
	}
	if (kind == ARCHIVE_OCI && e->daemon) {
		if ((name = load_oci_name(fd, err)) == NULL ||
		    load_skopeo(path, name, err) < 0)
			return -1;
	} else if (load_engine(e, path, &said, err) < 0)
		return -1;
	if (name == NULL && (name = move_loaded_name(said)) == NULL)
		name = xstrdup("(unnamed)");
	move_say(&job, "loaded %s into %s (%s)\nrun it:\n  paks run -c %s "
	    "%s\n", name, e->name, kind == ARCHIVE_OCI ? "oci-archive" :
	    kind == ARCHIVE_DOCKER ? "docker-archive" : "compressed archive",
	    e->name, name);
	return 0;
}
