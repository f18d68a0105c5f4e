/* broken: a compile error; the compiler's message keeps the line number. */
#include <stdio.h>

int main(void)
{
	printf("%d\n", answer);
	return 0;
}
