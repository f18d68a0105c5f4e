/* sleeper: sleeps, using no CPU. Expected under --wall-ms: status wall_limit. */
#include "../progs/hostile.h"

int main(void)
{
	puts("sleeping for 60 s");
	fflush(stdout);
	sleep(60);
	return 0;
}
