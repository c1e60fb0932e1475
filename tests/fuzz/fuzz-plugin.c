/*
 * Fuzz what plugins hand paks (src/plugin/plugin.c): a manifest,
 * plugin.yml, which anyone may write, and the records a plugin's process
 * writes to fd 3. The input is both. Properties:
 *
 *  - a manifest that parses has a valid name and version, an exec path
 *    that stays in the plugin's directory, 1 to 32 commands with valid,
 *    distinct names, one-line texts and a sane argument range;
 *  - a manifest that does not parse leaves the plugin empty;
 *  - exports that decode are valid names, none of paks's own, and encode
 *    and decode again to the same variables;
 *  - no message holds a control byte (C0 or DEL): it is shown on the
 *    user's terminal. (Bytes from 0x80 up may pass: plugin_showable lets
 *    UTF-8 names through, and a plugin runs as the user anyway.)
 */
#include <stdbool.h>

#include "fuzz.h"
#include "plugin/plugin.h"
#include "store/envstore.h"
#include "util/strbuf.h"

static void
check_message(const struct paks_error *err)
{
	FUZZ_CHECK(err != NULL && err->msg != NULL, "no message");
	for (const char *p = err->msg; *p; p++)
		FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f,
		    "byte %#x in '%s'",
		    (unsigned char)*p, err->msg);
}

static void
check_text(const char *s, size_t max, const char *what)
{
	FUZZ_CHECK(s != NULL, "no %s", what);
	FUZZ_CHECK(strlen(s) <= max, "%s of %zu bytes", what, strlen(s));
	for (const char *p = s; *p; p++)
		FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f,
		    "byte %#x in %s", (unsigned char)*p, what);
}

/* exec must not leave the plugin's directory: relative, no ".." part */
static bool
exec_inside(const char *e)
{
	const char *p = e;

	if (*e == '\0' || *e == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += n;
		while (*p == '/')
			p++;
	}
	return true;
}

static void
check_plugin(const struct plugin *p)
{
	FUZZ_CHECK(p->name != NULL && plugin_name_valid(p->name), "name");
	check_text(p->version, 64, "version");
	FUZZ_CHECK(*p->version != '\0', "empty version");
	if (p->description != NULL)
		check_text(p->description, PLUGIN_TEXT_MAX, "description");
	FUZZ_CHECK(p->exec != NULL && exec_inside(p->exec), "exec '%s'",
	    p->exec ? p->exec : "");
	FUZZ_CHECK(p->ncmds >= 1 && p->ncmds <= 32, "%zu commands",
	    p->ncmds);
	for (size_t i = 0; i < p->ncmds; i++) {
		const struct plugin_cmd *c = &p->cmds[i];

		FUZZ_CHECK(c->name != NULL && plugin_name_valid(c->name),
		    "command name");
		check_text(c->usage, PLUGIN_TEXT_MAX, "usage");
		check_text(c->description, PLUGIN_TEXT_MAX, "description");
		FUZZ_CHECK(*c->description != '\0', "empty description");
		FUZZ_CHECK(c->min_args >= 0 && (c->max_args == -1 ||
		    c->max_args >= c->min_args), "range %d..%d", c->min_args,
		    c->max_args);
		FUZZ_CHECK(c->plugin == p, "command of another plugin");
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(p->cmds[j].name, c->name) != 0,
			    "command '%s' twice", c->name);
	}
}

static void
fuzz_manifest(const uint8_t *data, size_t size)
{
	struct plugin p;
	struct paks_error *err = NULL;

	if (plugin_parse((const char *)data, size, "plugin.yml", &p,
	    &err) == 0) {
		FUZZ_CHECK(err == NULL, "an error on success");
		check_plugin(&p);
		plugin_release(&p);
		return;
	}
	check_message(err);
	FUZZ_CHECK(p.name == NULL && p.version == NULL && p.exec == NULL &&
	    p.cmds == NULL && p.ncmds == 0, "a refused manifest left parts");
	paks_error_free(err);
}

static void
fuzz_exports(const uint8_t *data, size_t size)
{
	struct env env = ENV_INIT, back = ENV_INIT;
	struct strbuf rec = STRBUF_INIT;
	struct paks_error *err = NULL;

	if (plugin_decode_exports((const char *)data, size, &env, &err) < 0) {
		check_message(err);
		FUZZ_CHECK(env.n == 0, "refused exports left variables");
		paks_error_free(err);
		return;
	}
	for (size_t i = 0; i < env.n; i++) {
		FUZZ_CHECK(envstore_key_valid(env.v[i].key), "key");
		FUZZ_CHECK(strncmp(env.v[i].key, "__paks", 6) != 0,
		    "paks's own '%s'", env.v[i].key);
		strbuf_addf(&rec, "%s=%s", env.v[i].key, env.v[i].value);
		strbuf_addch(&rec, '\0');
	}
	FUZZ_CHECK(plugin_decode_exports(rec.buf ? rec.buf : "", rec.len,
	    &back, &err) == 0, "encoded exports do not decode");
	FUZZ_CHECK(back.n == env.n, "%zu variables, then %zu", env.n, back.n);
	for (size_t i = 0; i < env.n; i++)
		FUZZ_CHECK(strcmp(env.v[i].key, back.v[i].key) == 0 &&
		    strcmp(env.v[i].value, back.v[i].value) == 0,
		    "variable %zu", i);
	env_release(&env);
	env_release(&back);
	strbuf_release(&rec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	fuzz_manifest(data, size);
	fuzz_exports(data, size);
	return 0;
}
