/* migrations.h - schema migrations as an ordered table.
 * Each step runs once, in order, inside one transaction with the
 * version bump (SQLite: PRAGMA user_version). Never edit a shipped step:
 * append a new one. */
#ifndef AIU_MIGRATIONS_H
#define AIU_MIGRATIONS_H

struct migration {
	int version;
	const char *name;
	const char *sql;   /* one or more statements */
};

extern const struct migration sqlite_migrations[];
extern const int sqlite_migrations_n;
/* PostgreSQL: the same steps and version numbers (migrations_pg.c). */
extern const struct migration pg_migrations[];
extern const int pg_migrations_n;

#endif
