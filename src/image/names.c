/* Readable unique container names: debian-bookworm-gloopy-peanut-4521. */
#include <string.h>
#include <sys/random.h>

#include "names.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char *const adjectives[] = {
	"gloopy", "crusty", "fuzzy", "bouncy", "sneaky", "wobbly", "dusty",
	"spicy", "sleepy", "breezy", "chunky", "dapper", "frothy", "giddy",
	"jolly", "lumpy", "misty", "nifty", "perky", "quirky", "rusty",
	"salty", "tangy", "wiggly", "zesty", "bashful", "cosmic", "plucky",
};
static const char *const nouns[] = {
	"peanut", "taco", "muffin", "pancake", "noodle", "pickle", "walrus",
	"otter", "badger", "lemur", "parsnip", "dumpling", "bagel", "cactus",
	"penguin", "truffle", "squid", "waffle", "kumquat", "platypus",
	"biscuit", "gnocchi", "yak", "narwhal", "pretzel", "teapot",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

uint32_t
names_random(void)
{
	uint32_t r = 0;

	if (getrandom(&r, sizeof r, 0) != sizeof r)
		BUG("getrandom failed");
	return r;
}

/* Keep [a-z0-9] and turn runs of anything else into one '-'. */
static void
names_add_clean(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		char c = *s;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			strbuf_addch(sb, c);
		else if (sb->len > 0 && sb->buf[sb->len - 1] != '-')
			strbuf_addch(sb, '-');
	}
}

/* Name from the image's last path part, its tag, and a friendly random part. */
char *
names_container(const struct imageref *r, uint32_t rnd)
{
	_cleanup_free_ char *base = imageref_base(r);
	struct strbuf sb = STRBUF_INIT;

	names_add_clean(&sb, base);
	if (r->tag != NULL && strcmp(r->tag, "latest") != 0) {
		strbuf_addch(&sb, '-');
		names_add_clean(&sb, r->tag);
	}
	while (sb.len > 0 && sb.buf[sb.len - 1] == '-')
		sb.len--, sb.buf[sb.len] = '\0';
	if (sb.len > 40)
		sb.len = 40, sb.buf[40] = '\0';
	if (sb.len == 0)
		strbuf_adds(&sb, "paks");
	strbuf_addf(&sb, "-%s-%s-%04u", adjectives[rnd % NELEM(adjectives)],
	    nouns[(rnd / NELEM(adjectives)) % NELEM(nouns)],
	    (unsigned)((rnd / (NELEM(adjectives) * NELEM(nouns))) % 10000));
	return strbuf_detach(&sb);
}
