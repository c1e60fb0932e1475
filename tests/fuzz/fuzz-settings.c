/*
 * Fuzz settings (src/store/settings.c, settings-edit.c): the YAML files
 * (/etc/paks/settings.yml, ~/.paks/settings.yml, --settings-file), the
 * values of -s and 'paks config set', and the in-place edit of 'set'.
 * The input is a settings file; up to its first NUL it is also a value.
 *
 *  - settings_load_file (through a memfd): a file that is refused changes
 *    nothing; one that loads gives values that 'paks config list' prints
 *    as YAML that reads back the same;
 *  - settings_set of the value for every key: refused changes nothing,
 *    accepted reads back the same through settings_yaml_value;
 *  - settings_value_yaml ('paks config set'): a string is kept literally;
 *  - settings_user_set ('paks config set KEY VALUE') with the input as the
 *    user's file, in a private PAKS_HOME: refused leaves the file byte for
 *    byte; accepted gives a file where KEY has the new value and every
 *    other key the value it had, and no temporary file is left behind.
 */
#include <stdbool.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "store/settings-edit.h"
#include "store/settings.h"
#include "util/strbuf.h"

static int memfd = -1;
static char memfd_path[64];
static char home[] = "/tmp/paks-fuzz-settings.XXXXXX";
static char user_file[sizeof home + 16];

static void
cleanup_home(void)
{
	unlink(user_file);
	rmdir(home);
}

int	LLVMFuzzerInitialize(int *, char ***);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* no system file; the user file is the one fuzz_user_set writes */
	setenv("PAKS_SYSTEM_SETTINGS", "/nonexistent/paks-fuzz", 1);
	if (mkdtemp(home) == NULL)
		abort();
	setenv("PAKS_HOME", home, 1);
	snprintf(user_file, sizeof user_file, "%s/settings.yml", home);
	atexit(cleanup_home);
	memfd = memfd_create("paks-fuzz-settings", MFD_CLOEXEC);
	if (memfd < 0)
		abort();
	snprintf(memfd_path, sizeof memfd_path, "/proc/self/fd/%d", memfd);
	return 0;
}

/* Every value of s as YAML text, one key per line. */
static void
snapshot(const struct settings *s, struct strbuf *sb)
{
	strbuf_reset(sb);
	for (int i = 0; i < settings_count; i++) {
		char *v = settings_yaml_value(s, settings_table[i].name);

		strbuf_addf(sb, "%s: %s\n", settings_table[i].name, v);
		free(v);
	}
}

/* The built-in defaults, as settings_load starts. */
static void
defaults(struct settings *s)
{
	struct paks_error *err = NULL;

	memset(s, 0, sizeof *s);
	for (int i = 0; i < settings_count; i++) {
		if (settings_set(s, settings_table[i].name,
		    settings_table[i].def, SOURCE_DEFAULT, &err) < 0)
			abort();
	}
}

/* What 'paks config list' prints for key reads back as the same value. */
static void
check_readback(const struct settings *s, const char *key)
{
	struct settings t;
	struct paks_error *err = NULL;
	char *yaml = settings_yaml_value(s, key), *back;

	memset(&t, 0, sizeof t);
	FUZZ_CHECK(settings_set(&t, key, yaml, SOURCE_USER, &err) == 0,
	    "'%s: %s' does not read back: %s", key, yaml, err->msg);
	back = settings_yaml_value(&t, key);
	FUZZ_CHECK(strcmp(yaml, back) == 0, "'%s: %s' reads back as '%s'",
	    key, yaml, back);
	free(back);
	free(yaml);
	settings_release(&t);
}

static int
load_text(struct settings *s, const uint8_t *data, size_t size)
{
	struct paks_error *err = NULL;
	int rc;

	if (ftruncate(memfd, 0) < 0 ||
	    pwrite(memfd, data, size, 0) != (ssize_t)size)
		abort();
	rc = settings_load_file(s, memfd_path, SOURCE_FILE, false, &err);
	if (rc < 0) {
		FUZZ_CHECK(err != NULL && err->msg != NULL, "no message");
		paks_error_free(err);
	}
	return rc;
}

/* Load the input as a file; true if it loads. */
static bool
fuzz_load(const uint8_t *data, size_t size, struct strbuf *loaded)
{
	struct settings s;
	struct strbuf before = STRBUF_INIT, after = STRBUF_INIT;
	bool ok;

	defaults(&s);
	snapshot(&s, &before);
	ok = load_text(&s, data, size) == 0;
	snapshot(&s, &after);
	if (!ok)
		FUZZ_CHECK(strcmp(before.buf, after.buf) == 0,
		    "a refused file changed settings");
	else
		for (int i = 0; i < settings_count; i++)
			check_readback(&s, settings_table[i].name);
	strbuf_reset(loaded);
	strbuf_adds(loaded, strbuf_str(&after));
	settings_release(&s);
	strbuf_release(&before);
	strbuf_release(&after);
	return ok;
}

/* The text as the value of every key, as -s KEY=TEXT gives it. */
static void
fuzz_set(const char *text)
{
	struct settings s;
	struct strbuf before = STRBUF_INIT, after = STRBUF_INIT;

	defaults(&s);
	for (int i = 0; i < settings_count; i++) {
		const struct setting_def *d = &settings_table[i];
		struct paks_error *err = NULL;
		char *yaml = NULL;

		snapshot(&s, &before);
		if (settings_set(&s, d->name, text, SOURCE_OVERRIDE, &err) < 0) {
			snapshot(&s, &after);
			FUZZ_CHECK(strcmp(before.buf, after.buf) == 0,
			    "a refused value changed '%s'", d->name);
			paks_error_free(err);
			err = NULL;
		} else
			check_readback(&s, d->name);
		/* paks config set KEY TEXT */
		if (settings_value_yaml(d->name, text, &yaml, &err) < 0) {
			FUZZ_CHECK(err != NULL, "no message");
			paks_error_free(err);
			continue;
		}
		if (d->type == SETTING_STRING) {
			struct settings t;

			memset(&t, 0, sizeof t);
			FUZZ_CHECK(settings_set(&t, d->name, yaml, SOURCE_USER,
			    &err) == 0, "quoted '%s' is refused", yaml);
			FUZZ_CHECK(strcmp(settings_get(&t, d->name), text) == 0,
			    "'%s' written as '%s' reads back as '%s'", text,
			    yaml, settings_get(&t, d->name));
			settings_release(&t);
		}
		free(yaml);
	}
	settings_release(&s);
	strbuf_release(&before);
	strbuf_release(&after);
}

/* Line i of a snapshot, without its newline. */
static const char *
snapshot_line(const char *snap, int i, size_t *len)
{
	while (i-- > 0)
		snap = strchr(snap, '\n') + 1;
	*len = strcspn(snap, "\n");
	return snap;
}

static char *
read_file(const char *path, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		abort();
	while ((n = read(fd, buf, sizeof buf)) > 0)
		strbuf_add(&sb, buf, (size_t)n);
	close(fd);
	*len = sb.len;
	return sb.buf ? strbuf_detach(&sb) : strdup("");
}

/* Only settings.yml and the writers' lock may be in PAKS_HOME. */
static void
check_no_leftovers(void)
{
	DIR *d = opendir(home);
	struct dirent *de;

	if (d == NULL)
		abort();
	while ((de = readdir(d)) != NULL)
		FUZZ_CHECK(de->d_name[0] == '.' ||
		    strcmp(de->d_name, "settings.yml") == 0,
		    "'%s' left in PAKS_HOME", de->d_name);
	closedir(d);
}

/*
 * paks config set KEY VALUE with the input as the user's file; loaded is
 * the snapshot of the settings the input gives, or NULL if it does not
 * load.
 */
static void
fuzz_user_set(const uint8_t *data, size_t size, const char *loaded,
    const char *key, const char *value)
{
	struct settings s, want;
	struct strbuf after = STRBUF_INIT, expect = STRBUF_INIT;
	struct paks_error *err = NULL;
	char *yaml = NULL, *text;
	size_t len;
	int fd, key_i = -1;

	fd = open(user_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	if (settings_user_set(key, value, &err) < 0) {
		FUZZ_CHECK(err != NULL && err->msg != NULL, "no message");
		paks_error_free(err);
		text = read_file(user_file, &len);
		FUZZ_CHECK(len == size && memcmp(text, data, size) == 0,
		    "a refused 'set %s' changed the file", key);
		free(text);
		check_no_leftovers();
		unlink(user_file);
		return;
	}
	FUZZ_CHECK(loaded != NULL, "'set %s' took a file that does not load",
	    key);
	check_no_leftovers();
	text = read_file(user_file, &len);
	unlink(user_file);
	defaults(&s);
	FUZZ_CHECK(load_text(&s, (const uint8_t *)text, len) == 0,
	    "'set %s' wrote a file that does not load:\n%s", key, text);
	snapshot(&s, &after);
	/* the value asked for, as 'paks config list' shows it */
	defaults(&want);
	if (settings_value_yaml(key, value, &yaml, &err) < 0 ||
	    settings_set(&want, key, yaml, SOURCE_USER, &err) < 0)
		abort();
	snapshot(&want, &expect);
	for (int i = 0; i < settings_count; i++) {
		size_t an, bn;
		const char *a, *b;

		if (strcmp(settings_table[i].name, key) == 0) {
			key_i = i;
			a = snapshot_line(expect.buf, i, &an);
		} else
			a = snapshot_line(loaded, i, &an);
		b = snapshot_line(after.buf, i, &bn);
		FUZZ_CHECK(an == bn && memcmp(a, b, an) == 0,
		    "'set %s' made '%.*s' '%.*s' in:\n%s", key, (int)an, a,
		    (int)bn, b, text);
	}
	FUZZ_CHECK(key_i >= 0, "unknown key");
	free(text);
	free(yaml);
	settings_release(&s);
	settings_release(&want);
	strbuf_release(&after);
	strbuf_release(&expect);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf loaded = STRBUF_INIT;
	const char *snap;
	char *text;

	if (size > 1 << 16)
		return 0;
	snap = fuzz_load(data, size, &loaded) ? loaded.buf : NULL;
	/* one set per input (each writes and fsyncs a file): a string, a
	 * list or a boolean, as the input's hash picks */
	switch (fuzz_hash(data, size) % 3) {
	case 0:
		fuzz_user_set(data, size, snap, "container_shell", "/bin/zsh");
		break;
	case 1:
		fuzz_user_set(data, size, snap, "run_options", "[-x, 'a b']");
		break;
	default:
		fuzz_user_set(data, size, snap, "save_history", "true");
	}
	text = fuzz_cstr(data, size);
	fuzz_set(text);
	free(text);
	strbuf_release(&loaded);
	return 0;
}
