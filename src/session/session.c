/*
 * A paks run session: start the engine client on a pty, proxy it, and
 * turn what the shell integration and the keyboard report into #commands.
 *
 * Only what the user types on paks's own stdin can make paks act on the
 * host. bash and zsh report each accepted line through their Enter hook;
 * paks runs a reported #command only if the trust gate (gate.c) finds it
 * among the lines the keystrokes made, or the user confirms it on paks's
 * stdin. For sh, paks's own keystroke tracking decides, and the nonce'd
 * prompt marker says when the shell is at a prompt. See docs/security.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "engine/engine-api.h"
#include "gate.h"
#include "hashline.h"
#include "integration.h"
#include "linebuf.h"
#include "proxy.h"
#include "record.h"
#include "session.h"
#include "session-state.h"
#include "shellhook.h"
#include "tabcomp.h"
#include "store/envstore.h"
#include "store/paths.h"
#include "store/settings.h"
#include "tty.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/fdio.h"
#include "util/run.h"
#include "util/spawn.h"
#include "util/xalloc.h"

#define HOLD_TIMEOUT_MS 500
#define REPLY_TIMEOUT_MS 2000

static void session_feed_input(struct session *, const char *, size_t);

static struct session *
session_of(struct proxy *p)
{
	return p->owner;
}

/* Queue shell code (exports) for the hook that asked. */
void
session_export(struct session *s, const char *key, const char *value)
{
	integration_export(&s->reply, s->kind, key, value);
	strv_push(&s->secrets, value);
	strv_pushf(&s->exported, "%s=%s", key, value);
}

/* The values this session exported (#envload...): secrets, for #save. */
char *const *
session_secrets(struct session *s)
{
	return s->secrets.v;
}

/* An image #save replaced while this container uses it: removed at the end. */
void
session_note_stale(struct session *s, const char *id)
{
	strv_push(&s->stale, id);
}

/* The entries plugins added, or NULL. */
static const struct cmd_entry *const *
session_extra(struct session *s)
{
	return s->extra != NULL ? s->extra(s->extra_arg) : NULL;
}

/*
 * bash, zsh: what the hook and Tab know of the #commands (the hook runs
 * those of a pasted block only from its list), the environments and the
 * plugins, as shell code; again after each #command (see tabcomp.c).
 */
static void
session_comp_data(struct session *s, struct strbuf *sb, bool call)
{
	_cleanup_strv_ struct strv plugins = STRV_INIT;
	struct tabcomp_src src = { .cmds = hash_commands,
		.extra = session_extra(s), .engine = s->engine };

	if (s->plugin_names != NULL)
		s->plugin_names(&plugins);
	src.plugins = plugins.v;
	tabcomp_data(sb, &src, call);
}

/*
 * Hold typed keys back. Waiting for an Enter's report is bounded (the line
 * may have gone some way that sends none). Waiting for the hook's "D"
 * after a reply is bounded too: the hook answers in milliseconds, but a
 * report paks took for the hook's may have been forged, and then no "D"
 * comes. Waiting for the user's y/N is not bounded.
 */
static void
session_hold(struct session *s, bool on)
{
	s->holding = on;
	proxy_set_timeout(&s->proxy, !on || s->sh_flow || s->ask_line ? -1 :
	    s->replied ? REPLY_TIMEOUT_MS : HOLD_TIMEOUT_MS);
}

/* Feed keys held back while waiting, now that the shell is ready. */
static void
session_release(struct session *s)
{
	_cleanup_free_ char *keys = NULL;
	size_t n = s->held_in.len;

	session_hold(s, false);
	if (n == 0)
		return;
	keys = strbuf_detach(&s->held_in);
	session_feed_input(s, keys, n);
}

/* Append a #command line (never #envsave's values) to history_file. */
static void
session_history(struct session *s, char **argv)
{
	const char *hf = settings_get(s->ctx->settings, "history_file");
	_cleanup_free_ char *path = NULL;
	_cleanup_fclose_ FILE *f = NULL;

	if (strcmp(hf, "none") == 0)
		return;
	if (*hf == '\0') {
		_cleanup_free_ char *home = paths_home();
		path = paths_join(home, "history");
	} else
		path = paths_expand_user(hf);
	if ((f = fopen(path, "ae")) == NULL)
		return;
	fprintf(f, "#%s", argv[0]);
	for (int i = 1; argv[i] != NULL; i++) {
		if (strcmp(argv[0], "envsave") == 0 && (i > 1 ||
		    strchr(argv[1], '=') != NULL)) {
			/* valid keys only: a word without '=' may be a lone
			 * value, the "key" of "a+b/c==" part of one */
			_cleanup_free_ char *k = xstrndup(argv[i],
			    strcspn(argv[i], "="));
			bool ok = strchr(argv[i], '=') && envstore_key_valid(k);

			fprintf(f, " %s=...", ok ? k : "?");
		} else
			fprintf(f, " %s", argv[i]);
	}
	fputc('\n', f);
}

static void
session_print_error(struct paks_error *e)
{
	_cleanup_free_ char *msg = paks_error_format(e);
	_cleanup_free_ char *line = xasprintf("paks: %s\n", msg);

	write_crlf(STDOUT_FILENO, line, strlen(line));
}

/* Run one #command line; its output goes straight to the user. */
static void
session_hash(struct session *s, const char *line, const char *pwd)
{
	_cleanup_strv_ struct strv argv = STRV_INIT;
	struct paks_error *err = NULL;
	struct cmd_ctx ctx = *s->ctx;
	int64_t start = history_now();

	proxy_flush_user(&s->proxy);
	s->cwd = pwd;
	ctx.out = STDOUT_FILENO;
	ctx.crlf = true;
	ctx.last = &s->cmd_last;
	s->cmd_last = 0;
	ctx.prefix = "#";
	ctx.session = s;
	s->commands++;
	if (hashline_split(line, &argv, &err) < 0)
		paks_error_wrap(&err, "%.*s", (int)strcspn(line, " \t"), line);
	else if (argv.n > 0 && engine_supports(s->engine, argv.v[0],
	    &err) == 0) {
		ctx.plugins = session_extra(s);
		cmd_dispatch(&ctx, hash_commands, (int)argv.n, argv.v, &err);
		/* #load may have added entries: look again */
		ctx.plugins = session_extra(s);
		if (cmd_lookup(&ctx, hash_commands, argv.v[0]) != NULL) {
			session_history(s, argv.v);
			record_paks(&s->rec, argv.v, s->cwd, s->start_dir,
			    err != NULL, start, s->secrets.v);
		}
	}
	/* output without a last newline: the shell's prompt would draw
	 * over it */
	if (s->cmd_last != 0 && s->cmd_last != '\n')
		write_all(STDOUT_FILENO, "\r\n", 2);
	if (err != NULL) {
		session_print_error(err);
		paks_error_free(err);
	}
	s->cwd = NULL;
	free(TAKE_PTR(s->cwd_found));
}

#define REPLY_MARK "\035paks:"

/*
 * bash, zsh: the hook waits for the reply: each line of shell code marked, so
 * the hook can tell it from keys typed ahead, then the end mark. With run
 * false the reply is only the end mark: the line was not run.
 *
 * Each line ends in NUL, which the hook reads as its delimiter (read -d
 * ''): should nobody be reading (a forged report paks took for the
 * hook's), the line editor gets no Enter, and its key bindings swallow
 * the bare end mark.
 */
static void
session_hook_reply(struct session *s, const char *line, const char *pwd,
    bool run)
{
	struct strbuf out = STRBUF_INIT;
	const char *p, *nl;
	unsigned gen = s->generation;

	strbuf_reset(&s->reply);
	if (run) {
		session_hash(s, line, pwd);
		/* the lists Tab completes from, as they are now */
		session_comp_data(s, &s->reply, true);
	}
	/* #rollback replaced the shell that waits: the new one waits not */
	if (s->generation != gen) {
		strbuf_reset(&s->reply);
		return;
	}
	strbuf_adds(&s->reply, ".\n");
	for (p = s->reply.buf; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		strbuf_adds(&out, REPLY_MARK);
		strbuf_add(&out, p, (size_t)(nl - p));
		strbuf_addch(&out, '\0');
	}
	proxy_to_pty(&s->proxy, out.buf, out.len);
	/* keys typed from now on must follow those the hook swallowed */
	s->replied = true;
	session_hold(s, true);
	explicit_bzero(out.buf, out.len);
	explicit_bzero(s->reply.buf, s->reply.len);
	strbuf_release(&out);
	strbuf_reset(&s->reply);
}

/*
 * The hook read keys typed ahead with the reply: type them again. Keys
 * held since go at the next prompt (see session_prompt), or in 500 ms if
 * the shell runs lines of a pasted block first.
 */
static void
session_hook_done(struct session *s, char *swallowed)
{
	for (char *c = swallowed; *c; c++)
		if (*c == '\036')
			*c = '\n';
	proxy_to_pty(&s->proxy, swallowed, strlen(swallowed));
	session_hold(s, true);
}

/* A #command line as the user may see it: printable, not too long. */
static char *
session_shown(const char *line)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *p = line; *p && sb.len < 160; p++)
		strbuf_addch(&sb, (unsigned char)*p < 0x20 ||
		    (unsigned char)*p == 0x7f ? '?' : *p);
	if (strlen(line) > 160)
		strbuf_adds(&sb, "...");
	return strbuf_detach(&sb);
}

/* Its first word, for a message: "#cp". */
static char *
session_cmd_word(const char *line)
{
	_cleanup_free_ char *shown = session_shown(line);

	shown[strcspn(shown, " \t")] = '\0';
	if (strlen(shown) > 32)
		strcpy(shown + 29, "...");
	return TAKE_PTR(shown);
}

/*
 * The gate refused a reported #command. The hook that sent it waits for
 * a reply if the shell is at its prompt; a message printed by something
 * else gets none, so that nothing is typed into a line being edited.
 */
static void
session_hook_refuse(struct session *s, const char *line)
{
	_cleanup_free_ char *word = session_cmd_word(line);
	_cleanup_free_ char *msg = xasprintf("paks: refused '%s': it was not "
	    "typed on this terminal's keyboard\r\n", word);

	s->forged++;
	if (!s->at_prompt)
		return;
	if (s->proxy.last_out != '\n')
		proxy_to_user(&s->proxy, "\r\n", 2);
	proxy_to_user(&s->proxy, msg, strlen(msg));
	session_hook_reply(s, line, NULL, false);
}

/*
 * The line's Enter was typed here, but paks could not follow the editing
 * (history, vi mode) or saw other keys: show it and let the user decide,
 * on paks's own stdin, which nothing in the container can write to.
 */
static void
session_hook_ask(struct session *s, const char *line, const char *pwd)
{
	_cleanup_free_ char *shown = session_shown(line);
	_cleanup_free_ char *msg = xasprintf("paks: run '%s' on the host? "
	    "it is not what paks saw typed [y/N] ", shown);

	s->ask_line = xstrdup(line);
	s->ask_pwd = pwd ? xstrdup(pwd) : NULL;
	proxy_to_user(&s->proxy, msg, strlen(msg));
	session_hold(s, true);
}

/* The answer to session_hook_ask: one key. */
static void
session_hook_answer(struct session *s, char key)
{
	_cleanup_free_ char *line = TAKE_PTR(s->ask_line);
	_cleanup_free_ char *pwd = TAKE_PTR(s->ask_pwd);
	bool yes = key == 'y' || key == 'Y';

	const char *echo = yes ? "y\r\n" : "n\r\npaks: not run\r\n";

	proxy_to_user(&s->proxy, echo, strlen(echo));
	if (yes)
		gate_confirmed(&s->gate, line);
	session_hook_reply(s, line, pwd, yes);
}

/*
 * sh: the typed line is still in the shell's editor. Abandon it (Ctrl-C),
 * so the shell neither runs nor records it; hide what the shell prints
 * until its next prompt; run the command; then, if there are exports,
 * have __paks_x read them, hidden the same way.
 */
static void
session_sh_command(struct session *s, const char *line)
{
	strbuf_reset(&s->reply);
	s->sh_flow = true;
	session_hold(s, true);
	proxy_to_pty(&s->proxy, "\003", 1);
	s->out = OUT_DISCARD_PROMPT;
	/* the shell's echo may be only partly out: draw the line ourselves */
	proxy_to_user(&s->proxy, "\r\033[K", 4);
	proxy_to_user(&s->proxy, s->prompt.buf, s->prompt.len);
	proxy_to_user(&s->proxy, line, strlen(line));
	proxy_to_user(&s->proxy, "\r\n", 2);
	session_hash(s, line, NULL);
	if (s->reply.len > 0) {
		proxy_to_pty(&s->proxy, " __paks_x\r", 10);
		s->out = OUT_DISCARD_READY;
	}
}

static bool
session_is_hash(const char *text)
{
	return text != NULL && hashline_is_command(text);
}

/* Whether any of the bytes of set is among the n bytes of buf. */
static bool
strpbrk_n(const char *buf, size_t n, const char *set)
{
	for (; *set; set++)
		if (memchr(buf, *set, n) != NULL)
			return true;
	return false;
}

/* Keys typed by the user, in order; Enter is where decisions happen. */
static void
session_feed_input(struct session *s, const char *buf, size_t n)
{
	struct proxy *p = &s->proxy;

	while (n > 0) {
		struct linebuf_event ev;
		size_t k;

		if (s->ask_line != NULL) {
			session_hook_answer(s, *buf);
			buf++, n--;
			continue;
		}
		if (s->holding) {
			strbuf_add(&s->held_in, buf, n);
			/*
			 * sh: keys wait for the next prompt (500 ms at
			 * most), but an interrupt is meant for what runs
			 * now: let it and the keys before it go at once
			 */
			if (s->mode == MODE_SH && !s->sh_flow &&
			    strpbrk_n(buf, n, "\003\032\034"))
				session_release(s);
			return;
		}
		k = linebuf_feed(&s->lb, buf, n, &ev);
		if (!ev.enter) {
			proxy_to_pty(p, buf, k);
			return;
		}
		if (s->mode == MODE_SH && s->at_prompt && ev.known &&
		    linebuf_exact(ev.text) && session_is_hash(ev.text)) {
			proxy_to_pty(p, buf, k - 1);
			s->at_prompt = false;
			session_sh_command(s, ev.text);
		} else {
			proxy_to_pty(p, buf, k);
			if (s->mode == MODE_HOOK)
				gate_typed(&s->gate, TAKE_PTR(ev.text),
				    ev.history);
			if (s->mode == MODE_HOOK && s->at_prompt)
				session_hold(s, true);
			else if (s->mode == MODE_SH && s->at_prompt) {
				if (ev.known && linebuf_exact(ev.text))
					record_begin(&s->rec, ev.text, NULL,
					    true, s->secrets.v);
				/*
				 * Keys typed ahead wait for the next prompt,
				 * so that a #command among them is seen at
				 * a prompt and tracked from its start.
				 */
				s->at_prompt = false;
				session_hold(s, true);
			}
		}
		free(ev.text);
		buf += k;
		n -= k;
	}
}

static void
session_input(struct proxy *p, const char *buf, size_t n)
{
	struct session *s = session_of(p);

	if (s->mode == MODE_HANDSHAKE) {
		strbuf_add(&s->held_in, buf, n);
		return;
	}
	session_feed_input(s, buf, n);
}

static void
session_timeout(struct proxy *p)
{
	struct session *s = session_of(p);

	if (s->ask_line != NULL)
		return;
	if (s->replied) {
		/* no "D": no hook was reading; one still may, late */
		s->replied = false;
		s->late_done = true;
	}
	/* no report came: the line was taken some other way */
	s->at_prompt = false;
	session_release(s);
}

/* Type the start-up script, echo off; its echo, if any, is dropped. */
static void
session_hello(struct session *s)
{
	struct strbuf data = STRBUF_INIT, sb = STRBUF_INIT;
	struct integration_opts io = { .shell = s->shell,
		.term = getenv("TERM"), .strict = s->strict_shell,
		.exports = s->exports, .cwd = s->start_cwd };

	session_comp_data(s, &data, false);
	integration_script(&sb, &io, s->nonce, data.buf);
	strbuf_release(&data);
	proxy_to_pty(&s->proxy, sb.buf, sb.len);
	explicit_bzero(sb.buf, sb.len);
	strbuf_release(&sb);
	s->out = OUT_DISCARD_ACK;
}

static void
session_ack(struct session *s, const char *kind)
{
	if (strcmp(kind, "126") == 0 || strcmp(kind, "127") == 0) {
		/* the shell --shell named is not there: the caller says so */
		s->shell_failed = atoi(kind);
		s->out = OUT_DISCARD_ACK;
		return;
	}
	s->kind = integration_kind(kind);
	s->rec.shell = s->kind == SHELL_BASH ? "bash" : s->kind == SHELL_ZSH ?
	    "zsh" : "sh";
	s->out = OUT_PASS;
	s->lb.kill_whole = s->kind == SHELL_ZSH;
	s->mode = s->kind == SHELL_BASH || s->kind == SHELL_ZSH ? MODE_HOOK :
	    s->kind == SHELL_SH ? MODE_SH : MODE_PLAIN;
	if (s->mode == MODE_PLAIN) {
		/* zsh-notmp: the shim could not write zsh's start-up files */
		const char *msg = strcmp(kind, "zsh-notmp") == 0 ?
		    "paks: zsh runs without #commands: its start-up files "
		    "need a writable /tmp or /dev/shm\r\n" :
		    "paks: this shell has no paks integration; #commands need "
		    "bash, zsh or sh\r\n";
		proxy_to_user(&s->proxy, msg, strlen(msg));
	}
	session_release(s);
}

static void
session_prompt(struct session *s)
{
	s->at_prompt = true;
	s->late_done = false;
	linebuf_reset(&s->lb);
	gate_prompt(&s->gate);
	if (s->out == OUT_DISCARD_PROMPT) {
		s->out = OUT_PASS;
		s->sh_flow = false;
	}
	/* keys typed ahead go now (not while the hook reads a reply) */
	if (!s->sh_flow && !s->replied && s->ask_line == NULL)
		session_release(s);
}

/* PAKS_DEBUG_LOG=FILE: a trace of integration events (never values). */
static void
session_trace(struct session *s, const char *what)
{
	static FILE *log;
	const char *path;

	if (log == NULL && (path = getenv("PAKS_DEBUG_LOG")) != NULL)
		log = fopen(path, "ae");
	if (log != NULL) {
		fprintf(log, "%s mode=%d out=%d prompt=%d typed=%d hold=%d\n",
		    what, s->mode, s->out, s->at_prompt, s->gate.n, s->holding);
		fflush(log);
	}
}

/* A #command line the hook reports: the gate decides (gate.c). */
static void
session_hook_cmd(struct session *s, const char *line, const char *pwd)
{
	if (s->mode != MODE_HOOK || s->replied || s->ask_line != NULL ||
	    !session_is_hash(line)) {
		s->forged++;
		return;
	}
	switch (gate_check(&s->gate, line)) {
	case GATE_RUN:
		s->at_prompt = false;
		session_hook_reply(s, line, pwd, true);
		break;
	case GATE_ASK:
		s->at_prompt = false;
		session_hook_ask(s, line, pwd);
		break;
	case GATE_REFUSE:
		session_hook_refuse(s, line);
		s->at_prompt = false;
		break;
	}
}

/*
 * The shell runs a line: recorded, marked typed if an Enter of the user's
 * can have made it. Keys typed ahead stay held until its next prompt (500
 * ms at most, then they are for the program that runs): the prompt starts
 * a new line, and a #command among them is followed from its start.
 */
static void
session_line(struct session *s, const struct hook_event *ev)
{
	bool ours = s->mode == MODE_HOOK && !s->replied && s->ask_line == NULL;

	if (s->mode == MODE_HOOK)
		record_begin(&s->rec, ev->text, ev->pwd, ours &&
		    gate_seen(&s->gate, ev->text ? ev->text : ""),
		    s->secrets.v);
	if (ours) {
		gate_line(&s->gate);
		s->at_prompt = false;
	}
}

static void
session_event(struct session *s, struct hook_event *ev)
{
	static const char *names[] = { "none", "hello", "ack", "prompt",
		"prompt-end", "line", "cmd", "done", "ready", "status",
		"exit", "forged" };

	if (ev->type != HOOK_NONE)
		session_trace(s, names[ev->type]);
	switch (ev->type) {
	case HOOK_HELLO:
		if (s->mode == MODE_HANDSHAKE) {
			/* the container runs: what the engine said goes out */
			s->started = true;
			proxy_to_user(&s->proxy, s->early.buf, s->early.len);
			strbuf_release(&s->early);
			session_hello(s);
		}
		break;
	case HOOK_ACK:
		if (s->mode == MODE_HANDSHAKE)
			session_ack(s, ev->text);
		break;
	case HOOK_PROMPT:
		if (s->mode == MODE_SH)
			record_end(&s->rec, -1, NULL, s->secrets.v);
		session_prompt(s);
		s->in_prompt = s->mode == MODE_SH;
		strbuf_reset(&s->prompt);
		break;
	case HOOK_PROMPT_END:
		s->in_prompt = false;
		break;
	case HOOK_LINE:
		session_line(s, ev);
		break;
	case HOOK_CMD:
		session_hook_cmd(s, ev->text, ev->pwd);
		break;
	case HOOK_DONE:
		if (s->mode == MODE_HOOK && (s->replied || s->late_done)) {
			s->replied = s->late_done = false;
			session_hook_done(s, ev->text);
		} else
			s->forged++;
		break;
	case HOOK_READY:
		if (s->out == OUT_DISCARD_READY) {
			strbuf_adds(&s->reply, ".\n");
			proxy_to_pty(&s->proxy, s->reply.buf, s->reply.len);
			strbuf_reset(&s->reply);
			s->out = OUT_DISCARD_PROMPT;
		} else
			s->forged++;
		break;
	case HOOK_STATUS:
		if (s->mode == MODE_HOOK)
			record_end(&s->rec, atoi(ev->text), ev->pwd,
			    s->secrets.v);
		break;
	case HOOK_EXIT:
		s->shell_exited = true;
		break;
	case HOOK_FORGED:
		s->forged++;
		break;
	case HOOK_NONE:
		break;
	}
}

static void
session_output(struct proxy *p, const char *buf, size_t n)
{
	struct session *s = session_of(p);
	struct strbuf pass = STRBUF_INIT;
	unsigned gen = s->generation;

	/* the rest of a replaced container's output is dropped */
	while (n > 0 && s->generation == gen) {
		struct hook_event ev;
		size_t k = shellhook_feed(&s->hook, buf, n, &pass, &ev);

		if (pass.len > 0 && !s->started && s->early.len < 65536 &&
		    s->srun == NULL)
			/* until the hello: the engine's own words, kept to
			 * explain a start that fails (but srun's "queued and
			 * waiting for resources" is shown while it waits) */
			strbuf_add(&s->early, pass.buf, pass.len);
		else if (pass.len > 0 && s->out == OUT_PASS)
			proxy_to_user(p, pass.buf, pass.len);
		if (s->in_prompt && s->prompt.len + pass.len < 4096)
			strbuf_add(&s->prompt, pass.buf, pass.len);
		strbuf_reset(&pass);
		session_event(s, &ev);
		hook_event_release(&ev);
		buf += k;
		n -= k;
	}
	strbuf_release(&pass);
}

static void session_held(struct proxy *, const char *, size_t);

/* The user's terminal's size to the container's: its pty's, or over
 * docker's API (no pty there). */
static void
session_resize(struct proxy *p)
{
	struct session *s = p->owner;
	struct winsize ws;

	if (s->att.id == NULL)
		tty_copy_size(p->user_in, p->master);
	else if (tty_size(p->user_in, &ws))
		engine_api_resize(&s->att, ws.ws_row, ws.ws_col);
}

static const struct proxy_ops session_ops = {
	.input = session_input,
	.output = session_output,
	.held = session_held,
	.timeout = session_timeout,
	.resize = session_resize,
};

/*
 * A job's output for the terminal (a plugin's, an engine's) goes through
 * the filter the container's output goes through: paks's own messages
 * (ESC ] 6973 ;), forged or not, never reach the terminal. The filter has
 * no nonce, so it believes none of them.
 */
static void
session_job_show(struct shellhook *filter, const char *buf, size_t n,
    char *last)
{
	struct strbuf pass = STRBUF_INIT;

	while (n > 0) {
		struct hook_event ev;
		size_t k = shellhook_feed(filter, buf, n, &pass, &ev);

		hook_event_release(&ev);
		buf += k;
		n -= k;
	}
	if (pass.len > 0) {
		write_crlf(STDOUT_FILENO, pass.buf, pass.len);
		*last = pass.buf[pass.len - 1];
	}
	strbuf_release(&pass);
}

/* A job's streams for the terminal share one filter. */
struct session_show {
	struct session		*s;
	struct shellhook	 filter;
};

static void
session_job_filter(void *arg, const char *buf, size_t n)
{
	struct session_show *show = arg;

	session_job_show(&show->filter, buf, n, &show->s->cmd_last);
}

static int
session_job_poll(void *arg, struct pollfd *fds, int n, int timeout,
    enum run_cancel *cancel)
{
	struct session *s = arg;

	return proxy_job_poll(&s->proxy, fds, n, timeout, cancel);
}

/*
 * Run a program for a #command (an engine call, a plugin) as a job of
 * the session: in its own process group, its fds polled with the
 * terminal and the signals (proxy_job_poll), what it passes to paks's
 * stdout or stderr shown through the filter. Told to stop (SIGTERM,
 * SIGHUP, the terminal gone), paks ends the program and starts no other:
 * a #command of several steps (#save) stops there.
 */
static int
session_job(void *arg, struct run *r, struct paks_error **err)
{
	struct session *s = arg;
	struct run_watch watch = { session_job_poll, s };
	struct session_show show = { .s = s };
	const struct run_io shown = { .how = RUN_FILTER,
		.filter = session_job_filter, .arg = &show };
	const struct run_io out = r->out, errio = r->err;
	int rc;

	if (s->proxy.stop_signal != 0) {
		r->cancelled = true;
		return 0;
	}
	if (r->out.how == RUN_PASS)
		r->out = shown;
	if (r->err.how == RUN_PASS)
		r->err = shown;
	if (r->in.how == RUN_PASS)
		r->in.how = RUN_NULL;	/* the keyboard stays the session's */
	r->pgroup = true;
	r->watch = &watch;
	shellhook_init(&show.filter, "");
	rc = run_cmd(r, err);
	/* nothing of this call's stack stays in r */
	r->watch = NULL;
	r->out = out;
	r->err = errio;
	shellhook_release(&show.filter);
	proxy_reap(&s->proxy);
	return rc;
}

/* How #commands and plugins run programs: as jobs of this session. */
struct runner
session_runner(struct session *s)
{
	return (struct runner){ session_job, s };
}

static void
session_held(struct proxy *p, const char *buf, size_t n)
{
	struct session *s = p->owner;

	strbuf_add(&s->held_in, buf, n);
}

/*
 * The first line "ENGINE exec CONTAINER cmd..." prints, or NULL if it
 * fails; an error only if the user interrupted it.
 */
static int
session_exec_line(struct session *s, char *const *cmd, char **line,
    struct paks_error **err)
{
	_cleanup_strv_ struct strv argv = STRV_INIT;
	struct run r = RUN_INIT(NULL);
	int rc = 0;

	strv_push(&argv, s->engine->program);
	strv_push(&argv, "exec");
	strv_push(&argv, s->run.name);
	strv_pushv(&argv, cmd);
	r.argv = argv.v;
	r.out.how = r.err.how = RUN_CAPTURE;
	if (session_job(s, &r, err) < 0)
		return -1;
	if (r.cancelled)
		rc = paks_error_set(err, 0, "interrupted");
	else if (r.code == 0) {
		*line = xstrdup(strbuf_str(&r.out_text));
		(*line)[strcspn(*line, "\n")] = '\0';
	}
	run_release(&r);
	return rc;
}

/* Whether the container runs an init first (run -o --init). */
static bool
session_has_init(const struct session *s)
{
	for (char *const *v = s->run.extra; v != NULL && *v != NULL; v++)
		if (strcmp(*v, "--init") == 0 || strcmp(*v, "--init=true") == 0)
			return true;
	return false;
}

/*
 * The shell's directory, for a #command that needs it (NULL: unknown).
 * bash and zsh report it with the line; sh does not, so ask the
 * container: the boot line execs the shell as the container's first
 * process, or, under an init, as the init's child. Charliecloud shares
 * the host's processes and has no exec: there it stays unknown.
 */
int
session_cwd(struct session *s, const char **cwd, struct paks_error **err)
{
	_cleanup_free_ char *pid = NULL, *path = NULL, *dir = NULL;
	char *children[] = { "cat", "/proc/1/task/1/children", NULL };
	char *rl[] = { "readlink", NULL, NULL };

	*cwd = s->cwd;
	/* entered (paks enter), the shell is not the first process */
	if (s->cwd != NULL || s->mode != MODE_SH || !s->engine->images ||
	    s->run.enter)
		return 0;
	if (session_has_init(s)) {
		if (session_exec_line(s, children, &pid, err) < 0)
			return -1;
		/* "7 ": the first of its children */
		if (pid == NULL || strspn(pid, "0123456789") == 0)
			return 0;
		pid[strspn(pid, "0123456789")] = '\0';
	}
	rl[1] = path = xasprintf("/proc/%s/cwd", pid ? pid : "1");
	if (session_exec_line(s, rl, &dir, err) < 0)
		return -1;
	if (dir != NULL && dir[0] == '/')
		*cwd = s->cwd = s->cwd_found = TAKE_PTR(dir);
	return 0;
}

/* What an engine operation of a #command needs from the session. */
struct engine_op
session_op(struct session *s)
{
	return (struct engine_op){
		.engine = s->engine, .run = &s->run, .cwd = s->cwd,
		.start_dir = s->start_dir, .runner = session_runner(s),
	};
}

static int
session_open_pty(int *master, int *slave, struct paks_error **err)
{
	char name[128];

	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0 || grantpt(*master) < 0 || unlockpt(*master) < 0 ||
	    ptsname_r(*master, name, sizeof name) != 0)
		return paks_error_set(err, errno, "cannot open a pseudo-terminal");
	*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		return paks_error_set(err, errno, "cannot open '%s'", name);
	return 0;
}

/* A fresh nonce: SHELLHOOK_NONCE_LEN hex digits (a #rollback's shell gets
 * its own). */
void
session_make_nonce(char *out)
{
	unsigned char r[SHELLHOOK_NONCE_LEN / 2];
	static const char hex[] = "0123456789abcdef";

	if (getrandom(r, sizeof r, 0) != sizeof r)
		BUG("getrandom failed");
	for (size_t i = 0; i < sizeof r; i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[SHELLHOOK_NONCE_LEN] = '\0';
}

/*
 * srun killed outright leaves its job step running on the node until
 * Slurm notices; a SIGHUP it passes on to the task (the shell, which
 * ends on it), then ends. Give it a few seconds.
 */
static void
session_stop_srun(struct spawn *sp)
{
	kill(sp->pid, SIGHUP);
	for (int i = 0; i < 50; i++) {
		if (waitpid(sp->pid, NULL, WNOHANG) == sp->pid) {
			sp->pid = -1;
			return;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 100000000 }, NULL);
	}
}

/* A session's state, ready for the handshake. */
static struct session *
session_new(const struct session_opts *o)
{
	struct session *s = xcalloc(1, sizeof *s);

	s->ctx = o->ctx;
	s->engine = o->engine;
	s->run = o->run;
	s->shell = o->shell;
	s->strict_shell = o->strict_shell;
	s->exports = o->exports;
	s->start_dir = o->start_dir;
	s->srun = o->srun;
	s->extra = o->extra;
	s->extra_arg = o->extra_arg;
	s->plugin_names = o->plugin_names;
	session_make_nonce(s->nonce);
	record_init(&s->rec, s->run.name, !s->run.enter);
	/* --envload's values are secrets too (masked, looked for by #save) */
	for (char *const *e = s->exports; e != NULL && *e != NULL; e++)
		if (strchr(*e, '=') != NULL)
			strv_push(&s->secrets, strchr(*e, '=') + 1);
	shellhook_init(&s->hook, s->nonce);
	linebuf_init(&s->lb);
	gate_init(&s->gate);
	s->mode = MODE_HANDSHAKE;
	s->out = OUT_PASS;
	return s;
}

static void
session_free(struct session *s)
{
	record_release(&s->rec, s->secrets.v);
	strv_release(&s->stale);
	for (size_t i = 0; i < s->secrets.n; i++)
		explicit_bzero(s->secrets.v[i], strlen(s->secrets.v[i]));
	strv_release(&s->secrets);
	for (size_t i = 0; i < s->exported.n; i++)
		explicit_bzero(s->exported.v[i], strlen(s->exported.v[i]));
	strv_release(&s->exported);
	free(s->image_owned);
	strbuf_release(&s->early);
	strbuf_release(&s->proxy.to_user);
	strbuf_release(&s->proxy.to_pty);
	strbuf_release(&s->held_in);
	strbuf_release(&s->prompt);
	strbuf_release(&s->reply);
	shellhook_release(&s->hook);
	linebuf_release(&s->lb);
	gate_release(&s->gate);
	free(TAKE_PTR(s->ask_line));
	free(TAKE_PTR(s->ask_pwd));
	explicit_bzero(s->nonce, sizeof s->nonce);
	free(s);
}

/* The engine client on the pty's other side (in srun's job, if asked). */
static int
session_start_client(struct session *s, struct spawn *sp, int slave,
    struct paks_error **err)
{
	char *shim_args[] = { "-c", (char *)integration_boot, NULL };

	if (s->srun != NULL) {
		/* on a compute node: srun gives the task a pty of its own */
		strv_push(&sp->args, "srun");
		strv_push(&sp->args, "--pty");
		strv_pushv(&sp->args, s->srun);
	}
	engine_run_argv(s->engine, &s->run, shim_args, &sp->args);
	sp->in = sp->out = sp->err = slave;
	sp->flags = SPAWN_SETSID;
	return spawn_start(sp, err);
}

/* The pty and the engine client on its other side; master is ours. */
static int
session_start_pty(struct session *s, struct spawn *sp, int *master,
    struct paks_error **err)
{
	_cleanup_close_ int slave = -1;

	if (session_open_pty(master, &slave, err) < 0)
		return -1;
	tty_copy_size(STDIN_FILENO, *master);
	return session_start_client(s, sp, slave, err);
}

/*
 * The container over docker's Engine API (by default; see
 * engine-api-run.c): its terminal is the attach socket, with no pty and
 * no client between, no process to wait for. 1: the client's way instead.
 */
static int
session_attach(struct session *s, struct paks_error **err)
{
	char *shim_args[] = { "-c", (char *)integration_boot, NULL };

	if (s->srun != NULL)
		return 1;
	return engine_attach(s->engine, &s->run, shim_args, &s->att, err);
}

/* Proxy, the terminal raw, until the client ends or paks must stop. */
static void
session_loop(struct session *s, int master, int sigfd, pid_t child)
{
	struct proxy *p = &s->proxy;

	*p = (struct proxy){
		.user_in = STDIN_FILENO, .user_out = STDOUT_FILENO,
		.master = master, .sigfd = sigfd,
		.child = child, .ops = &session_ops, .owner = s,
		.deadline = -1,
		/* over the API, the end of the stream is the end */
		.child_done = child < 0,
	};
	fd_set_nonblock(master, 1);
	fd_set_nonblock(STDOUT_FILENO, 1);
	if (s->att.id != NULL)
		session_resize(p);
	tty_raw();
	proxy_run(p);
	proxy_flush_user(p);
	fd_set_nonblock(STDOUT_FILENO, 0);
	tty_restore();
}

/*
 * Over the API, the stream has ended: the container's status, as the
 * client's would be (125 when the daemon did not answer: the caller asks
 * it again, and says it stopped).
 */
static void
session_api_status(struct session *s)
{
	int code = engine_api_wait(&s->att, s->run.keep);

	s->proxy.child_status = (code < 0 ? 125 : code) << 8;
}

/* How the session ended, into end; a client still running is ended. */
static void
session_finish(struct session *s, struct spawn *sp, struct session_end *end)
{
	struct proxy *p = &s->proxy;

	if (p->stop_signal != 0 || !p->child_done) {
		/*
		 * paks was told to stop. The engine client would pass SIGTERM
		 * to the shell, which as the container's first process
		 * ignores it: so kill the client outright, then remove the
		 * container (with --keep it goes on running, detached).
		 */
		/* a #rollback started the client the session has now */
		if (sp->pid != p->child)
			sp->pid = p->child_done ? -1 : p->child;
		if (s->srun != NULL)
			session_stop_srun(sp);
		if (sp->pid > 0)
			kill(sp->pid, SIGKILL);
		spawn_wait(sp);
		if (!s->run.keep)
			engine_remove(s->engine, s->run.name);
		end->code = 128 + (p->stop_signal ? p->stop_signal : SIGHUP);
	} else {
		sp->pid = -1; /* already reaped by the loop */
		if (s->att.id != NULL)
			session_api_status(s);
		end->code = spawn_status_code(p->child_status);
		/* the caller explains it, from end->early */
		end->start_failed = !s->started;
	}
	end->status = p->child_status;
	end->stop_signal = p->stop_signal;
	end->child_done = p->child_done;
	end->shell_exited = s->shell_exited;
	end->shell_failed = s->shell_failed;
	end->need_newline = p->last_out != '\n';
	end->early = strbuf_detach(&s->early);
}

/* Images that #save replaced while this container used them. */
static void
session_remove_stale(struct session *s)
{
	for (size_t i = 0; i < s->stale.n && !s->run.keep; i++) {
		char *rmi[] = { "image", "rm", s->stale.v[i], NULL };
		struct paks_error *ignored = NULL;
		if (engine_simple(s->engine, rmi, NULL, &ignored) < 0)
			paks_error_free(ignored);
	}
}

/* Run a session; end says how it ended (the shell's exit status...). */
int
session_run(const struct session_opts *o, struct session_end *end,
    struct paks_error **err)
{
	_cleanup_spawn_ struct spawn sp = SPAWN_INIT;
	_cleanup_close_ int master = -1, sigfd = -1;
	struct session *s;
	sigset_t set, old;
	int rc;

	*end = (struct session_end){ 0 };
	if (tty_save(STDIN_FILENO) < 0)
		return paks_error_set(err, errno, "cannot read terminal settings");
	sigprocmask(SIG_SETMASK, NULL, &old);
	if ((sigfd = proxy_setup_signals(&set)) < 0)
		return paks_error_set(err, errno, "cannot set up signals");
	s = session_new(o);
	if ((rc = session_attach(s, err)) == 1)
		rc = session_start_pty(s, &sp, &master, err);
	if (rc == 0) {
		session_loop(s, s->att.id ? s->att.fd : master, sigfd, sp.pid);
		session_finish(s, &sp, end);
		session_remove_stale(s);
	}
	engine_attached_release(&s->att);
	session_free(s);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

void
session_end_release(struct session_end *end)
{
	free(TAKE_PTR(end->early));
}
