/*
 * docker://[REGISTRY/]REPO[:TAG]: push to a registry with skopeo, reading
 * the image straight from the local engine.
 *
 * Credentials come from a named paks environment (REGISTRY_USER and
 * REGISTRY_PASSWORD) and reach skopeo as an auth file that exists only in
 * memory (a memfd, mode 0600, handed over as fd 3 and named /dev/fd/3):
 * never in an argument vector, the environment of a child, or on disk.
 * skopeo runs with --debug because only its debug log says which layers
 * the registry already had.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "move-registry.h"
#include "store/envstore.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/text.h"
#include "util/xalloc.h"

/* The credentials of environment name as an in-memory auth file. */
static int
registry_authfile(const char *name, const char *registry,
    struct paks_error **err)
{
	_cleanup_env_ struct env env = ENV_INIT;
	const char *user, *pass;
	char *json;
	int fd;

	if (envstore_load(name, &env, err) < 0)
		return -1;
	if ((user = env_get(&env, "REGISTRY_USER")) == NULL ||
	    (pass = env_get(&env, "REGISTRY_PASSWORD")) == NULL)
		return paks_error_set(err, 0, "environment '%s' has no %s",
		    name, user == NULL ? "REGISTRY_USER" : "REGISTRY_PASSWORD");
	json = move_auth_json(registry, user, pass);
	for (size_t i = 0; i < env.n; i++)
		explicit_bzero(env.v[i].value, strlen(env.v[i].value));
	fd = memfd_create("paks-registry-auth", MFD_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0600) < 0 ||
	    write_all(fd, json, strlen(json)) < 0) {
		int e = errno;
		explicit_bzero(json, strlen(json));
		free(json);
		if (fd >= 0)
			close(fd);
		return paks_error_set(err, e, "cannot hold the credentials in "
		    "memory");
	}
	explicit_bzero(json, strlen(json));
	free(json);
	return fd;
}

/*
 * Is the registry on this machine (localhost, 127.0.0.0/8, [::1])? docker
 * takes such a registry as insecure by default (plain http, or TLS not
 * verified), and so does paks unless --tls-verify says otherwise.
 */
bool
move_registry_loopback(const char *reg)
{
	_cleanup_free_ char *host = NULL;
	struct in_addr a;
	const char *end;

	if (strncmp(reg, "[::1]", 5) == 0)
		return reg[5] == '\0' || reg[5] == ':';
	end = strchr(reg, ':');
	host = end ? xstrndup(reg, (size_t)(end - reg)) : xstrdup(reg);
	if (strcmp(host, "localhost") == 0)
		return true;
	return inet_pton(AF_INET, host, &a) == 1 &&
	    (ntohl(a.s_addr) >> 24) == 127;
}

/* skopeo's options for the registry side. */
static void
registry_opts(const struct move_job *job, int authfd, bool copy,
    struct strv *argv)
{
	bool verify = job->tls_chosen ? job->tls_verify :
	    !move_registry_loopback(job->dest->registry);

	if (authfd >= 0)
		strv_push(argv, "--authfile=/dev/fd/3");
	if (!verify)
		strv_pushf(argv, "--%stls-verify=false", copy ? "dest-" : "");
	if (job->cert_dir != NULL)
		strv_pushf(argv, "--%scert-dir=%s", copy ? "dest-" : "",
		    job->cert_dir);
}

/*
 * One clear line for the ways a push fails, read from skopeo's last line
 * (its fatal message; the debug lines before it mention certificates and
 * auth in passing).
 */
static int
registry_error(const struct move_job *job, const char *eo,
    struct paks_error **err)
{
	const char *reg = job->dest->registry;
	_cleanup_free_ char *last = move_last_line(eo);

	if (strstr(last, "unauthorized") || strstr(last, "authentication "
	    "required") || strstr(last, "denied:") ||
	    strstr(last, "invalid username/password"))
		return job->creds_env ?
		    paks_error_set(err, 0, "registry '%s' refused the "
		    "credentials of environment '%s'", reg, job->creds_env) :
		    paks_error_set(err, 0, "registry '%s' wants credentials; "
		    "give them with --creds-env NAME", reg);
	if (strstr(last, "x509:") || strstr(last, "certificate"))
		return paks_error_set(err, 0, "registry '%s': its TLS "
		    "certificate is not trusted (--cert-dir DIR, or "
		    "--tls-verify=false for a test registry)", reg);
	if (strstr(last, "HTTP response to HTTPS client"))
		return paks_error_set(err, 0, "registry '%s' speaks plain "
		    "http; use --tls-verify=false", reg);
	if (strstr(last, "connection refused") || strstr(last, "no such host")
	    || strstr(last, "i/o timeout"))
		return paks_error_set(err, 0, "cannot reach registry '%s' "
		    "(connection refused, unknown host or timeout)", reg);
	return paks_error_set(err, 0, "push to '%s' failed: %s",
	    job->dest->ref, *last ? last : "no message");
}

/* Was the layer with this diff id skipped as "already present"? */
static bool
registry_reused(const char *log, const char *diff_id)
{
	_cleanup_free_ char *needle = xasprintf("Skipping blob %s (already "
	    "present)", diff_id);

	return strstr(log, needle) != NULL;
}

/* Bytes sent: the pushed manifest's sizes of the layers not reused. */
static uint64_t
registry_sent(const struct move_job *job, int authfd,
    const struct move_image_info *info, const bool *reused)
{
	_cleanup_strv_ struct strv argv = STRV_INIT;
	_cleanup_run_ struct run r = RUN_INIT(NULL);
	struct paks_error *ignored = NULL;
	const char *out;
	json_error_t jerr;
	uint64_t sent = 0;
	json_t *m;

	strv_push(&argv, "skopeo");
	strv_push(&argv, "inspect");
	strv_push(&argv, "--raw");
	registry_opts(job, authfd, false, &argv);
	strv_pushf(&argv, "docker://%s", job->dest->ref);
	r.argv = argv.v;
	r.out.how = r.err.how = RUN_CAPTURE;
	r.fd3 = authfd;
	if (move_exec(&r, &ignored) != 0) {
		paks_error_free(ignored);
		return 0;
	}
	out = strbuf_str(&r.out_text);
	m = json_loads(out, 0, &jerr);
	json_t *layers = json_object_get(m, "layers");
	sent = strlen(out) + (uint64_t)json_integer_value(json_object_get(
	    json_object_get(m, "config"), "size"));
	for (size_t i = 0; i < json_array_size(layers); i++) {
		if (i < info->layers.n && reused[i])
			continue;
		sent += (uint64_t)json_integer_value(json_object_get(
		    json_array_get(layers, i), "size"));
	}
	json_decref(m);
	return sent;
}

int
move_registry(struct move_job *job, const struct move_image_info *info,
    struct paks_error **err)
{
	const struct move_dest *d = job->dest;
	_cleanup_strv_ struct strv argv = STRV_INIT;
	_cleanup_free_ char *size = NULL;
	_cleanup_run_ struct run r = RUN_INIT(NULL);
	_cleanup_free_ bool *reused = NULL;
	const char *eo;
	_cleanup_close_ int authfd = -1;
	size_t nreused = 0;
	int code;

	if (job->creds_env != NULL &&
	    (authfd = registry_authfile(job->creds_env, d->registry, err)) < 0)
		return -1;
	strv_push(&argv, "skopeo");
	strv_push(&argv, "--debug");
	strv_push(&argv, "copy");
	registry_opts(job, authfd, true, &argv);
	if (job->engine->daemon && getenv("DOCKER_HOST") != NULL)
		strv_pushf(&argv, "--src-daemon-host=%s", getenv("DOCKER_HOST"));
	if (job->engine->daemon)
		strv_pushf(&argv, "docker-daemon:%s", info->id);
	else
		strv_pushf(&argv, "containers-storage:%s", info->id);
	strv_pushf(&argv, "docker://%s", d->ref);
	move_say(job, "pushing %s to %s ...\n", job->image, d->ref);
	r.argv = argv.v;
	r.out.how = r.err.how = RUN_CAPTURE;
	r.fd3 = authfd;
	code = move_exec(&r, err);
	eo = strbuf_str(&r.err_text);
	if (code < 0) {
		if ((*err)->code == ENOENT)
			paks_error_hint(err, "install skopeo (apt-get install "
			    "skopeo)");
		return -1;
	}
	if (code != 0)
		return registry_error(job, eo, err);
	reused = xcalloc(info->layers.n + 1, sizeof *reused);
	for (size_t i = 0; i < info->layers.n; i++) {
		reused[i] = registry_reused(eo, info->layers.v[i]);
		nreused += reused[i];
	}
	size = text_size(registry_sent(job, authfd, info, reused));
	move_say(job, "sent %s: %zu new layer%s and the metadata; %zu layer%s "
	    "reused\n", size, info->layers.n - nreused,
	    info->layers.n - nreused == 1 ? "" : "s", nreused,
	    nreused == 1 ? "" : "s");
	move_say(job, "pushed %s; run it where the registry is reachable%s:\n"
	    "  %s run -it --rm %s\n", d->ref, job->creds_env ?
	    " (after a login)" : "", job->engine->name, d->ref);
	return 0;
}
