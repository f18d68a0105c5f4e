/* bigargs: exec itself with ever larger argument lists and environments
 * (1 KiB to 64 MiB, and one 1 MiB string): each exec works or fails with
 * E2BIG; nothing else may happen. Then report what it was given. */
#include "attack.h"
#include "../progs/hostile.h"

extern char **environ;

static void try_exec(const char *what, size_t count, size_t len, int as_env)
{
	char **v = calloc(count + 3, sizeof *v), *s = malloc(len + 1);
	char *empty[] = { NULL };
	pid_t p;
	int st;

	if (!v || !s)
		return;
	memset(s, 'A', len);
	s[len] = '\0';
	if (as_env)
		s[0] = 'X', s[1] = '=';
	v[0] = "bigargs";
	v[1] = "child";
	for (size_t i = 0; i < count; i++)
		v[i + 2] = s;
	if (as_env)
		v += 2;
	if ((p = fork()) == 0) {
		execve("/proc/self/exe", as_env ? (char *[]){ "bigargs", "child", NULL } : v,
			as_env ? v : empty);
		printf("%s: %s\n", what, strerrorname_np(errno));
		_exit(errno == E2BIG ? 0 : 1);
	}
	waitpid(p, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		printf("%s: unexpected status %#x\n", what, st);
	free(s);
	free(as_env ? v - 2 : v);
}

int main(int argc, char **argv)
{
	size_t total = 0, envs = 0;

	if (argc > 1 && !strcmp(argv[1], "child")) {
		for (int i = 0; i < argc; i++)
			total += strlen(argv[i]) + 1;
		for (char **e = environ; *e; e++, envs++)
			total += strlen(*e) + 1;
		printf("child ran with %d args, %zu env, %zu bytes\n", argc, envs, total);
		return 0;
	}
	if (argc > 1) {                 /* the test's own huge argv */
		for (int i = 0; i < argc; i++)
			total += strlen(argv[i]) + 1;
		for (char **e = environ; *e; e++, envs++)
			;
		printf("given %d args, %zu bytes, %zu env\n", argc, total, envs);
		return 0;
	}
	try_exec("argv 1 KiB", 16, 64, 0);
	try_exec("argv 1 MiB", 16384, 64, 0);
	try_exec("argv 64 MiB", 1 << 20, 64, 0);
	try_exec("one 1 MiB arg", 1, 1 << 20, 0);
	try_exec("env 1 MiB", 16384, 64, 1);
	try_exec("env 64 MiB", 1 << 20, 64, 1);
	puts("done");
	return 0;
}
