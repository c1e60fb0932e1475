/*
 * The #sbom plugin: the packages installed in a container, read from their
 * package databases, written as an SPDX 2.3 or CycloneDX 1.5 document.
 */
#ifndef PAKS_SBOM_H
#define PAKS_SBOM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "image/move-archive.h"
#include "util/strv.h"

#define SBOM_VERSION "0.1.0"

/* One installed package. */
struct sbom_pkg {
	char	*type;		/* purl type: "deb", "apk", "rpm", "pypi",
				   "conda" */
	char	*name;
	char	*version;
	char	*arch;		/* or NULL */
	char	*license;	/* an SPDX license expression, or NULL */
	char	*supplier;	/* "Name <mail>" or "Name", or NULL */
	char	*source;	/* source package (deb), origin (apk) or
				   source rpm */
	char	*epoch;		/* rpm's EPOCH, or NULL */
	char	*build;		/* conda's build string, or NULL */
};

/* What was found in one container. */
struct sbom {
	struct sbom_pkg	*v;
	size_t		 n;
	size_t		 alloc;
	char		*distro;	/* os-release ID, e.g. "debian" */
	char		*distro_version; /* os-release VERSION_ID */
};

#define SBOM_INIT { NULL, 0, 0, NULL, NULL }

enum sbom_format { SBOM_SPDX, SBOM_CYCLONEDX };

struct sbom_pkg *sbom_add(struct sbom *, const char *, const char *,
	    const char *);
void	sbom_release(struct sbom *);
size_t	sbom_count(const struct sbom *, const char *);
void	sbom_clean(struct sbom *);

/* package databases (pure: text in, packages out) */
int	sbom_parse_dpkg(const char *, size_t, struct sbom *);
int	sbom_parse_apk(const char *, size_t, struct sbom *);
int	sbom_parse_metadata(const char *, size_t, struct sbom *);
int	sbom_parse_os_release(const char *, size_t, struct sbom *);
int	sbom_parse_rpm_header(const unsigned char *, size_t, struct sbom *);
int	sbom_parse_conda(const char *, size_t, struct sbom *);
char	*sbom_copyright_license(const char *, size_t);
char	*sbom_license_expression(const char *, bool);
char	*sbom_purl(const struct sbom *, const struct sbom_pkg *);

/*
 * Python distributions and conda packages anywhere in a file system,
 * read from its tar stream (sbom-py.c): SBOM_PY_VISIT's callbacks, with
 * a struct sbom_py as their argument, add them to sbom.
 */
struct sbom_py {
	struct sbom	*sbom;
	struct strv	 seen;		/* "LOCATION\nPURL" found so far */
};

#define SBOM_PY_MAX	(16u << 20)	/* one METADATA or conda-meta file */

extern const struct move_archive_visit sbom_py_visit;
bool	sbom_py_path(const char *, bool *);
void	sbom_py_release(struct sbom_py *);

/* rpm databases, in a directory of the host (sbom-rpmdb.c) */
int	sbom_rpmdb_sqlite(const char *, struct sbom *, char **);
int	sbom_rpmdb_bdb(const char *, struct sbom *, char **);

/* documents */
json_t	*sbom_spdx(const struct sbom *, const char *, const char *,
	    const char *);
json_t	*sbom_cyclonedx(const struct sbom *, const char *, const char *,
	    const char *);

#endif
