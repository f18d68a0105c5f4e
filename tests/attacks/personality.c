/* personality: querying is fine; switching on READ_IMPLIES_EXEC and
 * ADDR_NO_RANDOMIZE (old exploit helpers) is a violation. */
#include "attack.h"
#include <sys/personality.h>
#include "../progs/hostile.h"

int main(void)
{
	int now = personality(0xffffffff);
	printf("personality is %#x\n", now);
	long rc = personality(PER_LINUX | READ_IMPLIES_EXEC | ADDR_NO_RANDOMIZE);
	printf("reached: personality returned %#lx, now %#x\n", rc, personality(0xffffffff));
	return 0;
}
