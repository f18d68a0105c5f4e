/* An unsigned sum: a negative total prints as 2^64 - 3, wrong on the
 * negative sample only (100 of 110). */
#include <stdio.h>

int main(void)
{
	long long n, x;
	unsigned long long s = 0;
	if (scanf("%lld", &n) != 1)
		return 1;
	while (n-- > 0 && scanf("%lld", &x) == 1)
		s += (unsigned long long)x;
	printf("%llu\n", s);
	return 0;
}
