/*
 * Snapshots of saved images: NAME:TAG.snap-N tags beside NAME:TAG.
 *
 * A snapshot is only a tag: it holds the image a save wrote, which shares
 * its layers with the snapshots before it (a save adds one layer), and
 * the base's layers with every snapshot, flattened ones too (a flatten
 * merges only the layers above the base's, see save.c). Numbers only
 * grow: a pruned snapshot's number is not given again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snapshot.h"
#include "util/cleanup.h"
#include "util/text.h"
#include "util/xalloc.h"

#define SNAP_MARK ".snap-"

/* target "repo:tag" into *repo and *tag ("latest" when none). */
static void
snapshot_split(const char *target, char **repo, char **tag)
{
	const char *slash = strrchr(target, '/');
	const char *colon = strrchr(target, ':');

	if (colon != NULL && (slash == NULL || colon > slash)) {
		*repo = xstrndup(target, (size_t)(colon - target));
		*tag = xstrdup(colon + 1);
	} else {
		*repo = xstrdup(target);
		*tag = xstrdup("latest");
	}
}

/* "repo:tag.snap-N" for the image saved as target. */
char *
snapshot_name(const char *target, int n)
{
	_cleanup_free_ char *repo = NULL, *tag = NULL;

	snapshot_split(target, &repo, &tag);
	return xasprintf("%s:%s" SNAP_MARK "%d", repo, tag, n);
}

/* N if tag (a tag alone, or "repo:tag") is snapshot N of base; else 0. */
static int
snapshot_number(const char *tag, const char *base)
{
	size_t bl = strlen(base);
	const char *p;
	char *end;
	long n;

	if (strncmp(tag, base, bl) != 0 || strncmp(tag + bl, SNAP_MARK,
	    strlen(SNAP_MARK)) != 0)
		return 0;
	p = tag + bl + strlen(SNAP_MARK);
	if (*p < '1' || *p > '9')
		return 0;
	n = strtol(p, &end, 10);
	return *end == '\0' && n < 1000000 ? (int)n : 0;
}

/*
 * Tag the image the save wrote (job->id) as the next snapshot of
 * job->target; *n gets its number.
 */
int
snapshot_take(struct save_job *job, int *n, struct paks_error **err)
{
	_cleanup_free_ char *repo = NULL, *tag = NULL, *out = NULL;
	_cleanup_free_ char *name = NULL;
	char *save = NULL;
	int last = 0;

	snapshot_split(job->target, &repo, &tag);
	char *list[] = { "images", "--format", "{{.Tag}}", repo, NULL };
	if (engine_cmd_args(job->engine, &job->runner, list, NULL, &out, -1,
	    err) < 0)
		return -1;
	for (char *w = strtok_r(out, "\n", &save); w != NULL;
	    w = strtok_r(NULL, "\n", &save)) {
		int k = snapshot_number(w, tag);
		last = k > last ? k : last;
	}
	name = xasprintf("%s:%s" SNAP_MARK "%d", repo, tag, last + 1);
	char *tagv[] = { "tag", job->id, name, NULL };
	if (engine_cmd_args(job->engine, &job->runner, tagv, NULL, NULL, -1,
	    err) < 0)
		return -1;
	*n = last + 1;
	return 0;
}

/* "repo:tag" of target, "latest" added when it has no tag. */
static char *
snapshot_base(const char *target)
{
	_cleanup_free_ char *plain = engine_tag_plain(target);
	_cleanup_free_ char *repo = NULL, *tag = NULL;

	snapshot_split(plain, &repo, &tag);
	return xasprintf("%s:%s", repo, tag);
}

static int
snapshot_cmp(const void *a, const void *b)
{
	return ((const struct snapshot *)a)->number -
	    ((const struct snapshot *)b)->number;
}

/* The snapshots of the image saved as target, oldest first. */
int
snapshot_list(const struct engine *e, const char *target,
    struct snapshot **out, size_t *n, struct paks_error **err)
{
	_cleanup_free_ char *base = snapshot_base(target);
	struct engine_image *img = NULL;
	size_t nimg = 0, cap = 0;

	*out = NULL;
	*n = 0;
	if (engine_images_saved(e, &img, &nimg, err) < 0)
		return -1;
	for (size_t i = 0; i < nimg; i++) {
		for (size_t j = 0; j < img[i].tags.n; j++) {
			int k = snapshot_number(img[i].tags.v[j], base);
			if (k == 0)
				continue;
			if (*n == cap)
				*out = xreallocarray(*out, cap = cap * 2 + 4,
				    sizeof **out);
			(*out)[(*n)++] = (struct snapshot){ .number = k,
				.tag = xstrdup(img[i].tags.v[j]),
				.id = xstrdup(img[i].id),
				.created = img[i].created,
				.size = img[i].size };
		}
	}
	engine_images_free(img, nimg);
	if (*n > 0)
		qsort(*out, *n, sizeof **out, snapshot_cmp);
	for (size_t i = 0; i < *n; i++)
		(*out)[i].added = i == 0 || (*out)[i].size < 0 ? -1 :
		    (*out)[i].size - (*out)[i - 1].size;
	return 0;
}

/* How many snapshots of target the images (from engine_images_saved) hold. */
int
snapshot_count(const struct engine_image *img, size_t n, const char *target)
{
	_cleanup_free_ char *base = snapshot_base(target);
	int count = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < img[i].tags.n; j++)
			count += snapshot_number(img[i].tags.v[j], base) > 0;
	return count;
}

/* Is this "repo:tag" a snapshot's name? */
bool
snapshot_is(const char *tag)
{
	const char *m = strstr(tag, SNAP_MARK);
	const char *colon = strrchr(tag, ':');

	return m != NULL && colon != NULL && m > colon &&
	    strspn(m + strlen(SNAP_MARK), "0123456789") ==
	    strlen(m + strlen(SNAP_MARK)) && m[strlen(SNAP_MARK)] != '\0';
}

/* Snapshot number k, or NULL. */
const struct snapshot *
snapshot_find(const struct snapshot *v, size_t n, int k)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].number == k)
			return &v[i];
	return NULL;
}

void
snapshots_free(struct snapshot *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].tag);
		free(v[i].id);
	}
	free(v);
}

/* When it was saved, for a listing: "2026-01-02 03:04:05" (UTC) or "?". */
const char *
snapshot_when(const struct snapshot *sn, char *buf, size_t len)
{
	time_t t = (time_t)sn->created;

	snprintf(buf, len, "?");
	if (t > 0)
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", gmtime(&t));
	return buf;
}

/* Its size, for a listing ("?" if the engine did not say). */
char *
snapshot_size(const struct snapshot *sn)
{
	return sn->size < 0 ? xstrdup("?") : text_size((uint64_t)sn->size);
}
