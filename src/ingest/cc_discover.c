/* cc_discover.c - see cc_discover.h. */
#include "ingest/cc_discover.h"
#include "core/buf.h"
#include "core/strutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 8          /* projects/P/S/subagents/x.jsonl is depth 3 */
#define MAX_FILES 1000000
#define META_MAX (64 * 1024)

static int add_root(struct cc_file_list *l, const char *dir)
{
	char **nv;
	for (size_t i = 0; i < l->nroots; i++)
		if (strcmp(l->roots[i], dir) == 0)
			return AIU_OK;
	nv = realloc(l->roots, (l->nroots + 1) * sizeof(*nv));
	if (!nv)
		return AIU_ENOMEM;
	l->roots = nv;
	if (!(l->roots[l->nroots] = strdup(dir)))
		return AIU_ENOMEM;
	l->nroots++;
	return AIU_OK;
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Expands a leading ~ and trims a trailing slash into out. */
static int expand(const char *in, char *out, size_t cap)
{
	const char *home = getenv("HOME");
	size_t n;
	int w;
	while (*in == ' ')
		in++;
	if (in[0] == '~' && (in[1] == '/' || in[1] == '\0') && home)
		w = snprintf(out, cap, "%s%s", home, in + 1);
	else
		w = snprintf(out, cap, "%s", in);
	if (w < 0 || (size_t)w >= cap)
		return AIU_ELIMIT;
	n = strlen(out);
	while (n > 1 && (out[n - 1] == '/' || out[n - 1] == ' '))
		out[--n] = '\0';
	return AIU_OK;
}

/* An entry is a config dir (has projects/) or a projects dir itself. */
static int add_entry(struct cc_file_list *l, const char *entry, bool required,
		     struct aiu_err *err)
{
	char dir[4096], proj[4200];
	if (expand(entry, dir, sizeof(dir)) < 0)
		return aiu_errf(err, AIU_ELIMIT, "path too long: %s", entry);
	if (!*dir)
		return AIU_OK;
	snprintf(proj, sizeof(proj), "%s/projects", dir);
	if (is_dir(proj))
		return add_root(l, proj) < 0 ? aiu_errf(err, AIU_ENOMEM, "out of memory") : AIU_OK;
	if (is_dir(dir))
		return add_root(l, dir) < 0 ? aiu_errf(err, AIU_ENOMEM, "out of memory") : AIU_OK;
	if (required)
		return aiu_errf(err, AIU_ENOTFOUND, "Claude directory not found: %s", dir);
	return AIU_OK;
}

/* Reads agentType from path (a .meta.json), or NULL. */
static char *read_agent_type(const char *path)
{
	json_error_t jerr;
	json_t *root;
	char *res = NULL;
	struct stat st;
	if (stat(path, &st) < 0 || st.st_size > META_MAX)
		return NULL;
	root = json_load_file(path, 0, &jerr);
	if (root) {
		const char *t = json_string_value(json_object_get(root, "agentType"));
		if (t)
			res = strdup(t);
		json_decref(root);
	}
	return res;
}

static char *strip_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);
	return strndup(name, n >= e ? n - e : n);
}

static int add_file(struct cc_file_list *l, const char *path, const char *const *comp,
		    int depth)
{
	struct cc_file *f;
	const char *name = comp[depth - 1];
	char meta[4200];

	if (l->n >= MAX_FILES)
		return AIU_ELIMIT;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 256;
		struct cc_file *nv = realloc(l->v, ncap * sizeof(*nv));
		if (!nv)
			return AIU_ENOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	f = &l->v[l->n];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	f->project_dir = strdup(depth >= 2 ? comp[0] : "");
	/* P/<id>.jsonl -> id; P/<S>/.../x.jsonl -> S */
	f->session_hint = depth >= 3 ? strdup(comp[1]) : strip_ext(name, ".jsonl");
	if (!f->path || !f->project_dir || !f->session_hint) {
		free(f->path);
		free(f->project_dir);
		free(f->session_hint);
		return AIU_ENOMEM;
	}
	if (snprintf(meta, sizeof(meta), "%.*s.meta.json", (int)(strlen(path) - 6), path) <
	    (int)sizeof(meta))
		f->agent_type = read_agent_type(meta);
	l->n++;
	return AIU_OK;
}

static int walk(struct cc_file_list *l, char *path, size_t plen, size_t cap,
		const char **comp, int depth, struct aiu_err *err)
{
	DIR *d;
	struct dirent *de;
	int rc = AIU_OK;

	if (depth > MAX_DEPTH)
		return AIU_OK;
	if (!(d = opendir(path)))
		return depth == 0 ? aiu_errf(err, AIU_EIO, "cannot read %s: %s", path, strerror(errno))
				  : AIU_OK;
	while ((de = readdir(d))) {
		size_t nl = strlen(de->d_name);
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		if (plen + 1 + nl + 1 > cap)
			continue;
		path[plen] = '/';
		memcpy(path + plen + 1, de->d_name, nl + 1);
		if (stat(path, &st) < 0)
			continue;
		comp[depth] = de->d_name;
		if (S_ISDIR(st.st_mode)) {
			rc = walk(l, path, plen + 1 + nl, cap, comp, depth + 1, err);
		} else if (S_ISREG(st.st_mode) && nl > 6 && strcmp(de->d_name + nl - 6, ".jsonl") == 0) {
			if ((rc = add_file(l, path, comp, depth + 1)) < 0)
				aiu_errf(err, rc, "%s: %s", path, rc == AIU_ELIMIT ?
					 "too many transcript files" : "out of memory");
		}
		path[plen] = '\0';
		if (rc < 0)
			break;
	}
	closedir(d);
	return rc;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct cc_file *)a)->path, ((const struct cc_file *)b)->path);
}

int cc_discover(const char *const *dirs, size_t ndirs, struct cc_file_list *out,
		struct aiu_err *err)
{
	const char *env = getenv("CLAUDE_CONFIG_DIR");
	char path[4096];
	const char *comp[MAX_DEPTH + 2];
	int rc = AIU_OK;

	memset(out, 0, sizeof(*out));
	if (ndirs) {
		for (size_t i = 0; i < ndirs && rc == AIU_OK; i++)
			rc = add_entry(out, dirs[i], true, err);
	} else if (env && *env) {
		char *copy = strdup(env), *save = NULL;
		if (!copy)
			return aiu_errf(err, AIU_ENOMEM, "out of memory");
		for (char *tok = strtok_r(copy, ",", &save); tok && rc == AIU_OK;
		     tok = strtok_r(NULL, ",", &save))
			rc = add_entry(out, tok, false, err);
		free(copy);
	} else {
		const char *xdg = getenv("XDG_CONFIG_HOME");
		char x[4096];
		if (xdg && *xdg) {
			snprintf(x, sizeof(x), "%s/claude", xdg);
			rc = add_entry(out, x, false, err);
		} else {
			rc = add_entry(out, "~/.config/claude", false, err);
		}
		if (rc == AIU_OK)
			rc = add_entry(out, "~/.claude", false, err);
	}
	for (size_t i = 0; i < out->nroots && rc == AIU_OK; i++) {
		str_copy(path, out->roots[i], sizeof(path));
		rc = walk(out, path, strlen(path), sizeof(path), comp, 0, err);
	}
	if (rc < 0) {
		cc_file_list_free(out);
		return rc;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_file);
	return AIU_OK;
}

void cc_file_list_free(struct cc_file_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].project_dir);
		free(l->v[i].session_hint);
		free(l->v[i].agent_type);
	}
	for (size_t i = 0; i < l->nroots; i++)
		free(l->roots[i]);
	free(l->v);
	free(l->roots);
	memset(l, 0, sizeof(*l));
}
