/* A 32-bit sum: right on group1 (30 points), wrong on group2. */
#include <stdio.h>

int main(void)
{
	int n, s = 0;
	long long x;
	if (scanf("%d", &n) != 1)
		return 1;
	while (n-- > 0 && scanf("%lld", &x) == 1)
		s += (int)x;
	printf("%d\n", s);
	return 0;
}
