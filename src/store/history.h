/*
 * The session record: each line a paks session ran, kept on the host in
 * ~/.paks/records/CONTAINER.jsonl, one JSON object a line.
 */
#ifndef PAKS_HISTORY_H
#define PAKS_HISTORY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/strbuf.h"
#include "util/strv.h"

/* A line longer than this is kept cut (the hook cuts it too). */
#define HISTORY_MAX_LINE 16384
/* The record stops growing at this size: a container cannot fill a disk. */
#define HISTORY_MAX_FILE (8u << 20)
/* Values shorter than this are not masked (a "1" is in too many lines). */
#define HISTORY_MASK_MIN 4
#define HISTORY_MASK "***"

enum history_kind {
	HISTORY_SHELL,		/* a line the shell ran */
	HISTORY_PAKS,		/* a #command paks ran */
};

struct history_entry {
	enum history_kind kind;
	char		*line;		/* secrets masked */
	char		*cwd;		/* where it started; NULL: unknown */
	char		*to;		/* where it left the shell, if elsewhere */
	char		*from;		/* #cp host:: the host path */
	char		*session;	/* the session's id */
	char		*shell;		/* bash, zsh, sh */
	int		 status;	/* -1: unknown */
	int64_t		 start;		/* ms since the epoch, host clock */
	int64_t		 duration;	/* ms; -1: unknown */
	bool		 typed;		/* paks saw its Enter typed */
};

#define HISTORY_ENTRY_INIT { .status = -1, .duration = -1 }

struct history {
	struct history_entry	*v;
	size_t			 n, alloc;
	size_t			 bad;		/* lines that did not parse */
};

#define HISTORY_INIT { NULL, 0, 0, 0 }

char	*history_path(const char *);
bool	history_name_ok(const char *);
void	history_entry_release(struct history_entry *);
int	history_format(const struct history_entry *, struct strbuf *);
int	history_parse(const char *, size_t, struct history_entry *);
void	history_parse_all(const char *, size_t, struct history *);
int	history_load(const char *, struct history *, struct paks_error **);
int	history_append(const char *, const struct history_entry *,
	    struct paks_error **);
void	history_mask(char **, char *const *);
void	history_sort(struct history *);
void	history_release(struct history *);
int64_t	history_now(void);
void	history_mask_all(struct history *, char *const *);
void	history_table(const struct history *, size_t, struct strbuf *);
json_t	*history_json(const struct history *);

#define _cleanup_history_ __attribute__((cleanup(history_release)))

#endif
