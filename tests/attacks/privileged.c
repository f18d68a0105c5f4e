/* privileged: calls that need a capability the job has nowhere: set the
 * clock, the host name, raise a hard limit, lock a lot of memory, port I/O,
 * chown to root. */
#include "attack.h"
#include <grp.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/timex.h>
#include "../progs/hostile.h"

int main(void)
{
	struct timeval tv;
	struct timex tx = { .modes = ADJ_OFFSET, .offset = 1000 };
	struct rlimit rl;
	static char big[64 << 20];

	gettimeofday(&tv, NULL);
	denied(settimeofday(&tv, NULL), "settimeofday");
	denied(adjtimex(&tx), "adjtimex");
	denied(sethostname("pwned", 5), "sethostname");
	denied(setdomainname("pwned", 5), "setdomainname");
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_max += 1;
	rl.rlim_cur = rl.rlim_max;
	denied(setrlimit(RLIMIT_NOFILE, &rl), "raise the hard RLIMIT_NOFILE");
	denied(mlock(big, sizeof big), "mlock 64 MiB");
	denied(iopl(3), "iopl(3)");
	denied(ioperm(0x80, 1, 1), "ioperm(0x80)");
	denied(chown("/box", 0, 0), "chown /box to root");
	denied(setgroups(0, NULL), "setgroups");
	return verdict();
}
