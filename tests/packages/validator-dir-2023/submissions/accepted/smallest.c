/* The smallest divisor above 1 (trial division up to sqrt(n) <= 10^6). */
#include <stdio.h>

int main(void)
{
	unsigned long long n, d = 2;
	if (scanf("%llu", &n) != 1)
		return 1;
	while (d * d <= n && n % d)
		d++;
	printf("%llu\n", d);
	return 0;
}
