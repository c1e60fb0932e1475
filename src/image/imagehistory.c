/*
 * The session record in an image. A save copies the container's record
 * (~/.paks/records/CONTAINER.jsonl, its secrets masked once more with
 * the values the save looks for) into the container as
 * /.paks/history/CONTAINER.jsonl before the commit; the files of earlier
 * saves are there already, in the image the container came from. paks
 * history IMAGE and paks recipe read them back from a container created
 * for the purpose and never started: nothing of the image runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine-api.h"
#include "imagehistory.h"
#include "move-archive.h"
#include "save.h"
#include "tarpack.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/spawn.h"
#include "util/xalloc.h"

static const char *
imagehistory_tmp(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp && *tmp ? tmp : "/var/tmp";
}

/* stage/.paks/history/NAME.jsonl: the record, masked again. */
static int
imagehistory_stage(const char *stage, const char *name,
    const struct history *h, struct paks_error **err)
{
	_cleanup_free_ char *d1 = xasprintf("%s/.paks", stage);
	_cleanup_free_ char *d2 = xasprintf("%s/history", d1);
	_cleanup_free_ char *f = xasprintf("%s/%s.jsonl", d2, name);
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	_cleanup_close_ int fd = -1;

	for (size_t i = 0; i < h->n; i++)
		history_format(&h->v[i], &sb);
	if (mkdir(d1, 0755) < 0 || mkdir(d2, 0755) < 0 ||
	    (fd = open(f, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) < 0 || fchmod(fd, 0644) < 0 ||
	    write_all(fd, sb.buf, sb.len) < 0)
		return paks_error_set(err, errno, "cannot write the record "
		    "in '%s'", stage);
	return 0;
}

static void
imagehistory_unstage(const char *stage, const char *name)
{
	_cleanup_free_ char *f = xasprintf("%s/.paks/history/%s.jsonl", stage,
	    name);
	_cleanup_free_ char *d2 = xasprintf("%s/.paks/history", stage);
	_cleanup_free_ char *d1 = xasprintf("%s/.paks", stage);

	unlink(f);
	rmdir(d2);
	rmdir(d1);
	rmdir(stage);
}

/* The staged record as a tar, for the Engine API's upload. */
static int
imagehistory_pack(const struct engine_cp *cp, int fd, const char *top,
    struct paks_error **err)
{
	return tarpack_write(fd, cp->host, top, err);
}

/*
 * FROM ("STAGE/.paks/.") into the container's /.paks: through the Engine
 * API as #cp does (no client), else the client's "cp FROM CTR:/.paks".
 */
static int
imagehistory_copy(const struct save_job *job, const char *from,
    struct paks_error **err)
{
	struct run_opts run = { .name = job->container };
	struct engine_op op = { .engine = job->engine, .run = &run,
		.runner = job->runner };
	struct engine_cp cp = { .host = from, .ctr = "/.paks", .what = from,
		.shown = "/.paks", .pack = imagehistory_pack };
	_cleanup_free_ char *to = xasprintf("%s:/.paks", job->container);
	char *args[] = { "cp", (char *)from, to, NULL };
	int rc = engine_api_cp_in(&op, &cp, err);

	if (rc <= 0)
		return rc;
	return engine_cmd_args(job->engine, &job->runner, args, NULL, NULL,
	    -1, err);
}

/*
 * Before a save commits: the container's record into it. No record, no
 * change; a record that cannot be copied stops the save (it would lose
 * the image's story silently otherwise).
 */
int
imagehistory_put(const struct save_job *job, struct paks_error **err)
{
	_cleanup_free_ char *path = history_path(job->container);
	_cleanup_history_ struct history h = HISTORY_INIT;
	_cleanup_free_ char *stage = NULL, *from = NULL;
	int rc;

	if (path == NULL || history_load(path, &h, err) < 0 || h.n == 0)
		return path == NULL || h.n == 0 ? 0 : -1;
	history_mask_all(&h, job->secrets);
	stage = xasprintf("%s/paks-record-XXXXXX", imagehistory_tmp());
	if (mkdtemp(stage) == NULL)
		return paks_error_set(err, errno, "cannot create a directory "
		    "in '%s'", imagehistory_tmp());
	if ((rc = imagehistory_stage(stage, job->container, &h, err)) == 0) {
		from = xasprintf("%s/.paks/.", stage);
		rc = imagehistory_copy(job, from, err);
	}
	imagehistory_unstage(stage, job->container);
	return rc < 0 ? paks_error_wrap(err, "cannot put the session record "
	    "into the image") : 0;
}

/* Run the engine with its stdout into fd; 0, or -1 with its last line. */
static int
imagehistory_run_fd(const struct engine *e, char *const *args, int fd,
    struct paks_error **err)
{
	_cleanup_spawn_ struct spawn sp = SPAWN_INIT;
	int code;

	strv_push(&sp.args, e->program);
	strv_pushv(&sp.args, args);
	sp.in = SPAWN_DEVNULL;
	sp.out = fd;
	sp.err = SPAWN_DEVNULL;
	if (spawn_start(&sp, err) < 0)
		return -1;
	if ((code = spawn_status_code(spawn_wait(&sp))) != 0)
		return paks_error_set(err, 0, "%s %s failed", e->name, args[0]);
	return 0;
}

static bool
imagehistory_want(const struct move_archive_entry *e, void *arg)
{
	size_t n = strlen(e->name);

	(void)arg;
	return n > 6 && strcmp(e->name + n - 6, ".jsonl") == 0;
}

static int
imagehistory_entry(const struct move_archive_entry *e, const char *data,
    void *arg, struct paks_error **err)
{
	(void)err;
	if (data != NULL)
		history_parse_all(data, (size_t)e->size, arg);
	return 0;
}

/* The record in a created container's IMAGEHISTORY_DIR, into h. */
static int
imagehistory_read(const struct engine *e, const char *ctr, struct history *h,
    struct paks_error **err)
{
	static const struct move_archive_visit visit = {
		.want = imagehistory_want, .entry = imagehistory_entry,
		.max = HISTORY_MAX_FILE,
	};
	_cleanup_free_ char *from = xasprintf("%s:%s", ctr, IMAGEHISTORY_DIR);
	_cleanup_free_ char *path = xasprintf("%s/paks-record-XXXXXX",
	    imagehistory_tmp());
	_cleanup_close_ int fd = mkostemp(path, O_CLOEXEC);
	char *cp[] = { "cp", from, "-", NULL };
	struct paks_error *none = NULL;

	if (fd < 0)
		return paks_error_set(err, errno, "cannot create a file in "
		    "'%s'", imagehistory_tmp());
	unlink(path);
	if (imagehistory_run_fd(e, cp, fd, &none) < 0) {
		/* no record in the image: an empty one */
		paks_error_free(none);
		return 0;
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		return paks_error_set(err, errno, "cannot read a scratch file");
	return move_archive_stream(fd, &visit, h, err);
}

/*
 * The record image carries (every file of IMAGEHISTORY_DIR), by start
 * time; an image without one has an empty record.
 */
int
imagehistory_get(const struct engine *e, const char *image,
    struct history *h, struct paks_error **err)
{
	char *create[] = { "create", "--network", "none", (char *)image,
		"true", NULL };
	_cleanup_free_ char *id = NULL;
	struct paks_error *ignored = NULL;
	int rc;

	if (engine_simple(e, create, &id, err) < 0)
		return paks_error_wrap(err, "cannot read the image '%s'",
		    image);
	id[strcspn(id, "\r\n")] = '\0';
	rc = imagehistory_read(e, id, h, err);
	char *rm[] = { "rm", "-f", id, NULL };
	if (engine_simple(e, rm, NULL, &ignored) < 0)
		paks_error_free(ignored);
	history_sort(h);
	return rc;
}

/* The value of the image's label key; "" when it has none. */
char *
imagehistory_label(const struct engine *e, const char *image,
    const char *key, struct paks_error **err)
{
	char *args[] = { "image", "inspect", (char *)image, NULL };
	_cleanup_free_ char *out = NULL;
	json_t *doc, *v;
	char *label;

	if (engine_simple(e, args, &out, err) < 0)
		return NULL;
	doc = json_loads(out, 0, NULL);
	v = json_object_get(json_object_get(json_array_get(doc, 0), "Config"),
	    "Labels");
	v = json_object_get(v, key);
	label = xstrdup(json_is_string(v) ? json_string_value(v) : "");
	json_decref(doc);
	return label;
}
