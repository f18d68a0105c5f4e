/* suid: print the ids it runs with. The test installs it setuid root: in the
 * box (nosuid, and no_new_privs) it must not gain them. If it ever ran as
 * root, hostile.h would refuse at once (exit 99). */
#include "attack.h"
#include "../progs/hostile.h"

int main(void)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;

	getresuid(&r, &e, &s);
	getresgid(&rg, &eg, &sg);
	printf("uid=%u,%u,%u gid=%u,%u,%u\n", r, e, s, rg, eg, sg);
	denied(setuid(0), "setuid(0)");
	denied(setgid(0), "setgid(0)");
	return verdict();
}
