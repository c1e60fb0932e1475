/* Copies that land on the host without following a symbolic link. */
#ifndef PAKS_SAFETREE_H
#define PAKS_SAFETREE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "strv.h"

/*
 * One copy under way: a private directory beside its destination, filled
 * member by member, checked, then moved into place (safetree.c says how).
 * Messages name members by where they would land ("out/lib").
 */
struct safetree {
	int		 dir_fd;	/* the directory the copy lands in */
	char		*name;		/* its name there; NULL: the source's */
	char		*shown;		/* the destination as typed */
	bool		 check_links;	/* refuse links leaving the copy */
	int		 stage_fd;	/* the private directory */
	char		*stage;		/* its name in dir_fd */
	bool		 laid_out;	/* top or contents is decided */
	char		*top;		/* the copy's name in the stage */
	unsigned	 root_mode;	/* contents: the directory's mode */
	struct strv	 links;		/* symbolic links made, stage paths */
	char		*cache;		/* the last member's directory */
	int		 cache_fd;
};

#define SAFETREE_INIT { -1, NULL, NULL, false, -1, NULL, false, NULL, \
			0755, STRV_INIT, NULL, -1 }

/* A member to make, as a tar header describes it. */
struct safetree_member {
	const char	*path;		/* in the stage: "top/a/b"; "" the root */
	char		 type;		/* tar's: '0' file, '1' hard link,
					 * '2' symlink, '5' directory, '6' fifo,
					 * '3' '4' devices (refused) */
	unsigned	 mode;
	int64_t		 mtime;		/* seconds; 0: leave as made */
	const char	*link;		/* '1': member linked to; '2': target */
	int		 data_fd;	/* '0': the bytes */
	off_t		 offset;	/* -1: from data_fd's position ... */
	off_t		 size;		/* ... -1: to its end */
};

/* How the links of a path resolve below a directory (openat2's RESOLVE_*). */
enum safetree_resolve {
	SAFETREE_BENEATH	= 0,		/* links, ".." stay below: EXDEV */
	SAFETREE_IN_ROOT	= 1 << 0,	/* as if the directory were "/" */
	SAFETREE_NO_LINKS	= 1 << 1,	/* any link on the way: ELOOP */
};

int	safetree_open_below(int, const char *, int, bool);
int	safetree_open_how(int, const char *, int, enum safetree_resolve);
bool	safetree_openat2(void);
bool	safetree_wants_contents(const char *);
char   *safetree_top_of(const char *);

int	safetree_begin(struct safetree *, int, const char *, const char *,
	    bool, struct paks_error **);
int	safetree_begin_host(struct safetree *, const char *, const char *,
	    struct paks_error **);
int	safetree_scratch(struct safetree *, struct paks_error **);
void	safetree_layout(struct safetree *, const char *);
int	safetree_put(struct safetree *, const struct safetree_member *,
	    struct paks_error **);
int	safetree_add_fd(struct safetree *, const char *, int, bool,
	    struct paks_error **);
int	safetree_add_link(struct safetree *, const char *, const char *,
	    struct paks_error **);
int	safetree_commit(struct safetree *, struct paks_error **);
void	safetree_release(struct safetree *);

#define _cleanup_safetree_ __attribute__((cleanup(safetree_release)))

#endif
