/* process_vm: read a sibling's memory with process_vm_readv. */
#include "attack.h"
#include <sys/uio.h>
#include "../progs/hostile.h"

static char secret[64] = "the sibling's secret";

int main(void)
{
	pid_t victim = fork();
	char buf[64] = "";
	struct iovec local = { buf, sizeof buf }, remote = { secret, sizeof secret };

	if (victim == 0)
		for (;;)
			pause();
	long rc = process_vm_readv(victim, &local, 1, &remote, 1, 0);
	printf("reached: process_vm_readv returned %ld: %s\n", rc, buf);
	kill(victim, SIGKILL);
	return 0;
}
