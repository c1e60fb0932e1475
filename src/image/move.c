/*
 * Moving an image out of the local engine: the destinations, the shared
 * options, the archive transports (docker-archive:, oci-archive:) and the
 * helpers the other transports (move-ssh.c, move-registry.c,
 * move-charliecloud.c) use.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "imageref.h"
#include "move-archive.h"
#include "move.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/xalloc.h"

#define DEST_FORMS "docker-archive:PATH, oci-archive:PATH, " \
	"docker://REGISTRY/REPO[:TAG], ssh://[USER@]HOST[:PORT][/ENGINE] or " \
	"charliecloud:DIR"

static const struct option move_options[] = {
	{ "container-tech", required_argument, NULL, 'c' },
	{ "engine", required_argument, NULL, 'c' },
	{ "creds-env", required_argument, NULL, 'C' },
	{ "cert-dir", required_argument, NULL, 'D' },
	{ "tls-verify", optional_argument, NULL, 'T' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/*
 * Options first or anywhere, then nwords words ([IMAGE] DEST). Returns 0,
 * 1 for --help, or CMD_USAGE_ERROR with *err set. who is "move" or
 * "#move", for messages.
 */
int
move_args_parse(int argc, char **argv, const char *who, int nwords,
    struct move_args *a, struct paks_error **err)
{
	const char *usage = nwords == 2 ? "paks move [OPTIONS] IMAGE DEST" :
	    "#move [OPTIONS] DEST";
	int c;

	*a = (struct move_args){ .tls_verify = true };
	optind = 0;	/* 0: start over, options may follow words */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:h", move_options, NULL)) !=
	    -1) {
		switch (c) {
		case 'c': a->engine = optarg; break;
		case 'C': a->creds_env = optarg; break;
		case 'D': a->cert_dir = optarg; break;
		case 'T':
			if (optarg == NULL || strcmp(optarg, "true") == 0)
				a->tls_verify = true;
			else if (strcmp(optarg, "false") == 0)
				a->tls_verify = false;
			else {
				paks_error_set(err, 0, "%s: --tls-verify takes "
				    "true or false", who);
				return CMD_USAGE_ERROR;
			}
			break;
		case 'h':
			return 1;
		default:
			paks_error_set(err, 0, "%s: unknown or incomplete "
			    "option '%s'", who, argv[optind - 1]);
			paks_error_hint(err, "usage: %s", usage);
			return CMD_USAGE_ERROR;
		}
	}
	if (argc - optind != nwords) {
		paks_error_set(err, 0, "%s: %s", who, argc - optind < nwords ?
		    (nwords == 2 && argc - optind == 1 ? "no destination given" :
		    nwords == 2 ? "no image and destination given" :
		    "no destination given") : "too many arguments");
		paks_error_hint(err, "usage: %s", usage);
		return CMD_USAGE_ERROR;
	}
	a->words = argv + optind;
	a->nwords = nwords;
	return 0;
}

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

/* One word for a POSIX shell: single quotes, ' as '\''. */
void
move_shell_quote(struct strbuf *sb, const char *s)
{
	if (*s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
	    "OPQRSTUVWXYZ0123456789_-./:=@,+%") == strlen(s)) {
		strbuf_adds(sb, s);
		return;
	}
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_adds(sb, "'\\''");
		else
			strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

/* "812 B", "1.0 MB", "127.6 MB" (powers of 1000, as the engines print) */
char *
move_size(uint64_t n)
{
	static const char *const units[] = { "kB", "MB", "GB", "TB" };
	double v = (double)n;
	int u = -1;

	if (n < 1000)
		return xasprintf("%" PRIu64 " B", n);
	while (v >= 1000 && u < 3) {
		v /= 1000;
		u++;
	}
	return xasprintf("%.1f %s", v, units[u]);
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
 * Run argv: stdin from in (-1: /dev/null), stdout to out (-1: collected
 * into *outtext), fd 3 from fd3 (-1: none), stderr collected into
 * *errtext. Output goes through unnamed files, so no pipe can fill up.
 * Returns the exit code, or -1 when it could not start.
 */
int
move_run(char *const *argv, int in, int out, int fd3, char **outtext,
    char **errtext, struct paks_error **err)
{
	_cleanup_spawn_ struct spawn sp = SPAWN_INIT;
	_cleanup_close_ int of = -1, ef = -1;
	int code;

	if (out < 0 && (of = move_tmpfile(err)) < 0)
		return -1;
	if ((ef = move_tmpfile(err)) < 0)
		return -1;
	strv_pushv(&sp.args, argv);
	sp.in = in >= 0 ? in : SPAWN_DEVNULL;
	sp.out = out >= 0 ? out : of;
	sp.err = ef;
	sp.fd3 = fd3;
	if (spawn_start(&sp, err) < 0) {
		if ((*err)->code == ENOENT)
			paks_error_hint(err, "is %s installed?", argv[0]);
		return -1;
	}
	code = spawn_status_code(spawn_wait(&sp));
	if (outtext != NULL)
		*outtext = of >= 0 ? move_fd_text(of) : xstrdup("");
	if (errtext != NULL)
		*errtext = move_fd_text(ef);
	return code;
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

/* "ENGINE save" of the image, as a docker-archive, into fd. */
int
move_save_archive(struct move_job *job, int fd, struct paks_error **err)
{
	_cleanup_strv_ struct strv argv = STRV_INIT;
	_cleanup_free_ char *eo = NULL, *last = NULL;
	int code;

	strv_push(&argv, job->engine->program);
	strv_push(&argv, "save");
	if (!job->engine->daemon)
		strv_push(&argv, "--format=docker-archive");
	strv_push(&argv, job->image);
	code = move_run(argv.v, -1, fd, -1, NULL, &eo, err);
	if (code < 0)
		return -1;
	if (code != 0) {
		last = move_last_line(eo);
		return paks_error_set(err, 0, "%s save failed: %s",
		    job->engine->name, *last ? last : "no message");
	}
	return 0;
}

/*
 * The file being written beside the destination, removed if a signal ends
 * paks first (Ctrl-C, or #move's session passing one on).
 */
static char *volatile move_partial;

static void
move_on_signal(int sig)
{
	char *p = move_partial;

	if (p != NULL)
		unlink(p);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Watch path (NULL: stop watching) for move_on_signal. */
static void
move_watch(char *path)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = path ? move_on_signal : SIG_DFL };

	sigemptyset(&sa.sa_mask);
	move_partial = path;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* A file in path's folder to write first and rename over path at the end. */
static int
move_sibling(const char *path, char **tmp, struct paks_error **err)
{
	_cleanup_free_ char *copy = xstrdup(path);
	const char *dir = dirname(copy);
	struct stat st;
	int fd;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return paks_error_set(err, errno ? errno : ENOTDIR,
		    "cannot write '%s'", path);
	*tmp = xasprintf("%s/.paks-move.XXXXXX", dir);
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		free(*tmp);
		*tmp = NULL;
		return paks_error_set(err, e, "cannot write in '%s'", dir);
	}
	move_watch(*tmp);
	return fd;
}

static void
move_say_load(struct move_job *job, const char *path, const char *name)
{
	move_say(job, "load it there with paks (or: docker load -i, podman "
	    "load -i) and run it:\n  paks load %s && paks run %s\n", path,
	    name);
}

/* docker-archive:PATH, written by paks so that names stay the same. */
static int
move_docker_archive(struct move_job *job, const struct move_image_info *info,
    struct paks_error **err)
{
	_cleanup_close_ int saved = -1, out = -1;
	_cleanup_free_ char *tmp = NULL, *tag = move_repotag(job->image);
	_cleanup_free_ char *size = NULL;
	struct move_archive a = MOVE_ARCHIVE_INIT;
	struct move_archive_stats st;
	const char *path = job->dest->path;
	int rc = -1;

	if ((saved = move_tmpfile(err)) < 0 ||
	    move_save_archive(job, saved, err) < 0 ||
	    move_archive_read(saved, &a, err) < 0)
		goto out;
	if ((out = move_sibling(path, &tmp, err)) < 0)
		goto out;
	if (move_archive_write(&a, NULL, tag, out, &st, err) < 0 ||
	    fsync(out) < 0 || rename(tmp, path) < 0) {
		if (*err == NULL)
			paks_error_set(err, errno, "cannot write '%s'", path);
		unlink(tmp);
		goto out;
	}
	size = move_size(st.written);
	move_say(job, "wrote %s (%s, %zu layer%s)\n", path, size, st.sent,
	    st.sent == 1 ? "" : "s");
	move_say_load(job, path, tag ? tag : info->id);
	rc = 0;
out:
	move_watch(NULL);
	move_archive_release(&a);
	return rc;
}

/* oci-archive:PATH: podman writes it; for docker, skopeo reads the daemon. */
static int
move_oci_archive(struct move_job *job, const struct move_image_info *info,
    struct paks_error **err)
{
	_cleanup_strv_ struct strv argv = STRV_INIT;
	_cleanup_free_ char *tmp = NULL, *tag = move_repotag(job->image);
	_cleanup_free_ char *eo = NULL, *last = NULL, *size = NULL;
	_cleanup_close_ int fd = -1;
	const char *path = job->dest->path;
	struct stat st;
	int code;

	if ((fd = move_sibling(path, &tmp, err)) < 0)
		return -1;
	if (job->engine->daemon) {
		strv_push(&argv, "skopeo");
		strv_push(&argv, "copy");
		strv_push(&argv, "--quiet");
		strv_push(&argv, "--dest-compress");
		if (getenv("DOCKER_HOST") != NULL)
			strv_pushf(&argv, "--src-daemon-host=%s",
			    getenv("DOCKER_HOST"));
		strv_pushf(&argv, "docker-daemon:%s", info->id);
		strv_pushf(&argv, "oci-archive:%s%s%s", tmp, tag ? ":" : "",
		    tag ? tag : "");
	} else {
		strv_push(&argv, job->engine->program);
		strv_push(&argv, "save");
		strv_push(&argv, "--format=oci-archive");
		strv_pushf(&argv, "--output=%s", tmp);
		strv_push(&argv, job->image);
	}
	code = move_run(argv.v, -1, -1, -1, NULL, &eo, err);
	if (code != 0) {
		unlink(tmp);
		move_watch(NULL);
		if (code < 0)
			return -1;
		last = move_last_line(eo);
		return paks_error_set(err, 0, "%s failed: %s", argv.v[0],
		    *last ? last : "no message");
	}
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		move_watch(NULL);
		return paks_error_set(err, e, "cannot write '%s'", path);
	}
	move_watch(NULL);
	size = move_size(stat(path, &st) == 0 ? (uint64_t)st.st_size : 0);
	move_say(job, "wrote %s (%s, %zu layer%s)\n", path, size,
	    info->layers.n, info->layers.n == 1 ? "" : "s");
	move_say_load(job, path, tag ? tag : info->id);
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
		rc = move_docker_archive(job, &info, err);
		break;
	case MOVE_OCI_ARCHIVE:
		rc = move_oci_archive(job, &info, err);
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
	move_watch(NULL);
	job->dest = orig;
	move_image_info_release(&info);
	return rc;
}
