/*
 * apibench: what an engine call costs paks through the docker client
 * (fork, exec, the client's start, its request) against the same call
 * through the Engine API (src/engine/docker-api.c: one request on a kept
 * connection). Interleaved rounds of container inspect and of commit
 * (each new image removed again); prints the median of each and the ratio.
 *
 * Usage: apibench CONTAINER [ROUNDS]   (bench/api/run makes the container)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/docker-api.h"
#include "engine/engine-api.h"
#include "util/run.h"
#include "util/xalloc.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
die(struct paks_error *err)
{
	fprintf(stderr, "apibench: %s\n", err ? err->msg : "failed");
	exit(1);
}

/* "docker ARGS..." and its stdout; exits on failure. */
static char *
cli(char **argv)
{
	struct paks_error *err = NULL;
	struct run r = RUN_INIT(argv);
	char *out;

	r.out.how = r.err.how = RUN_CAPTURE;
	if (run_cmd(&r, &err) < 0 || r.code != 0)
		die(err);
	out = xstrdup(strbuf_str(&r.out_text));
	run_release(&r);
	return out;
}

static void
api_rmi(struct docker_api *api, const char *id)
{
	char *path = xasprintf("/images/%s", id);
	struct paks_error *err = NULL;

	if (docker_api_call(api, "DELETE", path, NULL, NULL, NULL, &err) < 0)
		die(err);
	free(path);
}

static void
report(const char *what, double *c, double *a, int n)
{
	double mc = median(c, n), ma = median(a, n);

	printf("| %-18s | %8.2f | %8.2f | x%-9.3f |\n", what, mc, ma,
	    ma / mc);
}

int
main(int argc, char **argv)
{
	const char *ctr = argc > 1 ? argv[1] : NULL;
	int rounds = argc > 2 ? atoi(argv[2]) : 20;
	struct paks_error *err = NULL;
	struct docker_api *api;
	char *path = docker_api_socket_path();
	double *ci, *ai, *cc, *ac, t;
	char *inspect[] = { "docker", "container", "inspect", (char *)ctr,
		NULL };
	char *commit[] = { "docker", "commit", (char *)ctr, NULL };

	if (ctr == NULL || rounds < 1) {
		fprintf(stderr, "usage: apibench CONTAINER [ROUNDS]\n");
		return 2;
	}
	if (path == NULL || (api = docker_api_open(path, &err)) == NULL)
		die(err);
	ci = xcalloc((size_t)rounds, sizeof *ci);
	ai = xcalloc((size_t)rounds, sizeof *ai);
	cc = xcalloc((size_t)rounds, sizeof *cc);
	ac = xcalloc((size_t)rounds, sizeof *ac);
	for (int i = 0; i < rounds; i++) {
		char *out = NULL, *id = NULL;

		t = now_ms();
		free(cli(inspect));
		ci[i] = now_ms() - t;
		t = now_ms();
		if (engine_api_inspect(api, ctr, &out, &err) < 0)
			die(err);
		ai[i] = now_ms() - t;
		free(out);

		t = now_ms();
		id = cli(commit);
		cc[i] = now_ms() - t;
		id[strcspn(id, "\n")] = '\0';
		api_rmi(api, id);
		free(id);
		t = now_ms();
		if (engine_api_commit(api, ctr, NULL, &id, &err) < 0)
			die(err);
		ac[i] = now_ms() - t;
		api_rmi(api, id);
		free(id);
	}
	printf("Engine API %s, %d rounds, median ms\n\n",
	    docker_api_version(api), rounds);
	printf("| %-18s | %8s | %8s | %6s |\n", "call", "client", "API",
	    "API/client");
	printf("|--------------------|----------|----------|------------|\n");
	report("container inspect", ci, ai, rounds);
	report("commit", cc, ac, rounds);
	docker_api_free(api);
	free(path);
	free(ci), free(ai), free(cc), free(ac);
	return 0;
}
