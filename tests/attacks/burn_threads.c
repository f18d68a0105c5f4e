/* burn_threads N MS: N threads each burn MS ms of CPU (forever if MS < 0).
 * The box's CPU time is the sum over all of them, not the wall time. */
#include "attack.h"
#include <pthread.h>
#include "../progs/hostile.h"

static long ms;

static void *burn(void *arg)
{
	(void)arg;
	spin(ms);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2;
	pthread_t t[64];

	ms = argc > 2 ? atol(argv[2]) : -1;
	for (int i = 0; i < n && i < 64; i++)
		pthread_create(&t[i], NULL, burn, NULL);
	for (int i = 0; i < n && i < 64; i++)
		pthread_join(t[i], NULL);
	printf("burned %d x %ld ms\n", n, ms);
	return 0;
}
