/* DOMjudge's compiler_error/: an undeclared name. */
#include <stdio.h>

int main(void)
{
	printf("%d\n", total);
	return 0;
}
