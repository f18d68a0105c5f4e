/* sum: a contest-style solution (a + b) judged against tests/demo/sum-tests. */
#include <stdio.h>

int main(void)
{
	long long a, b;
	if (scanf("%lld %lld", &a, &b) == 2)
		printf("%lld\n", a + b);
	return 0;
}
