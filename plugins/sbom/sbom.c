/*
 * #sbom [format=spdx|cyclonedx] [host:PATH]: a paks plugin that writes a
 * software bill of materials of the packages installed in the session's
 * container to the host.
 *
 * It reads the package databases itself, through the engine's CLI, never
 * a shell on the host or in the container: "ENGINE cp CONTAINER:PATH -"
 * (a tar stream, read with paks' own tar reader, so an image needs no
 * tools of its own) for dpkg's status (or status.d), the copyright files
 * in /usr/share/doc, apk's installed database, rpm's database directory
 * and os-release; and "ENGINE export CONTAINER", the whole file system as
 * one tar stream, for the Python distributions in every site-packages and
 * dist-packages directory and conda's conda-meta records. The plugin
 * protocol is in docs/plugins.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine-api.h"
#include "image/move-archive.h"
#include "sbom.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/spawn.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define FILE_MAX	(256u << 20)	/* one database file */
#define DOC_FILE_MAX	(1u << 20)	/* one copyright file */

static const char usage[] =
	"usage: #sbom [format=spdx|cyclonedx] [host:PATH]\n";

/* What paks told the plugin (docs/plugins.md). */
struct sbom_run {
	const char	*engine;
	const char	*container;
	const char	*image;
	const char	*start_dir;
};

/* What the engine said when a path or program is not in the container. */
static bool
sbom_is_missing(const char *err)
{
	static const char *const says[] = { "could not find", "not be found",
		"no such file", "not found" };

	for (size_t i = 0; i < sizeof says / sizeof says[0]; i++) {
		if (strcasestr(err, says[i]) != NULL)
			return true;
	}
	return false;
}

/* The last non-empty line of s. */
static const char *
last_line(char *s)
{
	size_t n = strlen(s);
	char *nl;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	nl = strrchr(s, '\n');
	return nl ? nl + 1 : s;
}

/*
 * Run ENGINE ARGS... (docker's and podman's words through their API, as
 * paks's own calls: engine-api-words.c); fn reads its stdout. 1 when the engine says the
 * path or program is not in the container, 0 on success, -1 on failure
 * (reported on stderr).
 */
static int
sbom_engine(const struct sbom_run *r, char *const *args, int (*fn)(int, void *),
    void *arg)
{
	_cleanup_spawn_ struct spawn sp = SPAWN_INIT;
	_cleanup_close_ int rd = -1, wr = -1, errfd = -1;
	const struct engine *e = engine_find(r->engine);
	struct engine_words w = { e, args, false };
	struct paks_error *err = NULL;
	char buf[4096];
	int pipefd[2], status, frc;
	ssize_t n;

	if (pipe2(pipefd, O_CLOEXEC) < 0 ||
	    (errfd = memfd_create("sbom-stderr", MFD_CLOEXEC)) < 0) {
		perror("sbom: pipe");
		return -1;
	}
	rd = pipefd[0];
	wr = pipefd[1];
	if (e != NULL) {
		/* docker, podman: through their API when it answers */
		sp.fn = engine_api_words_child;
		sp.fn_arg = &w;
	} else {
		strv_push(&sp.args, r->engine);
		strv_pushv(&sp.args, args);
	}
	sp.in = SPAWN_DEVNULL;
	sp.out = wr;
	sp.err = errfd;
	if (spawn_start(&sp, &err) < 0) {
		_cleanup_free_ char *msg = paks_error_format(err);
		fprintf(stderr, "sbom: %s\n", msg);
		paks_error_free(err);
		return -1;
	}
	close(TAKE_FD(wr));
	frc = fn(rd, arg);
	while ((n = read(rd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		;	/* the engine must see its reader to the end */
	status = spawn_status_code(spawn_wait(&sp));
	if (status == 0)
		return frc < 0 ? -1 : 0;
	n = pread(errfd, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	if (sbom_is_missing(buf))
		return 1;
	fprintf(stderr, "sbom: %s %s failed: %s\n", r->engine, args[0],
	    *buf ? last_line(buf) : "no message");
	return -1;
}

/* ---- one file, or one directory, copied out as tar ---- */

struct grab {
	struct strbuf	 data;		/* the regular file's bytes */
	char		*link;		/* or a symlink's target */
	struct sbom	*sbom;		/* status.d: parse each file */
};

/* A tar "ENGINE cp" writes: what to do with its members, and for whom. */
struct tar_job {
	const struct move_archive_visit	*visit;
	void				*arg;
};

static int
tar_read(int fd, void *arg)
{
	struct tar_job *job = arg;
	struct paks_error *err = NULL;

	if (move_archive_stream(fd, job->visit, job->arg, &err) < 0) {
		_cleanup_free_ char *msg = paks_error_format(err);
		fprintf(stderr, "sbom: the engine's tar stream: %s\n", msg);
		paks_error_free(err);
		return -1;
	}
	return 0;
}

/* cp CONTAINER:PATH - and read the tar; 1 if PATH is not there. */
static int
sbom_cp(const struct sbom_run *r, const char *path,
    const struct move_archive_visit *visit, void *arg)
{
	_cleanup_free_ char *src = xasprintf("%s:%s", r->container, path);
	char *args[] = { "cp", src, "-", NULL };
	struct tar_job job = { visit, arg };

	return sbom_engine(r, args, tar_read, &job);
}

static bool
grab_want(const struct move_archive_entry *e, void *arg)
{
	(void)e, (void)arg;
	return true;
}

static int
grab_entry(const struct move_archive_entry *e, const char *data, void *arg,
    struct paks_error **err)
{
	struct grab *g = arg;

	(void)err;
	if (e->type == '2' && g->link == NULL)
		g->link = xstrdup(e->link);
	else if (e->type == '0' && data != NULL && g->sbom != NULL)
		sbom_parse_dpkg(data, (size_t)e->size, g->sbom);
	else if (e->type == '0' && data != NULL)
		strbuf_add(&g->data, data, (size_t)e->size);
	return 0;
}

/* cp CONTAINER:PATH - into g; 1 if PATH is not there. */
static int
sbom_copy(const struct sbom_run *r, const char *path, struct grab *g)
{
	static const struct move_archive_visit visit = { grab_want,
		grab_entry, FILE_MAX };

	return sbom_cp(r, path, &visit, g);
}

/*
 * cp CONTAINER:PATH - and parse the file's bytes into s; 1 if PATH is not
 * there. docker copies a symlink as it is (os-release is one): it is
 * followed once.
 */
static int
sbom_file(const struct sbom_run *r, const char *path,
    int (*parse)(const char *, size_t, struct sbom *), struct sbom *s)
{
	struct grab g = { STRBUF_INIT, NULL, NULL };
	int rc = sbom_copy(r, path, &g);

	if (rc == 0 && g.link != NULL && g.data.len == 0) {
		_cleanup_free_ char *dir = xstrdup(path);
		_cleanup_free_ char *target = g.link[0] == '/' ?
		    xstrdup(g.link) : xasprintf("%s/%s", dirname(dir), g.link);
		free(TAKE_PTR(g.link));
		rc = sbom_copy(r, target, &g);
	}
	if (rc == 0)
		rc = parse(strbuf_str(&g.data), g.data.len, s);
	strbuf_release(&g.data);
	free(g.link);
	return rc;
}

/* os-release names the distribution, for the package URLs. */
static int
sbom_os_release(const struct sbom_run *r, struct sbom *s)
{
	return sbom_file(r, "/etc/os-release", sbom_parse_os_release, s) < 0 ?
	    -1 : 0;
}

static int
sbom_dpkg(const struct sbom_run *r, struct sbom *s)
{
	struct grab g = { STRBUF_INIT, NULL, s };
	int rc = sbom_file(r, "/var/lib/dpkg/status", sbom_parse_dpkg, s);

	if (rc == 1) {
		/* distroless images: one file per package */
		rc = sbom_copy(r, "/var/lib/dpkg/status.d", &g);
		strbuf_release(&g.data);
		free(g.link);
	}
	return rc < 0 ? -1 : 0;
}

static int
sbom_apk(const struct sbom_run *r, struct sbom *s)
{
	return sbom_file(r, "/lib/apk/db/installed", sbom_parse_apk, s) < 0 ?
	    -1 : 0;
}

/* ---- licenses from /usr/share/doc/NAME/copyright ---- */

struct docs {
	struct strv	 names;		/* doc directory names... */
	struct strv	 licenses;	/* ...and their license, or "" */
	struct strv	 links;		/* "NAME\nTARGET" doc directory links */
};

/* "doc/NAME/copyright" or "doc/NAME": NAME, if that is what e is. */
static char *
docs_name(const char *path, const char *suffix)
{
	const char *p = strncmp(path, "doc/", 4) == 0 ? path + 4 : NULL;
	size_t n;

	if (p == NULL || (n = strcspn(p, "/")) == 0)
		return NULL;
	if (strcmp(p + n, suffix) != 0)
		return NULL;
	return xstrndup(p, n);
}

static bool
docs_want(const struct move_archive_entry *e, void *arg)
{
	_cleanup_free_ char *name = docs_name(e->name, "/copyright");

	(void)arg;
	return name != NULL;
}

static int
docs_entry(const struct move_archive_entry *e, const char *data, void *arg,
    struct paks_error **err)
{
	struct docs *d = arg;
	_cleanup_free_ char *name = NULL, *lic = NULL;

	(void)err;
	if (e->type == '2' && (name = docs_name(e->name, "")) != NULL &&
	    strchr(e->link, '/') == NULL) {
		strv_pushf(&d->links, "%s\n%s", name, e->link);
		return 0;
	}
	if (data == NULL || (name = docs_name(e->name, "/copyright")) == NULL)
		return 0;
	lic = sbom_copyright_license(data, (size_t)e->size);
	strv_push(&d->names, name);
	strv_push(&d->licenses, lic ? lic : "");
	return 0;
}

static const char *
docs_license(const struct docs *d, const char *name, int depth)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < d->names.n; i++) {
		if (strcmp(d->names.v[i], name) == 0)
			return *d->licenses.v[i] ? d->licenses.v[i] : NULL;
	}
	for (size_t i = 0; depth < 4 && i < d->links.n; i++) {
		if (strncmp(d->links.v[i], name, n) == 0 &&
		    d->links.v[i][n] == '\n')
			return docs_license(d, d->links.v[i] + n + 1,
			    depth + 1);
	}
	return NULL;
}

/* Debian packages get the license their copyright file declares. */
static int
sbom_deb_licenses(const struct sbom_run *r, struct sbom *s)
{
	static const struct move_archive_visit visit = { docs_want,
		docs_entry, DOC_FILE_MAX };
	struct docs d = { STRV_INIT, STRV_INIT, STRV_INIT };
	int rc = sbom_cp(r, "/usr/share/doc", &visit, &d);

	for (size_t i = 0; rc == 0 && i < s->n; i++) {
		const char *lic;
		if (strcmp(s->v[i].type, "deb") != 0 || s->v[i].license)
			continue;
		if ((lic = docs_license(&d, s->v[i].name, 0)) != NULL)
			s->v[i].license = xstrdup(lic);
	}
	strv_release(&d.names);
	strv_release(&d.licenses);
	strv_release(&d.links);
	return rc < 0 ? -1 : 0;
}

/* ---- rpm ---- */

/* The database files of one rpm directory, as "ENGINE cp" wrote them. */
struct rpmdir {
	struct strbuf	 sqlite, wal, bdb;
	bool		 has_sqlite, has_bdb;
	bool		 too_big;	/* one was over FILE_MAX */
};

/* "rpm/NAME" (the member names cp gives the directory rpm): NAME. */
static const char *
rpmdir_file(const char *name)
{
	const char *slash = strchr(name, '/');

	return slash != NULL && strchr(slash + 1, '/') == NULL ?
	    slash + 1 : "";
}

static bool
rpmdir_want(const struct move_archive_entry *e, void *arg)
{
	const char *f = rpmdir_file(e->name);

	(void)arg;
	return strcmp(f, "rpmdb.sqlite") == 0 ||
	    strcmp(f, "rpmdb.sqlite-wal") == 0 || strcmp(f, "Packages") == 0;
}

static int
rpmdir_entry(const struct move_archive_entry *e, const char *data, void *arg,
    struct paks_error **err)
{
	struct rpmdir *d = arg;
	const char *f = rpmdir_file(e->name);

	(void)err;
	if (data == NULL && e->type == '0' && rpmdir_want(e, arg))
		d->too_big = true;
	if (data == NULL)
		return 0;
	if (strcmp(f, "rpmdb.sqlite") == 0) {
		strbuf_add(&d->sqlite, data, (size_t)e->size);
		d->has_sqlite = true;
	} else if (strcmp(f, "rpmdb.sqlite-wal") == 0)
		strbuf_add(&d->wal, data, (size_t)e->size);
	else if (strcmp(f, "Packages") == 0) {
		strbuf_add(&d->bdb, data, (size_t)e->size);
		d->has_bdb = true;
	}
	return 0;
}

static void
rpmdir_release(struct rpmdir *d)
{
	strbuf_release(&d->sqlite);
	strbuf_release(&d->wal);
	strbuf_release(&d->bdb);
}

/* Write len bytes to dir/name, a new file only this user may read. */
static int
sbom_put(const char *dir, const char *name, const char *data, size_t len)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0 || write_all(fd, data, len) < 0) {
		fprintf(stderr, "sbom: cannot write '%s': %s\n", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Read the database of d, copied into a private temporary directory:
 * sqlite wants a file, and a read-only sqlite in WAL mode needs its
 * directory writable.
 */
static int
sbom_rpm_read(struct rpmdir *d, struct sbom *s)
{
	const char *tmp = getenv("TMPDIR");
	_cleanup_free_ char *dir = xasprintf("%s/paks-sbom-XXXXXX",
	    tmp && *tmp ? tmp : "/tmp");
	_cleanup_free_ char *path = NULL, *why = NULL;
	static const char *const files[] = { "rpmdb.sqlite",
		"rpmdb.sqlite-wal", "rpmdb.sqlite-shm", "Packages" };
	int rc;

	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "sbom: cannot make a temporary directory: "
		    "%s\n", strerror(errno));
		return -1;
	}
	if (d->has_sqlite) {
		rc = sbom_put(dir, "rpmdb.sqlite", d->sqlite.buf,
		    d->sqlite.len);
		if (rc == 0 && d->wal.len > 0)
			rc = sbom_put(dir, "rpmdb.sqlite-wal", d->wal.buf,
			    d->wal.len);
		path = xasprintf("%s/rpmdb.sqlite", dir);
		if (rc == 0 && sbom_rpmdb_sqlite(path, s, &why) < 0)
			rc = -1;
	} else {
		rc = sbom_put(dir, "Packages", d->bdb.buf, d->bdb.len);
		path = xasprintf("%s/Packages", dir);
		if (rc == 0 && sbom_rpmdb_bdb(path, s, &why) < 0)
			rc = -1;
	}
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		_cleanup_free_ char *f = xasprintf("%s/%s", dir, files[i]);
		unlink(f);
	}
	rmdir(dir);
	if (why != NULL)
		fprintf(stderr, "sbom: the container's rpm database: %s\n",
		    why);
	return rc;
}

/*
 * rpm's database: /usr/lib/sysimage/rpm (Fedora, rpm >= 4.17) or
 * /var/lib/rpm, one of them often a symlink to the other (cp copies a
 * symlink as it is: the other is the real one); rpmdb.sqlite or, on RHEL
 * and Rocky 8, the Berkeley DB Packages.
 */
static int
sbom_rpm(const struct sbom_run *r, struct sbom *s)
{
	static const struct move_archive_visit visit = { rpmdir_want,
		rpmdir_entry, FILE_MAX };
	static const char *const dirs[] = { "/usr/lib/sysimage/rpm",
		"/var/lib/rpm" };

	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		struct rpmdir d = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT,
			false, false, false };
		int rc = sbom_cp(r, dirs[i], &visit, &d);

		if (rc == 0 && d.too_big)
			fprintf(stderr, "sbom: the rpm database in '%s' is over "
			    "%u MiB: not read\n", dirs[i], FILE_MAX >> 20);
		if (rc == 0 && (d.has_sqlite || d.has_bdb))
			rc = sbom_rpm_read(&d, s);
		else if (rc == 0)
			rc = 1;		/* not this one */
		rpmdir_release(&d);
		if (rc <= 0)
			return rc;
	}
	return 0;
}

/* ---- Python and conda, anywhere ---- */

static int
sbom_python(const struct sbom_run *r, struct sbom *s)
{
	char *args[] = { "export", (char *)r->container, NULL };
	struct sbom_py py = { s, STRV_INIT };
	struct tar_job job = { &sbom_py_visit, &py };
	int rc = sbom_engine(r, args, tar_read, &job);

	sbom_py_release(&py);
	if (rc == 1)
		fprintf(stderr, "sbom: %s export failed\n", r->engine);
	return rc != 0 ? -1 : 0;
}

/* ---- the output ---- */

static void
sbom_uuid(char *out)
{
	unsigned char b[16];

	if (getrandom(b, sizeof b, 0) != sizeof b)
		BUG("getrandom failed");
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* RFC 4122 */
	sprintf(out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* Now, or SOURCE_DATE_EPOCH, in UTC: 2024-05-01T12:00:00Z. */
static void
sbom_created(char *out, size_t n)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* IMAGE-sbom.spdx.json, the image's name made a file name. */
static char *
sbom_default_name(const char *image, enum sbom_format f)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *c = image; *c; c++)
		strbuf_addch(&sb, (*c >= 'a' && *c <= 'z') ||
		    (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    *c == '.' || *c == '_' || *c == '-' ? *c : '-');
	strbuf_adds(&sb, f == SBOM_SPDX ? "-sbom.spdx.json" : "-sbom.cdx.json");
	return strbuf_detach(&sb);
}

/* host:PATH as a host path: relative to where paks was started. */
static char *
sbom_output_path(const struct sbom_run *r, const char *arg, enum sbom_format f)
{
	_cleanup_free_ char *def = sbom_default_name(r->image, f);
	const char *home = getenv("HOME");
	char *path;
	struct stat st;

	if (arg == NULL || *arg == '\0')
		path = xasprintf("%s/%s", r->start_dir, def);
	else if (arg[0] == '~' && arg[1] == '/' && home != NULL)
		path = xasprintf("%s%s", home, arg + 1);
	else if (arg[0] == '/')
		path = xstrdup(arg);
	else
		path = xasprintf("%s/%s", r->start_dir, arg);
	if ((stat(path, &st) == 0 && S_ISDIR(st.st_mode)) ||
	    path[strlen(path) - 1] == '/') {
		char *in = xasprintf("%s%s%s", path,
		    path[strlen(path) - 1] == '/' ? "" : "/", def);
		free(path);
		path = in;
	}
	return path;
}

/* Write text to path through a temporary file and rename. */
static int
sbom_write(const char *path, const char *text)
{
	_cleanup_free_ char *tmp = xasprintf("%s.tmp-XXXXXX", path);
	_cleanup_close_ int fd = mkstemp(tmp);
	size_t len = strlen(text), off = 0;
	mode_t mask = umask(0);

	umask(mask);
	if (fd < 0) {
		fprintf(stderr, "sbom: cannot write '%s': %s\n", path,
		    strerror(errno));
		return -1;
	}
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		off += (size_t)n;
	}
	if (fchmod(fd, 0666 & ~mask) < 0 || fsync(fd) < 0 ||
	    rename(tmp, path) < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "sbom: cannot write '%s': %s\n", path, strerror(errno));
	unlink(tmp);
	return -1;
}

static int
sbom_args(int argc, char **argv, enum sbom_format *f, const char **out)
{
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "format=spdx") == 0)
			*f = SBOM_SPDX;
		else if (strcmp(a, "format=cyclonedx") == 0 ||
		    strcmp(a, "format=cdx") == 0)
			*f = SBOM_CYCLONEDX;
		else if (strncmp(a, "format=", 7) == 0) {
			fprintf(stderr, "sbom: unknown format '%s' (spdx or "
			    "cyclonedx)\n%s", a + 7, usage);
			return -1;
		} else if (strncmp(a, "host:", 5) == 0 && *out == NULL)
			*out = a + 5;
		else {
			fprintf(stderr, "sbom: unexpected argument '%s'\n%s",
			    a, usage);
			return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct sbom_run r = { getenv("PAKS_ENGINE"), getenv("PAKS_CONTAINER"),
		getenv("PAKS_IMAGE"), getenv("PAKS_START_DIR") };
	enum sbom_format format = SBOM_SPDX;
	const char *out = NULL;
	_cleanup_free_ char *path = NULL, *text = NULL;
	struct sbom s = SBOM_INIT;
	char created[32], uuid[37];
	json_t *doc;
	int rc;

	if (argc < 2 || r.engine == NULL || r.container == NULL ||
	    r.image == NULL || !*r.engine || !*r.container) {
		fprintf(stderr, "sbom: a paks plugin: in a session, type "
		    "'#load sbom', then '#sbom'\n");
		return 2;
	}
	if (sbom_args(argc, argv, &format, &out) < 0)
		return 2;
	if (r.start_dir == NULL || *r.start_dir == '\0')
		r.start_dir = ".";
	path = sbom_output_path(&r, out, format);
	rc = sbom_os_release(&r, &s);
	if (rc == 0)
		rc = sbom_dpkg(&r, &s);
	if (rc == 0 && sbom_count(&s, "deb") > 0)
		rc = sbom_deb_licenses(&r, &s);
	if (rc == 0)
		rc = sbom_apk(&r, &s);
	if (rc == 0)
		rc = sbom_rpm(&r, &s);
	if (rc == 0)
		rc = sbom_python(&r, &s);
	if (rc < 0) {
		sbom_release(&s);
		return 1;
	}
	sbom_clean(&s);
	sbom_uuid(uuid);
	sbom_created(created, sizeof created);
	doc = format == SBOM_SPDX ? sbom_spdx(&s, r.image, created, uuid) :
	    sbom_cyclonedx(&s, r.image, created, uuid);
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (text == NULL || sbom_write(path, text) < 0) {
		sbom_release(&s);
		return 1;
	}
	printf("wrote %s (%s) of %zu package%s: %zu deb, %zu apk, %zu "
	    "Python, %zu rpm", path, format == SBOM_SPDX ? "SPDX 2.3" :
	    "CycloneDX 1.5", s.n, s.n == 1 ? "" : "s", sbom_count(&s, "deb"),
	    sbom_count(&s, "apk"), sbom_count(&s, "pypi"),
	    sbom_count(&s, "rpm"));
	if (sbom_count(&s, "conda") > 0)
		printf(", %zu conda", sbom_count(&s, "conda"));
	printf("\n");
	sbom_release(&s);
	return 0;
}
