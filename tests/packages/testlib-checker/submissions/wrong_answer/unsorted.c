/* The numbers as they came: right count, wrong order. */
#include <stdio.h>

int main(void)
{
	int n;
	long long x;
	if (scanf("%d", &n) != 1)
		return 1;
	for (int i = 0; i < n && scanf("%lld", &x) == 1; i++)
		printf("%s%lld", i ? " " : "", x);
	putchar('\n');
	return 0;
}
