/* A test group's temporary directory, removed with all it holds. */
#ifndef PAKS_TEST_TMPDIR_H
#define PAKS_TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <unistd.h>

static int
tmpdir_remove_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

/* Depth first, never following a link: a test may plant links that point
 * out of the directory. */
static inline int
tmpdir_remove(const char *dir)
{
	if (nftw(dir, tmpdir_remove_one, 16, FTW_DEPTH | FTW_PHYS) < 0) {
		perror(dir);
		return -1;
	}
	return 0;
}

#endif
