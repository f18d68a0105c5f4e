/* Sorted, but one number per line: presentation error. */
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	int n;
	static long long a[1000];
	if (scanf("%d", &n) != 1 || n < 1 || n > 1000)
		return 1;
	for (int i = 0; i < n; i++)
		if (scanf("%lld", &a[i]) != 1)
			return 1;
	qsort(a, n, sizeof *a, cmp);
	for (int i = 0; i < n; i++)
		printf("%lld\n", a[i]);
	return 0;
}
