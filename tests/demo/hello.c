/* hello: a well-behaved job. Expected: status ok, exit 0. */
#include "../progs/hostile.h"

int main(void)
{
	printf("hello, world from pid %d, uid %d\n", (int)getpid(), (int)getuid());
	return 0;
}
