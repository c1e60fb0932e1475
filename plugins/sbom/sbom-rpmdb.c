/*
 * rpm's package databases, copied out of the container into a private
 * directory of the host: rpmdb.sqlite (rpm 4.16 and later: Fedora, RHEL
 * and Rocky 9) read with libsqlite3, and the Berkeley DB hash "Packages"
 * of RHEL and Rocky 8 read with libdb. Each row or value is an rpm header
 * blob (sbom-rpm.c). The files came from the container: sqlite opens them
 * read-only and defensive, and libdb without an environment.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef SBOM_HAVE_SQLITE
#include <sqlite3.h>
#endif
#ifdef SBOM_HAVE_LIBDB
#include <db.h>
#endif

#include "sbom.h"
#include "util/xalloc.h"

/*
 * Each function returns the number of packages added, or -1 with *why
 * set to an allocated message. Blobs that are not headers are skipped.
 */

#ifdef SBOM_HAVE_SQLITE
int
sbom_rpmdb_sqlite(const char *path, struct sbom *s, char **why)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t before = s->n;
	int rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK) {
		/* the schema is the container's: run none of its code */
		sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
		sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
		sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
		sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
		rc = sqlite3_prepare_v2(db, "SELECT blob FROM Packages", -1,
		    &st, NULL);
	}
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *blob = sqlite3_column_blob(st, 0);
		int n = sqlite3_column_bytes(st, 0);

		if (blob != NULL && n > 0)
			(void)sbom_parse_rpm_header(blob, (size_t)n, s);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE) {
		*why = xasprintf("rpmdb.sqlite: %s", db ? sqlite3_errmsg(db) :
		    sqlite3_errstr(rc));
		sqlite3_finalize(st);
		sqlite3_close(db);
		return -1;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return (int)(s->n - before);
}
#else
int
sbom_rpmdb_sqlite(const char *path, struct sbom *s, char **why)
{
	(void)path, (void)s;
	*why = xstrdup("rpmdb.sqlite: this sbom was built without sqlite");
	return -1;
}
#endif

#ifdef SBOM_HAVE_LIBDB
int
sbom_rpmdb_bdb(const char *path, struct sbom *s, char **why)
{
	DB *db = NULL;
	DBC *cur = NULL;
	DBT key, val;
	size_t before = s->n, msglen = 0;
	char *msg = NULL;
	FILE *errf = open_memstream(&msg, &msglen);
	int rc;

	if (errf == NULL)
		BUG("open_memstream failed");
	/* libdb's own messages: kept for *why, not printed */
	if ((rc = db_create(&db, NULL, 0)) == 0) {
		db->set_errfile(db, errf);
		rc = db->open(db, NULL, path, NULL, DB_UNKNOWN, DB_RDONLY, 0);
	}
	if (rc == 0)
		rc = db->cursor(db, NULL, &cur, 0);
	while (rc == 0) {
		memset(&key, 0, sizeof key);
		memset(&val, 0, sizeof val);
		if ((rc = cur->get(cur, &key, &val, DB_NEXT)) != 0)
			break;
		/* record 0 holds rpm's next instance number, not a header */
		if (val.data != NULL && val.size > 8)
			(void)sbom_parse_rpm_header(val.data, val.size, s);
	}
	if (cur != NULL)
		cur->close(cur);
	if (db != NULL)
		db->close(db, 0);
	fclose(errf);
	if (rc != DB_NOTFOUND) {
		size_t n = msg ? strcspn(msg, "\n") : 0;
		*why = n > 0 ? xasprintf("Packages: %s: %.*s", db_strerror(rc),
		    (int)n, msg) : xasprintf("Packages: %s", db_strerror(rc));
		free(msg);
		return -1;
	}
	free(msg);
	return (int)(s->n - before);
}
#else
int
sbom_rpmdb_bdb(const char *path, struct sbom *s, char **why)
{
	(void)path, (void)s;
	*why = xstrdup("Packages: this sbom was built without libdb");
	return -1;
}
#endif
