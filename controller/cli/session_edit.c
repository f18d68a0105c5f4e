/* session_edit.c: judgebox session edit ID [FILE...]. With files, they
 * replace the session's; without, the session's files are written into a
 * temporary directory, $EDITOR (else $VISUAL, else vi) is run on them, and
 * what it left is sent. Either way the update carries the version the
 * files were read at (base_version): an edit saved meanwhile elsewhere
 * makes it a conflict, never a silent overwrite, and the edited files are
 * then kept where they are for the user to merge.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"

#define MAX_EDIT_FILES 1024

/* Write content as dir/name, making name's directories. */
static int s_put(const char *dir, const char *name, const char *p, size_t n)
{
	char path[4400];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return errno = ENAMETOOLONG, -1;
	for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(path, 0700) && errno != EEXIST)
			return -1;
		*s = '/';
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	bool ok = write(fd, p, n) == (ssize_t)n;
	return close(fd) == 0 && ok ? 0 : -1;
}

/* Run the editor on paths; 0 if it exited 0. Its command line is the
 * user's own ($EDITOR may carry options), so a shell splits it. */
static int s_editor(char **paths, int n)
{
	char **argv = calloc((size_t)n + 5, sizeof *argv);
	if (!argv)
		return -1;
	argv[0] = "sh", argv[1] = "-c";
	argv[2] = "exec ${EDITOR:-${VISUAL:-vi}} \"$@\"", argv[3] = "judgebox-editor";
	memcpy(argv + 4, paths, (size_t)n * sizeof *argv);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		execv("/bin/sh", argv);
		_exit(127);
	}
	free(argv);
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* The session's files into dir (their paths into paths). */
static int s_write_all(const msgpack_object *files, const char *dir, char **paths)
{
	char name[300];
	for (uint32_t i = 0; i < files->via.array.size; i++) {
		const msgpack_object *f = &files->via.array.ptr[i];
		const char *p = "";
		size_t n = 0;
		rd_str(f, "name", name, sizeof name, "");
		mp_as_bin(mp_get(f, "content"), &p, &n);
		if (!*name || *name == '.' || strstr(name, "..") ||
		    asprintf(&paths[i], "%s/%s", dir, name) < 0)
			return paths[i] = NULL, -1;
		if (s_put(dir, name, p, n)) {
			fprintf(stderr, "judgebox: %s: %s\n", paths[i], strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* The update of id from base with files (their names) read back from
 * paths; *same if nothing changed. */
static int s_read_back(cli_t *x, req_t *r, const msgpack_object *files, char **paths,
		       bool *same)
{
	char name[300];
	uint32_t n = files->via.array.size;
	*same = true;
	req_key(r, "files");
	mp_w_array(&r->w, n);
	for (uint32_t i = 0; i < n; i++) {
		const msgpack_object *f = &files->via.array.ptr[i];
		const char *p;
		size_t pn;
		char *buf;
		size_t len;
		int rc = cli_slurp(paths[i], &buf, &len);
		if (rc != RC_OK)
			return rc;
		if (!mp_as_bin(mp_get(f, "content"), &p, &pn) || pn != len || memcmp(p, buf, len))
			*same = false;
		mp_w_map(&r->w, 2);
		mp_w_kstr(&r->w, "name", rd_str(f, "name", name, sizeof name, ""));
		mp_w_kbin(&r->w, "content", buf, len);
		free(buf);
	}
	(void)x;
	return RC_OK;
}

/* Remove the edit directory and what is in it (it holds only our files). */
static void s_rmdir(const char *dir, char **paths, int n)
{
	char cmd_dir[4200];
	for (int i = 0; i < n; i++)
		if (paths[i])
			unlink(paths[i]);
	for (int i = n - 1; i >= 0; i--) {	/* subdirectories, deepest first */
		if (!paths[i])
			continue;
		snprintf(cmd_dir, sizeof cmd_dir, "%s", paths[i]);
		for (char *s; (s = strrchr(cmd_dir, '/')) && strlen(cmd_dir) > strlen(dir);) {
			*s = '\0';
			rmdir(cmd_dir);
		}
	}
	rmdir(dir);
}

/* Send the update; print the new version, or where the edits are kept. */
static int s_send(cli_t *x, req_t *r, const char *dir)
{
	in_t in = { 0 };
	int rc = conn_call(x, r, conn_timeout(x), &in);
	const msgpack_object *s = rc == RC_OK ? rd_map(in.root, "session") : NULL;
	if (rc == RC_OK && x->o.json)
		json_fields(in.root);
	else if (rc == RC_OK)
		printf("session %" PRIu64 " saved: version %" PRIu64 "\n", rd_u64(s, "id", 0),
		       rd_u64(s, "version", 0));
	if (rc != RC_OK && dir)
		fprintf(stderr, "judgebox: your edits are kept in %s\n", dir);
	in_free(&in);
	return rc;
}

/* Edit with $EDITOR: files out, editor, files back, update. */
static int s_edit_interactive(cli_t *x, uint64_t id, uint64_t base, const msgpack_object *files)
{
	char dir[4096];
	const char *tmp = getenv("TMPDIR");
	int n = (int)files->via.array.size, rc = RC_USAGE;
	bool same;
	snprintf(dir, sizeof dir, "%s/judgebox-session-%" PRIu64 ".XXXXXX", tmp && *tmp ? tmp : "/tmp", id);
	if (n == 0 || n > MAX_EDIT_FILES)
		return cli_usage("session edit: the session has no files to edit; give files", NULL);
	char **paths = calloc((size_t)n, sizeof *paths);
	if (!paths || !mkdtemp(dir)) {
		fprintf(stderr, "judgebox: %s: %s\n", dir, strerror(errno));
		return free(paths), RC_INTERNAL;
	}
	req_t r;
	req_begin(&r, "session_update");
	req_kuint(&r, "id", id);
	req_kuint(&r, "base_version", base);
	if (s_write_all(files, dir, paths))
		fputs("judgebox: cannot write the session's files to edit them\n", stderr);
	else if (s_editor(paths, n))
		fprintf(stderr, "judgebox: the editor failed; the session is unchanged, "
			"the files are in %s\n", dir);
	else if ((rc = s_read_back(x, &r, files, paths, &same)) == RC_OK && same)
		printf("session %" PRIu64 " unchanged: version %" PRIu64 "\n", id, base);
	else if (rc == RC_OK)
		rc = s_send(x, &r, dir);
	if (rc == RC_OK)
		s_rmdir(dir, paths, n);
	mp_w_free(&r.w);
	for (int i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return rc == RC_USAGE ? RC_STATUS : rc;
}

/* session edit ID [FILE...] */
int cmd_session_edit(cli_t *x)
{
	uint64_t id;
	in_t in = { 0 };
	req_t r;
	const msgpack_object *s = NULL, *files;
	int rc = cli_parse_uint(x->o.operands[1], 1, MAX_ID, &id) ? RC_OK :
		 cli_usage("not a session id", x->o.operands[1]);
	if (rc == RC_OK)
		rc = session_get(x, id, &in, &s);
	files = rc == RC_OK ? rd_array(s, "files") : NULL;
	if (rc == RC_OK && !files && x->o.noperands == 2) {
		fputs("judgebox: reply without files\n", stderr);
		rc = RC_INTERNAL;
	}
	if (rc == RC_OK && x->o.noperands == 2)
		rc = s_edit_interactive(x, id, rd_u64(s, "version", 0), files);
	else if (rc == RC_OK) {
		char one[300] = "";
		if (x->o.noperands == 3 && files && files->via.array.size == 1)
			rd_str(&files->via.array.ptr[0], "name", one, sizeof one, "");
		req_begin(&r, "session_update");
		req_kuint(&r, "id", id);
		req_kuint(&r, "base_version", rd_u64(s, "version", 0));
		rc = session_add_files(x, &r, 2, one);
		rc = rc == RC_OK ? s_send(x, &r, NULL) : (mp_w_free(&r.w), rc);
	}
	in_free(&in);
	return rc;
}
