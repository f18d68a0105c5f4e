/* nofile: open descriptors until none is left. */
#include "attack.h"
#include "../progs/hostile.h"

int main(void)
{
	int n = 0;

	while (open("/dev/null", O_RDONLY) >= 0)
		n++;
	printf("EMFILE after %d more: %s\n", n, strerrorname_np(errno));
	return errno == EMFILE ? 0 : 1;
}
