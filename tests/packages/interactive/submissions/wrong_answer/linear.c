/* Linear search from 1: more than 10 guesses for any n above 10. */
#include <stdio.h>
#include <string.h>

int main(void)
{
	char reply[32];
	for (int g = 1; g <= 1000; g++) {
		printf("%d\n", g);
		fflush(stdout);
		if (scanf("%31s", reply) != 1 || !strcmp(reply, "correct"))
			return 0;
	}
	return 0;
}
