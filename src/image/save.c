/*
 * Saving a container as an image: config kept, layers bounded.
 *
 * - paks starts every container with its own entrypoint (the shim) and may
 *   change its working directory and user, so the source image's
 *   Entrypoint, Cmd, WorkingDir and User are given back with --change;
 *   Env, ExposedPorts and Labels come through the commit as they are.
 * - Provenance labels: org.paks.base (the first image in the chain),
 *   org.paks.base.layers, org.paks.saved (UTC time), org.paks.version.
 * - Layers stay bounded: a commit adds one layer; when that makes more
 *   than the base's layers + 2, the layers above the base's are merged
 *   into one (save-flatten.c): the commit is saved to a temporary
 *   docker-archive ("ENGINE save"), and an archive of the base's layers,
 *   unchanged, and the merged one is loaded back ("ENGINE load"). The
 *   base's layers stay shared with the base image and every snapshot, so
 *   a chain of saves stores the base once. Only when the image's first
 *   layers are not the base's (the base image is gone or was replaced)
 *   is the whole image flattened (podman commit --squash; docker export
 *   and import, which need every config field).
 * - All or nothing: the new image is written without a name, and the
 *   name moves to it in one engine step (tag) only once it is whole. A
 *   save that fails or is stopped at any point leaves the name on the old
 *   image, untouched, or on the complete new one; what it wrote on the
 *   way (a commit to flatten, temporary files) is removed. The image the
 *   name left is removed only if no other name and no container holds it.
 * - Shell history files are removed (save_history off) or kept without
 *   #command lines (on), by a short exec in the container before the commit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "imageref.h"
#include "imagehistory.h"
#include "save.h"
#include "save-flatten.h"
#include "secretscan.h"
#include "snapshot.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "version.h"

#define LABEL_BASE "org.paks.base"
#define LABEL_BASE_LAYERS "org.paks.base.layers"
#define LABEL_SAVED "org.paks.saved"
#define LABEL_VERSION "org.paks.version"

/*
 * IMAGE + suffix, with the suffix added to the tag ("debian:12-saved");
 * an image that already ends with the suffix is saved under its own name,
 * so saving a saved image again does not grow the name, and a snapshot
 * ("debian:12-saved.snap-2") is saved as the image it is one of.
 */
char *
save_target(const char *image, const char *suffix)
{
	const char *at = strchr(image, '@');
	_cleanup_free_ char *base = at ? xstrndup(image, (size_t)(at - image)) :
	    xstrdup(image);
	const char *slash = strrchr(base, '/');
	const char *colon = strrchr(base, ':');
	size_t bl, sl = strlen(suffix);

	/* a snapshot (after #rollback) saves to the image it is one of */
	if (snapshot_is(base))
		*strrchr(base, '.') = '\0';
	bl = strlen(base);

	if (colon != NULL && (slash == NULL || colon > slash)) {
		if (bl > sl && strcmp(base + bl - sl, suffix) == 0)
			return xstrdup(base);
		return xasprintf("%s%s", base, suffix);
	}
	return xasprintf("%s:latest%s", base, suffix);
}

/* A target that is not a valid image reference, before anything runs. */
int
save_check_target(const char *target, struct paks_error **err)
{
	struct imageref ref;

	if (imageref_parse(target, &ref, err) < 0)
		return -1;
	imageref_release(&ref);
	return 0;
}

void
save_job_release(struct save_job *job)
{
	free(job->id);
	free(job->stale);
	job->id = job->stale = NULL;
}

/*
 * An engine call of the save (no program first) through the job's
 * runner; in a session, the long ones show progress.
 */
static int
save_run(const struct save_job *job, char *const *args, char **out,
    struct paks_error **err)
{
	bool slow = strcmp(args[0], "commit") == 0 ||
	    strcmp(args[0], "export") == 0 || strcmp(args[0], "import") == 0 ||
	    strcmp(args[0], "save") == 0 || strcmp(args[0], "load") == 0;

	return engine_cmd_args(job->engine, &job->runner, args,
	    slow && job->runner.fn != NULL ? "saving..." : NULL, out, -1, err);
}

/* "ENGINE (image|container) inspect NAME" as the first JSON object. */
static json_t *
save_inspect(struct save_job *job, const char *kind, const char *name,
    struct paks_error **err)
{
	char *args[] = { (char *)kind, "inspect", (char *)name, NULL };
	_cleanup_free_ char *out = NULL;
	json_error_t jerr;
	json_t *doc, *obj;

	if (save_run(job, args, &out, err) < 0)
		return NULL;
	if ((doc = json_loads(out, 0, &jerr)) == NULL) {
		paks_error_set(err, 0, "cannot read %s's %s inspect output: %s",
		    job->engine->name, kind, jerr.text);
		return NULL;
	}
	obj = json_is_array(doc) ? json_incref(json_array_get(doc, 0)) :
	    json_incref(doc);
	json_decref(doc);
	if (obj == NULL)
		paks_error_set(err, 0, "%s returned nothing for '%s'",
		    job->engine->name, name);
	return obj;
}

/* A Dockerfile-style quoted value: "..." with \ and " escaped. */
static void
save_quote(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addch(sb, '\\');
		if (*s == '\n')
			strbuf_adds(sb, "\\n");
		else
			strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '"');
}

static void
save_change_json(struct strv *argv, const char *what, json_t *v,
    const char *empty)
{
	char *s = NULL;

	if (json_is_array(v) && json_array_size(v) > 0)
		s = json_dumps(v, JSON_COMPACT);
	strv_pushf(argv, "--change=%s %s", what, s ? s : empty);
	free(s);
}

static void
save_change_label(struct strv *argv, const char *k, const char *v)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, "--change=LABEL ");
	save_quote(&sb, k);
	strbuf_addch(&sb, '=');
	save_quote(&sb, v);
	strv_push(argv, strbuf_str(&sb));
}

/*
 * The --change options that give the saved image its source's config.
 * full: every field (an import starts from nothing).
 */
static void
save_changes(struct save_job *job, json_t *src, json_t *ctr, bool full,
    const char *base, int base_layers, struct strv *argv)
{
	json_t *sc = json_object_get(src, "Config");
	json_t *cc = json_object_get(ctr, "Config");
	const char *wd = json_string_value(json_object_get(sc, "WorkingDir"));
	const char *cwd = json_string_value(json_object_get(cc, "WorkingDir"));
	const char *user = json_string_value(json_object_get(sc, "User"));
	const char *cuser = json_string_value(json_object_get(cc, "User"));
	char when[32], layers[16];
	time_t now = time(NULL);
	const char *key;
	json_t *val;
	size_t i;

	save_change_json(argv, "ENTRYPOINT",
	    json_object_get(sc, "Entrypoint"), job->engine->empty_entrypoint);
	save_change_json(argv, "CMD", json_object_get(sc, "Cmd"), "[]");
	wd = wd && *wd ? wd : "/";
	if (full || !cwd || strcmp(wd, *cwd ? cwd : "/") != 0)
		strv_pushf(argv, "--change=WORKDIR %s", wd);
	user = user ? user : "";
	if ((full && *user) || (!full && strcmp(user, cuser ? cuser : "")))
		strv_pushf(argv, "--change=USER %s", *user ? user : "0");
	if (full) {
		json_array_foreach(json_object_get(cc, "Env"), i, val) {
			const char *e = json_string_value(val);
			const char *eq = e ? strchr(e, '=') : NULL;
			_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
			if (eq == NULL)
				continue;
			strbuf_adds(&sb, "--change=ENV ");
			strbuf_add(&sb, e, (size_t)(eq - e));
			strbuf_addch(&sb, '=');
			save_quote(&sb, eq + 1);
			strv_push(argv, strbuf_str(&sb));
		}
		json_object_foreach(json_object_get(sc, "ExposedPorts"), key, val)
			strv_pushf(argv, "--change=EXPOSE %s", key);
		json_object_foreach(json_object_get(sc, "Labels"), key, val)
			if (json_is_string(val))
				save_change_label(argv, key,
				    json_string_value(val));
	}
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	snprintf(layers, sizeof layers, "%d", base_layers);
	save_change_label(argv, LABEL_BASE, base);
	save_change_label(argv, LABEL_BASE_LAYERS, layers);
	save_change_label(argv, LABEL_SAVED, when);
	save_change_label(argv, LABEL_VERSION, PAKS_VERSION);
}

/* Shell history in the container: removed, or kept without #commands. */
static void
save_history(struct save_job *job)
{
	static const char drop[] =
	    "for f in \"$HOME/.bash_history\" \"$HOME/.ash_history\" "
	    "\"$HOME/.sh_history\" \"$HOME/.zsh_history\"; do rm -f \"$f\"; "
	    "done";
	static const char filter[] =
	    "for f in \"$HOME/.bash_history\" \"$HOME/.ash_history\" "
	    "\"$HOME/.sh_history\" \"$HOME/.zsh_history\"; do "
	    "[ -f \"$f\" ] || continue; grep -v '^#[A-Za-z]' \"$f\" > "
	    "\"$f.paks\"; cat \"$f.paks\" > \"$f\"; rm -f \"$f.paks\"; done";
	char *args[] = { "exec", (char *)job->container, "/bin/sh", "-c",
		(char *)(job->keep_history ? filter : drop), NULL };
	struct paks_error *ignored = NULL;

	/* a stopped container has no shell to ask: nothing to do then */
	if (save_run(job, args, NULL, &ignored) < 0)
		paks_error_free(ignored);
}

static int
save_flatten_docker(struct save_job *job, struct strv *changes,
    char **id, struct paks_error **err)
{
	_cleanup_strv_ struct strv imp = STRV_INIT;
	const char *tmp = getenv("TMPDIR");
	_cleanup_free_ char *path = xasprintf("%s/paks-export-XXXXXX",
	    tmp && *tmp ? tmp : "/var/tmp");
	int fd = mkstemp(path), rc;

	if (fd < 0)
		return paks_error_set(err, errno, "cannot create a file in "
		    "'%s'", tmp && *tmp ? tmp : "/var/tmp");
	close(fd);
	char *exp[] = { "export", "--output", path, (char *)job->container,
		NULL };
	if ((rc = save_run(job, exp, NULL, err)) == 0) {
		/* no name: save_name_move gives it one once it is whole */
		strv_push(&imp, "import");
		strv_pushv(&imp, changes->v);
		strv_push(&imp, path);
		rc = save_run(job, imp.v, id, err);
	}
	unlink(path);
	return rc;
}

/* Remove an image by id if the engine lets us (not while in use). */
static int
save_rmi(struct save_job *job, const char *id)
{
	char *rmi[] = { "image", "rm", (char *)id, NULL };
	struct paks_error *ignored = NULL;

	if (save_run(job, rmi, NULL, &ignored) == 0)
		return 0;
	paks_error_free(ignored);
	return -1;
}

/* "ENGINE commit [--squash] CHANGES CONTAINER": the new image's id. */
static int
save_commit(struct save_job *job, struct strv *changes, bool squash,
    char **id, struct paks_error **err)
{
	_cleanup_strv_ struct strv argv = STRV_INIT;

	strv_push(&argv, "commit");
	if (squash)
		strv_push(&argv, "--squash");
	strv_pushv(&argv, changes->v);
	strv_push(&argv, job->container);
	if (save_run(job, argv.v, id, err) < 0)
		return -1;
	(*id)[strcspn(*id, "\r\n")] = '\0';
	if (**id == '\0')
		return paks_error_set(err, 0, "%s did not say which image it "
		    "wrote", job->engine->name);
	return 0;
}

/* An image's layers (RootFS.Layers, diff ids), or NULL if it is gone. */
static json_t *
save_layers_of(struct save_job *job, const char *image)
{
	struct paks_error *ignored = NULL;
	json_t *img = save_inspect(job, "image", image, &ignored), *l;

	paks_error_free(ignored);
	l = json_incref(json_object_get(json_object_get(img, "RootFS"),
	    "Layers"));
	json_decref(img);
	return json_is_array(l) ? l : (json_decref(l), NULL);
}

/* A temporary folder and what is in it, gone. */
static void
save_tmp_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, de->d_name);
		unlink(p);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

/*
 * The commit cid through a temporary docker-archive, merged above the
 * base's nbase layers (base, diff ids) and loaded back as *id.
 */
static int
save_merge(struct save_job *job, const char *cid, char *const *base,
    size_t nbase, const char *dir, char **id, struct paks_error **err)
{
	_cleanup_free_ char *in = xasprintf("%s/saved.tar", dir);
	_cleanup_free_ char *out = xasprintf("%s/flat.tar", dir);
	_cleanup_free_ char *got = NULL;
	_cleanup_close_ int ifd = -1, ofd = -1;
	char *dsave[] = { "save", "-o", in, (char *)cid, NULL };
	char *psave[] = { "save", "--format", "docker-archive", "-o", in,
		(char *)cid, NULL };
	char *load[] = { "load", "-i", out, NULL };
	int rc;

	if (save_run(job, job->engine->daemon ? dsave : psave, NULL, err) < 0)
		return -1;
	if ((ifd = open(in, O_RDONLY | O_CLOEXEC)) < 0 ||
	    (ofd = open(out, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return paks_error_set(err, errno, "cannot open a file in '%s'",
		    dir);
	rc = save_flatten_archive(ifd, base, nbase, ofd, id, err);
	unlink(in);
	if (rc != SAVE_FLATTEN_DONE)
		return rc;
	char *check[] = { "image", "inspect", "--format", "{{.Id}}", *id,
		NULL };
	rc = save_run(job, load, NULL, err) < 0 ||
	    save_run(job, check, &got, err) < 0 ? -1 : 0;
	free(*id);
	/* the id as the engine writes it (podman: without "sha256:") */
	*id = rc == 0 ? TAKE_PTR(got) : NULL;
	return rc;
}

/*
 * A save past base + 2 layers: commit, then merge the layers above the
 * base's into one (save_merge). SAVE_FLATTEN_WHOLE when the image's first
 * layers are not the base's: the caller flattens it all.
 */
static int
save_flatten(struct save_job *job, struct strv *changes, const char *base,
    int base_layers, char **id, struct paks_error **err)
{
	_cleanup_free_ char *cid = NULL, *dir = NULL;
	json_t *bl = save_layers_of(job, base), *cl = NULL;
	_cleanup_free_ char **ids = NULL;
	const char *tmp = getenv("TMPDIR");
	size_t n = json_array_size(bl), i;
	int rc = SAVE_FLATTEN_WHOLE;

	if (save_commit(job, changes, false, &cid, err) < 0) {
		json_decref(bl);
		return -1;
	}
	cl = save_layers_of(job, cid);
	ids = xcalloc(n + 1, sizeof *ids);
	for (i = 0; i < n && (int)n == base_layers; i++) {
		ids[i] = (char *)json_string_value(json_array_get(bl, i));
		if (ids[i] == NULL || !json_equal(json_array_get(bl, i),
		    json_array_get(cl, i)))
			break;
	}
	if (n == 0 || i < n || json_array_size(cl) <= n + 2) {
		/* not the base's layers, or few enough as they are */
		if (i == n && n > 0) {
			*id = TAKE_PTR(cid);
			job->flattened = false;
			rc = 0;
		}
		goto out;
	}
	dir = xasprintf("%s/paks-flatten-XXXXXX", tmp && *tmp ? tmp :
	    "/var/tmp");
	if (mkdtemp(dir) == NULL) {
		rc = paks_error_set(err, errno, "cannot create a folder in "
		    "'%s'", tmp && *tmp ? tmp : "/var/tmp");
		free(TAKE_PTR(dir));
		goto out;
	}
	rc = save_merge(job, cid, ids, n, dir, id, err);
	save_tmp_remove(dir);
out:
	if (cid != NULL)
		save_rmi(job, cid);
	json_decref(bl);
	json_decref(cl);
	return rc;
}

/*
 * The new image is whole: move the name to it, in one step of the engine
 * (the name is on the old image or the new, never on neither or on a
 * part). The old image goes if the name was all it had and no container
 * uses it (one in use is left to the caller in job->stale); an image that
 * has another name too stays.
 */
static int
save_name_move(struct save_job *job, const char *id, const char *old_id,
    struct paks_error **err)
{
	char *tag[] = { "tag", (char *)id, (char *)job->target, NULL };
	char *names[] = { "image", "inspect", "--format", "{{len .RepoTags}}",
		(char *)old_id, NULL };
	_cleanup_free_ char *n = NULL;
	struct paks_error *ignored = NULL;

	if (save_run(job, tag, NULL, err) < 0)
		return -1;
	if (old_id == NULL || *old_id == '\0' || strstr(old_id, id) != NULL ||
	    strstr(id, old_id) != NULL)
		return 0;
	if (save_run(job, names, &n, &ignored) < 0 || atoi(n) > 0) {
		paks_error_free(ignored);
		return 0;
	}
	if (save_rmi(job, old_id) < 0)
		job->stale = xstrdup(old_id);
	return 0;
}

/* The save is done: its snapshot is a tag more, and none is no failure. */
/* The layers of the image written: counted, not predicted (docker adds
 * no layer for no change). */
static void
save_count_layers(struct save_job *job, char *id)
{
	char *args[] = { "image", "inspect", "--format",
		"{{len .RootFS.Layers}}", id, NULL };
	_cleanup_free_ char *n = NULL;
	struct paks_error *ignored = NULL;

	if (save_run(job, args, &n, &ignored) == 0)
		job->layers = atoi(n);
	paks_error_free(ignored);
}

static void
save_snapshot(struct save_job *job)
{
	struct paks_error *ignored = NULL;

	if (snapshot_take(job, &job->snapshot, &ignored) < 0)
		paks_error_free(ignored);
}

int
save_image(struct save_job *job, struct paks_error **err)
{
	_cleanup_strv_ struct strv changes = STRV_INIT, full = STRV_INIT;
	_cleanup_free_ char *id = NULL, *old_id = NULL, *base = NULL;
	json_t *src = NULL, *ctr = NULL, *old = NULL;
	int rc = -1, src_layers, base_layers;
	const char *label;

	if (save_check_target(job->target, err) < 0)
		return -1;
	if ((src = save_inspect(job, "image", job->source, err)) == NULL)
		return paks_error_wrap(err, "cannot read the image '%s'",
		    job->source);
	if ((ctr = save_inspect(job, "container", job->container, err)) ==
	    NULL)
		goto out;
	{
		struct paks_error *none = NULL;
		if ((old = save_inspect(job, "image", job->target, &none)))
			old_id = xstrdup(json_string_value(json_object_get(old,
			    "Id")) ?: "");
		paks_error_free(none);
	}
	json_t *labels = json_object_get(json_object_get(src, "Config"),
	    "Labels");
	src_layers = (int)json_array_size(json_object_get(json_object_get(src,
	    "RootFS"), "Layers"));
	label = json_string_value(json_object_get(labels, LABEL_BASE_LAYERS));
	base_layers = label ? atoi(label) : src_layers;
	label = json_string_value(json_object_get(labels, LABEL_BASE));
	base = xstrdup(label ? label : job->source);

	save_history(job);
	if (imagehistory_put(job, err) < 0 || secretscan_save(job, err) < 0)
		goto out;
	job->flattened = src_layers + 1 > base_layers + 2;
	save_changes(job, src, ctr, false, base, base_layers, &changes);
	rc = job->flattened ?
	    save_flatten(job, &changes, base, base_layers, &id, err) :
	    save_commit(job, &changes, false, &id, err);
	if (rc == SAVE_FLATTEN_WHOLE && job->engine->daemon) {
		save_changes(job, src, ctr, true, base, base_layers, &full);
		rc = save_flatten_docker(job, &full, &id, err);
	} else if (rc == SAVE_FLATTEN_WHOLE)
		rc = save_commit(job, &changes, true, &id, err);
	if (rc < 0)
		goto out;
	id[strcspn(id, "\r\n")] = '\0';
	if (*id == '\0') {
		rc = paks_error_set(err, 0, "%s did not say which image it "
		    "wrote", job->engine->name);
		goto out;
	}
	if ((rc = save_name_move(job, id, old_id, err)) < 0) {
		/* stopped or failed before the name moved: the new image
		 * has no name, and goes (if paks may still run the engine) */
		save_rmi(job, id);
		goto out;
	}
	save_count_layers(job, id);
	job->id = TAKE_PTR(id);
	save_snapshot(job);
	rc = 0;
out:
	json_decref(src);
	json_decref(ctr);
	json_decref(old);
	return rc;
}

/* The name #save SUFFIX writes: IMAGE with SUFFIX added to its tag. */
char *
save_op_target(const struct engine_op *op, const char *suffix,
    struct paks_error **err)
{
	char *target;

	if (op->engine->save_name != NULL)
		return op->engine->save_name(op, suffix, err);
	target = save_target(op->run->image, suffix);
	if (save_check_target(target, err) < 0) {
		free(target);
		return NULL;
	}
	return target;
}

/* Commit the session's container as target; *saved says what it wrote. */
int
save_op_commit(const struct engine_op *op, const char *target,
    struct engine_saved *saved, struct paks_error **err)
{
	struct save_job job = {
		.engine = op->engine, .container = op->run->name,
		.source = op->run->image, .target = target,
		.keep_history = op->keep_history,
		.runner = op->runner,
		.secrets = op->secrets, .allow_secrets = op->allow_secrets,
	};

	if (op->engine->commit != NULL)
		return op->engine->commit(op, target, saved, err);
	if (save_image(&job, err) < 0)
		return -1;
	saved->detail = xasprintf("%.19s, %d layer%s%s, snapshot %d", job.id,
	    job.layers, job.layers == 1 ? "" : "s",
	    job.flattened ? ", flattened" : "", job.snapshot);
	saved->stale = TAKE_PTR(job.stale);
	save_job_release(&job);
	return 0;
}
