/* #load: add a plugin's commands to this session, or list the plugins. */
#include <string.h>

#include "cmd.h"
#include "plugin/plugin.h"
#include "util/strbuf.h"

/* "#a, #b" */
static void
load_cmd_names(const struct plugin *p, struct strbuf *sb)
{
	for (size_t i = 0; i < p->ncmds; i++)
		strbuf_addf(sb, "%s#%s", i ? ", " : "", p->cmds[i].name);
}

/* No argument: what is loaded, and what could be. */
static int
load_list(struct cmd_ctx *ctx)
{
	const struct plugin_registry *r = ctx->registry;
	struct plugin_found *found;
	size_t n, shown = 0;

	plugin_scan(&found, &n);
	for (size_t i = 0; i < n; i++) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		const struct plugin_found *f = &found[i];

		if (f->shadowed)
			continue;
		shown++;
		if (f->error != NULL) {
			cmd_printf(ctx, "  %-12s (cannot load: see 'paks "
			    "plugin list')\n", f->name);
			continue;
		}
		load_cmd_names(&f->p, &sb);
		cmd_printf(ctx, "  %-12s %-8s %s%s\n", f->name, f->p.version,
		    strbuf_str(&sb), plugin_registry_get(r, f->name) ?
		    "  (loaded)" : "");
	}
	if (shown == 0)
		cmd_printf(ctx, "no plugins installed; 'paks plugin install "
		    "DIR' on the host adds one\n");
	plugin_scan_free(found, n);
	return 0;
}

static int
hash_load_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct plugin_registry *r = ctx->registry;

	if (argc < 2)
		return load_list(ctx);
	for (int i = 1; i < argc; i++) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		const struct plugin *p = plugin_registry_get(r, argv[i]);

		if (p != NULL) {
			cmd_printf(ctx, "plugin '%s' is already loaded\n",
			    argv[i]);
			continue;
		}
		if (plugin_session_load(r, argv[i], err) < 0)
			return -1;
		p = plugin_registry_get(r, argv[i]);
		load_cmd_names(p, &sb);
		cmd_printf(ctx, "loaded plugin '%s' %s: %s\n", p->name,
		    p->version, strbuf_str(&sb));
	}
	return 0;
}

const struct cmd_entry hash_load_entry = {
	.name = "load",
	.usage = "[NAME...]",
	.summary = "add a plugin's commands to this session (no NAME: list "
	    "the plugins)",
	.help = "Plugins are found in ~/.paks/plugins/NAME, then in the "
	    "system's plugin folder.\nThe plugins setting loads some at the "
	    "start of every session.\nexample:\n  #load sbom\n",
	.min_args = 0,
	.max_args = -1,
	.exec = hash_load_exec,
};
