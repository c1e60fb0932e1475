/* paks config: write, read, change and edit the user's settings file. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "host-format.h"
#include "store/paths.h"
#include "store/settings-edit.h"
#include "store/settings.h"
#include "store/storefile.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define CONFIG_FILE_MAX	(1u << 20)

static int
config_init_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	_cleanup_free_ char *path = settings_user_path(), *home = paths_home();
	_cleanup_free_ char *text = settings_init_text();
	_cleanup_storefile_ struct storefile sf = STOREFILE_INIT;

	(void)argc, (void)argv;
	if (!cmd_opt_has(ctx->args, "force") && access(path, F_OK) == 0) {
		paks_error_set(err, 0, "'%s' already exists", path);
		return paks_error_hint(err, "'paks config init --force' "
		    "replaces it; 'paks config set' changes one key");
	}
	if (storefile_mkdir(home, err) < 0 ||
	    storefile_open(&sf, path, NULL, err) < 0 ||
	    storefile_write(&sf, text, strlen(text), err) < 0 ||
	    storefile_commit(&sf, err) < 0)
		return -1;
	cmd_printf(ctx, "wrote %s\n", path);
	return 0;
}

static int
config_get_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	const struct setting_def *d = settings_find(argv[1]);
	_cleanup_free_ char *v = NULL;
	const struct settings *s;

	(void)argc;
	if (d == NULL) {
		/* settings_set words the error with the known keys */
		struct settings none = { 0 };

		settings_set(&none, argv[1], "", SOURCE_USER, err);
		return CMD_USAGE_ERROR;
	}
	if ((s = cmd_settings(ctx, err)) == NULL)
		return -1;
	v = d->type == SETTING_LIST ? settings_yaml_value(s, d->name) :
	    xstrdup(settings_get(s, d->name));
	cmd_printf(ctx, "%s\n", v);
	return 0;
}

static int
config_set_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	_cleanup_free_ char *key = NULL, *yaml = NULL;
	const char *value;

	(void)ctx;
	if (argc == 3) {
		key = xstrdup(argv[1]);
		value = argv[2];
	} else {
		/* the original paks form: KEY=VALUE or KEY:VALUE */
		size_t n = strcspn(argv[1], "=:");

		if (argv[1][n] == '\0') {
			paks_error_set(err, 0, "config set: no value for '%s'",
			    argv[1]);
			paks_error_hint(err, "usage: paks config set KEY VALUE "
			    "(or KEY=VALUE)");
			return CMD_USAGE_ERROR;
		}
		key = xstrndup(argv[1], n);
		value = argv[1] + n + 1;
	}
	if (settings_value_yaml(key, value, &yaml, err) < 0)
		return CMD_USAGE_ERROR;
	return settings_user_set(key, value, err);
}

/* A setting's value in effect, as JSON of its type. */
static json_t *
config_json_value(const struct settings *s, const struct setting_def *d)
{
	json_t *list;

	switch (d->type) {
	case SETTING_BOOL:
		return json_boolean(settings_get_bool(s, d->name));
	case SETTING_INT:
		return json_integer(settings_get_int(s, d->name));
	case SETTING_LIST:
		list = json_array();
		for (char *const *v = settings_get_list(s, d->name); v && *v;
		     v++)
			json_array_append_new(list, json_string(*v));
		return list;
	case SETTING_STRING:
		break;
	}
	return json_string(settings_get(s, d->name));
}

/* --format json: { KEY: { "value": ..., "source": ..., "file": ... } } */
static void
config_list_json(struct cmd_ctx *ctx, const struct settings *s)
{
	json_t *all = json_object();

	for (int i = 0; i < settings_count; i++) {
		const char *origin = s->v[i].origin;

		json_object_set_new(all, settings_table[i].name, json_pack(
		    "{s:o,s:s,s:o}", "value", config_json_value(s,
		    &settings_table[i]), "source",
		    settings_source_name(s->v[i].source), "file",
		    origin ? json_string(origin) : json_null()));
	}
	host_json_print(ctx, all);
}

static int
config_list_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	const struct settings *s;
	bool json;
	int width = 0, rc;

	(void)argc, (void)argv;
	if ((rc = host_format_json(ctx, &json, err)) < 0)
		return rc;
	if ((s = cmd_settings(ctx, err)) == NULL)
		return -1;
	if (json) {
		config_list_json(ctx, s);
		return 0;
	}
	for (int i = 0; i < settings_count; i++) {
		_cleanup_free_ char *v = settings_yaml_value(s,
		    settings_table[i].name);
		int w = (int)(strlen(settings_table[i].name) + strlen(v)) + 2;

		if (w > width && w <= 40)
			width = w;
	}
	for (int i = 0; i < settings_count; i++) {
		const char *name = settings_table[i].name;
		_cleanup_free_ char *v = settings_yaml_value(s, name);
		_cleanup_free_ char *line = xasprintf("%s: %s", name, v);
		const char *origin = s->v[i].origin;

		cmd_printf(ctx, "%-*s  # %s%s%s\n", width, line,
		    settings_source_name(s->v[i].source), origin ? " " : "",
		    origin ? origin : "");
	}
	return 0;
}

/*
 * Edit a copy next to the file, check it, and only then replace the file:
 * an edit that does not load is reported and the old file stays as it was.
 */
static int
config_edit_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	_cleanup_free_ char *path = settings_user_path(), *home = paths_home();
	_cleanup_free_ char *old = NULL, *text = NULL;
	_cleanup_storefile_ struct storefile sf = STOREFILE_INIT;
	const struct settings none = { 0 }, *s;
	struct paks_error *e = NULL;
	size_t oldlen = 0, len;

	(void)argc, (void)argv;
	if (storefile_read(path, CONFIG_FILE_MAX, &old, &oldlen, &e) < 0) {
		if (e->code != ENOENT) {
			*err = e;
			return -1;
		}
		paks_error_free(e);
		old = settings_init_text();
		oldlen = strlen(old);
	}
	if (storefile_mkdir(home, err) < 0 ||
	    storefile_open(&sf, path, ".yml", err) < 0)
		return -1;
	storefile_keep_mode(&sf);
	if (storefile_write(&sf, old, oldlen, err) < 0)
		return -1;
	/* a broken file must not stop the editor that would fix it */
	if ((s = cmd_settings(ctx, &e)) == NULL) {
		paks_error_release(&e);
		s = &none;
	}
	if (settings_run_editor(s, sf.tmp, err) != 0)
		return -1;
	if (storefile_read(sf.tmp, CONFIG_FILE_MAX, &text, &len, err) < 0)
		return -1;
	if (len == oldlen && memcmp(text, old, len) == 0)
		return 0;
	if (settings_check_file(sf.tmp, path, err) < 0)
		return paks_error_wrap(err, "edit not saved");
	storefile_release(&sf);
	if (storefile_open(&sf, path, NULL, err) < 0)
		return -1;
	storefile_keep_mode(&sf);
	if (storefile_write(&sf, text, len, err) < 0)
		return -1;
	return storefile_commit(&sf, err);
}

static const struct cmd_option config_init_options[] = {
	{ .name = "force", .letter = 'f',
	  .help = "replace the file if it exists" },
	{ .name = NULL },
};

static const struct cmd_entry config_init_entry = {
	.name = "init",
	.usage = "",
	.summary = "write the settings file with every key at its default",
	.options = config_init_options,
	.min_args = 0,
	.max_args = 0,
	.exec = config_init_exec,
};

static const struct cmd_entry config_get_entry = {
	.name = "get",
	.usage = "KEY",
	.summary = "print the value in effect of one setting",
	.min_args = 1,
	.max_args = 1,
	.exec = config_get_exec,
};

static const struct cmd_entry config_set_entry = {
	.name = "set",
	.usage = "KEY VALUE",
	.summary = "set a key in the settings file, keeping its comments",
	.min_args = 1,
	.max_args = 2,
	.flags = CMD_OPTIONS_FIRST,	/* a VALUE may start with '-' */
	.exec = config_set_exec,
};

static const struct cmd_option config_list_options[] = {
	HOST_FORMAT_OPTION,
	{ .name = NULL },
};

static const struct cmd_entry config_list_entry = {
	.name = "list",
	.usage = "",
	.summary = "every setting in effect and where it comes from",
	.options = config_list_options,
	.min_args = 0,
	.max_args = 0,
	.exec = config_list_exec,
};

static const struct cmd_entry config_edit_entry = {
	.name = "edit",
	.usage = "",
	.summary = "edit the settings file, then check it",
	.min_args = 0,
	.max_args = 0,
	.exec = config_edit_exec,
};

static const struct cmd_entry *const config_sub[] = {
	&config_init_entry,
	&config_get_entry,
	&config_set_entry,
	&config_list_entry,
	&config_edit_entry,
	NULL,
};

const struct cmd_entry host_config_entry = {
	.name = "config",
	.usage = "COMMAND [ARGS]",
	.summary = "show and change settings (~/.paks/settings.yml)",
	.help =
	    "Settings are read from, lowest first: built-in defaults,\n"
	    "/etc/paks/settings.yml, ~/.paks/settings.yml ($PAKS_HOME\n"
	    "when set), --settings-file FILE, then -s KEY=VALUE. init,\n"
	    "set and edit write the user file only. A string value is\n"
	    "taken literally; a list is written as YAML, '[a, b]'. set\n"
	    "also takes KEY=VALUE or KEY:VALUE. edit runs config_editor,\n"
	    "else $VISUAL, else $EDITOR, else vi, and keeps the old file\n"
	    "if the result does not load.\n"
	    "\nexamples:\n"
	    "  paks config set container_tech podman\n"
	    "  paks config set run_options '[--network, none]'\n"
	    "  paks config list\n",
	.min_args = 1,
	.max_args = -1,
	.sub = config_sub,
};
