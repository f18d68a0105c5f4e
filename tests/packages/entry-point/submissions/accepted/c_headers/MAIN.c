/* The entry point, by its name ([mM][aA][iI][nN].*), though "MAIN.c" is
 * not the language's main.c; every .c file is compiled. */
#include <stdio.h>
#include "add.h"

int main(void)
{
	long long a, b;
	if (scanf("%lld %lld", &a, &b) != 2)
		return 1;
	printf("%lld\n", add(a, b));
	return 0;
}
