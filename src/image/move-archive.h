/* Tar files read from a file or a pipe; docker-archives written back. */
#ifndef PAKS_MOVE_ARCHIVE_H
#define PAKS_MOVE_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

struct safetree;

/* One member of a tar file, as move_archive_index or _stream finds it. */
struct move_archive_entry {
	char	*name;		/* without a leading "./" */
	char	*link;		/* symlink target, or NULL */
	char	 type;		/* '0' regular, '1' hard link, '2' symlink,
				   '3' char device, '4' block device,
				   '5' directory, '6' fifo */
	off_t	 offset;	/* of the data in the file */
	off_t	 header;	/* of its first header (pax, long name) */
	off_t	 size;
	unsigned mode;		/* permission bits, with setuid and the like */
	int64_t	 mtime;		/* seconds since the epoch */
	int64_t	 uid;		/* the owner's number; -1 if unreadable */
};

/*
 * A docker-archive ("docker save" or "podman save --format
 * docker-archive") held in a seekable fd that the caller owns.
 */
struct move_archive {
	int				 fd;
	struct move_archive_entry	*v;
	size_t				 n, alloc;
	char				*config_name;	/* manifest's Config */
	char				*config;	/* its bytes */
	size_t				 config_len;
	char				**layers;	/* manifest's Layers */
	char				**diff_ids;	/* config rootfs */
	size_t				 nlayers;
	uint64_t			*layer_size;	/* bytes of each */
};

#define MOVE_ARCHIVE_INIT { -1, NULL, 0, 0, NULL, NULL, 0, NULL, NULL, 0, NULL }

enum move_archive_kind {
	ARCHIVE_UNKNOWN,
	ARCHIVE_DOCKER,		/* manifest.json */
	ARCHIVE_OCI,		/* oci-layout and index.json */
	ARCHIVE_COMPRESSED,	/* gzip, zstd, xz, bzip2: the engine decides */
};

/*
 * What move_archive_stream does with each member: want says whether to
 * read a regular file's data (max bytes at most) for entry, which sees
 * every member and returns 0, or -1 with *err set to stop the read.
 */
struct move_archive_visit {
	bool	(*want)(const struct move_archive_entry *, void *);
	int	(*entry)(const struct move_archive_entry *, const char *,
		    void *, struct paks_error **);
	size_t	  max;
};

/*
 * What move_archive_chunks does: want says whether to read a regular
 * file's data, of any size, which goes to chunk piece by piece; chunk
 * returns 0, 1 to skip the rest of the member, or -1 with *err set.
 */
struct move_archive_chunked {
	bool	(*want)(const struct move_archive_entry *, void *);
	int	(*chunk)(const struct move_archive_entry *, const char *,
		    size_t, void *, struct paks_error **);
};

/* What move_archive_walk gives each member: 0, or -1 with *err set. */
typedef int move_archive_walk_fn(const struct move_archive_entry *, void *,
    struct paks_error **);

/* What move_archive_write sent. */
struct move_archive_stats {
	uint64_t	written;	/* bytes of the whole archive */
	uint64_t	sent_layers;	/* bytes of the layers sent */
	uint64_t	all_layers;	/* bytes of every layer */
	size_t		sent, reused;	/* layers */
};

int	move_archive_index(int, struct move_archive *, struct paks_error **);
int	move_archive_index_at(int, off_t, off_t, struct move_archive *,
	    struct paks_error **);
int	move_archive_stream(int, const struct move_archive_visit *, void *,
	    struct paks_error **);
int	move_archive_chunks(int, const struct move_archive_chunked *, void *,
	    struct paks_error **);
int	move_archive_read(int, struct move_archive *, struct paks_error **);
int	move_archive_walk(const struct move_archive *,
	    const struct move_archive_entry *, move_archive_walk_fn *, void *,
	    struct paks_error **);
const struct move_archive_entry *move_archive_find(
	    const struct move_archive *, const char *);
int	move_archive_slurp(const struct move_archive *, const char *, size_t,
	    char **, size_t *, struct paks_error **);
int	move_archive_write(const struct move_archive *, const bool *,
	    const char *, int, struct move_archive_stats *,
	    struct paks_error **);
void	move_archive_release(struct move_archive *);
int	move_archive_kind(int, enum move_archive_kind *, struct paks_error **);
int	move_archive_extract(const struct move_archive *, struct safetree *,
	    bool, struct paks_error **);

/* tar writing, also for tests */
int	move_tar_add(int, const char *, const void *, size_t, uint64_t *,
	    struct paks_error **);
int	move_tar_end(int, uint64_t *, struct paks_error **);
int	move_tar_begin(int, const char *, uint64_t, uint64_t *,
	    struct paks_error **);
int	move_tar_pad(int, uint64_t, uint64_t *, struct paks_error **);

#endif
