/*
 * What the transports of paks move share (move.c dispatches to them:
 * move-file.c, move-ssh.c, move-registry.c, move-charliecloud.c, and
 * move-load.c for paks load): running a program (move_exec), saving the image as a docker-archive, progress for the user, and
 * the pure helpers the unit tests call.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "imageref.h"
#include "move-common.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/xalloc.h"

/*
 * The name to give the image elsewhere: the reference without podman's
 * "localhost/" and with a tag; NULL for an image id.
 */
char *
move_repotag(const char *image)
{
	struct imageref ref;
	struct paks_error *e = NULL;
	char *s;

	if (imageref_parse(image, &ref, &e) < 0) {
		paks_error_free(e);
		return NULL;
	}
	if (ref.digest != NULL || (ref.registry == NULL && ref.tag == NULL &&
	    strlen(ref.path) == 64 && strspn(ref.path,
	    "0123456789abcdef") == 64)) {
		imageref_release(&ref);
		return NULL;
	}
	s = xasprintf("%s%s%s:%s",
	    ref.registry && strcmp(ref.registry, "localhost") != 0 ?
	    ref.registry : "",
	    ref.registry && strcmp(ref.registry, "localhost") != 0 ? "/" : "",
	    ref.path, ref.tag ? ref.tag : "latest");
	imageref_release(&ref);
	return s;
}

static void
base64(struct strbuf *sb, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		strbuf_addch(sb, tab[(v >> 18) & 63]);
		strbuf_addch(sb, tab[(v >> 12) & 63]);
		strbuf_addch(sb, i + 1 < n ? tab[(v >> 6) & 63] : '=');
		strbuf_addch(sb, i + 2 < n ? tab[v & 63] : '=');
	}
}

/* A containers-auth.json holding one registry's credentials. */
char *
move_auth_json(const char *registry, const char *user, const char *password)
{
	struct strbuf plain = STRBUF_INIT, b64 = STRBUF_INIT;
	json_t *root, *auths, *entry;
	char *text;

	strbuf_addf(&plain, "%s:%s", user, password);
	base64(&b64, (const unsigned char *)plain.buf, plain.len);
	explicit_bzero(plain.buf, plain.len);
	strbuf_release(&plain);
	entry = json_pack("{s:s}", "auth", b64.buf);
	auths = json_object();
	json_object_set_new(auths, registry, entry);
	root = json_pack("{s:o}", "auths", auths);
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);	/* jansson keeps no copy to wipe */
	explicit_bzero(b64.buf, b64.len);
	strbuf_release(&b64);
	if (text == NULL)
		xoom();
	return text;
}

/*
 * The other side's answer to the layer query (move-ssh.c): "engine NAME"
 * and then one "image DIFFID..." line per image.
 */
int
move_remote_parse(const char *text, char **engine, struct strv *images)
{
	const char *p = text;

	*engine = NULL;
	while (*p) {
		size_t n = strcspn(p, "\n");
		if (n > 7 && strncmp(p, "engine ", 7) == 0 && *engine == NULL) {
			*engine = xstrndup(p + 7, n - 7);
			(*engine)[strcspn(*engine, " \r")] = '\0';
		} else if (n >= 5 && strncmp(p, "image", 5) == 0 &&
		    (n == 5 || p[5] == ' ')) {
			_cleanup_free_ char *l = xstrndup(p + 5, n - 5);
			char *s = l;
			while (*s == ' ')
				s++;
			size_t len = strlen(s);
			while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\r'))
				s[--len] = '\0';
			if (*s != '\0')
				strv_push(images, s);
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	if (*engine == NULL || (strcmp(*engine, "docker") != 0 &&
	    strcmp(*engine, "podman") != 0)) {
		free(*engine);
		*engine = NULL;
		return -1;
	}
	return 0;
}

/* Is word the k-th space-separated word of line? */
static const char *
nth_word(const char *line, size_t k, size_t *len)
{
	const char *p = line;

	for (size_t i = 0;; i++) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return NULL;
		size_t n = strcspn(p, " ");
		if (i == k) {
			*len = n;
			return p;
		}
		p += n;
	}
}

/*
 * Which of the n layers the other side has. by_prefix (docker): layer i
 * counts only when some image there has the same layers 0..i, because
 * docker finds layers by chain. Otherwise (podman) any image holding the
 * diff id will do.
 */
void
move_layers_present(char *const *diff_ids, size_t n, char *const *images,
    bool by_prefix, bool *present)
{
	for (size_t i = 0; i < n; i++) {
		present[i] = false;
		for (char *const *im = images; im && *im && !present[i]; im++) {
			size_t len;
			const char *w;
			if (!by_prefix) {
				for (size_t k = 0; (w = nth_word(*im, k, &len));
				    k++) {
					if (len == strlen(diff_ids[i]) &&
					    memcmp(w, diff_ids[i], len) == 0) {
						present[i] = true;
						break;
					}
				}
				continue;
			}
			bool same = true;
			for (size_t k = 0; k <= i && same; k++) {
				w = nth_word(*im, k, &len);
				same = w != NULL && len == strlen(diff_ids[k]) &&
				    memcmp(w, diff_ids[k], len) == 0;
			}
			present[i] = same;
		}
	}
}

/* The first image named by "Loaded image: X" / "Loaded image(s): X,Y". */
char *
move_loaded_name(const char *out)
{
	static const char *const keys[] = { "Loaded image: ",
		"Loaded image(s): ", "Loaded image ID: " };

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *p = strstr(out, keys[i]);
		if (p != NULL) {
			p += strlen(keys[i]);
			return xstrndup(p, strcspn(p, ",\r\n "));
		}
	}
	return NULL;
}

/* Progress for the user: straight to the fd, unbuffered (#move streams it). */
void
move_say(const struct move_job *job, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	write_all(job->out, s, strlen(s));
	free(s);
}

/*
 * "skopeo copy --quiet", and the docker daemon's address for its side
 * (side "src" or "dest"): skopeo ignores DOCKER_HOST; docker and paks do
 * not.
 */
void
move_skopeo_copy(struct strv *argv, const char *side)
{
	strv_push(argv, "skopeo");
	strv_push(argv, "copy");
	strv_push(argv, "--quiet");
	if (getenv("DOCKER_HOST") != NULL)
		strv_pushf(argv, "--%s-daemon-host=%s", side,
		    getenv("DOCKER_HOST"));
}

/* An unnamed temporary file: gone however paks ends. */
int
move_tmpfile(struct paks_error **err)
{
	const char *dir = getenv("TMPDIR");
	_cleanup_free_ char *tmpl = NULL;
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/var/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	tmpl = xasprintf("%s/paks-move.XXXXXX", dir);
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0)
		return paks_error_set(err, errno, "cannot make a temporary "
		    "file in '%s'", dir);
	unlink(tmpl);
	return fd;
}

/* What an unnamed file holds (up to 16 MiB), as a string. */
char *
move_fd_text(int fd)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	ssize_t n;
	off_t off = 0;

	while ((n = pread(fd, buf, sizeof buf, off)) > 0 &&
	    sb.len < (16u << 20)) {
		strbuf_add(&sb, buf, (size_t)n);
		off += n;
	}
	strbuf_addch(&sb, '\0');
	sb.len--;
	return strbuf_detach(&sb);
}

/*
 * Run r for a transport (util/run.h: stdin is /dev/null unless r says
 * otherwise; what it captures is read while it runs, so no pipe fills
 * up). Returns its exit code, or -1 when it could not start.
 */
int
move_exec(struct run *r, struct paks_error **err)
{
	if (run_cmd(r, err) < 0) {
		if ((*err)->code == ENOENT)
			paks_error_hint(err, "is %s installed?", r->argv[0]);
		return -1;
	}
	return r->code;
}

/* The last non-empty line, without logrus's 'time=... level=... msg="..."'. */
char *
move_last_line(const char *s)
{
	char *line = engine_last_line(s), *msg;

	if ((msg = strstr(line, " msg=\"")) != NULL) {
		char *m = xstrdup(msg + 6);
		size_t n = strlen(m);
		if (n > 0 && m[n - 1] == '"')
			m[n - 1] = '\0';
		free(line);
		line = m;
	}
	if (strncmp(line, "Error: ", 7) == 0) {
		char *rest = xstrdup(line + 7);
		free(line);
		line = rest;
	}
	return line;
}

void
move_image_info_release(struct move_image_info *info)
{
	free(info->id);
	free(info->workdir);
	strv_release(&info->layers);
}

/*
 * "ENGINE save" of the image, as a docker-archive, into fd (through the
 * engine's API when it answers: engine-api-words.c).
 */
int
move_save_archive(struct move_job *job, int fd, struct paks_error **err)
{
	char *dargs[] = { "save", (char *)job->image, NULL };
	char *pargs[] = { "save", "--format=docker-archive",
		(char *)job->image, NULL };

	return engine_cmd_args(job->engine, NULL, job->engine->daemon ? dargs :
	    pargs, NULL, NULL, fd, err);
}
