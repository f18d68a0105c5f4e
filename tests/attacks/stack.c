/* stack [thread]: recurse without end, in main or in a thread. The stack
 * limit turns it into SIGSEGV. */
#include "attack.h"
#include <pthread.h>
#include "../progs/hostile.h"

static long depth(long n)
{
	volatile char pad[1024];
	pad[0] = (char)n;
	return n > -1 ? depth(n + 1) + pad[0] : 0;
}

static void *run(void *arg)
{
	(void)arg;
	printf("reached: %ld\n", depth(0));
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc > 1 && !strcmp(argv[1], "thread")) {
		pthread_create(&t, NULL, run, NULL);
		pthread_join(t, NULL);
	} else
		run(NULL);
	return 0;
}
