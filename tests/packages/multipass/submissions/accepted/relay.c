/* Pass 1 (encode): n and the values as digits in base 1001 above n (base 7):
 * 7 * 1001^6 < 2^63. Pass 2 (decode): the other way. */
#include <stdio.h>
#include <string.h>

int main(void)
{
	char word[16];
	unsigned long long c = 0;
	int n, a[6];
	if (scanf("%15s", word) != 1)
		return 1;
	if (!strcmp(word, "encode")) {
		if (scanf("%d", &n) != 1 || n < 1 || n > 6)
			return 1;
		for (int i = 0; i < n; i++)
			if (scanf("%d", &a[i]) != 1)
				return 1;
		for (int i = n - 1; i >= 0; i--)
			c = c * 1001 + (unsigned long long)a[i];
		printf("%llu\n", c * 7 + (unsigned long long)n);
		return 0;
	}
	if (scanf("%llu", &c) != 1)
		return 1;
	n = (int)(c % 7), c /= 7;
	printf("%d\n", n);
	for (int i = 0; i < n; i++, c /= 1001)
		printf("%llu%c", c % 1001, i + 1 < n ? ' ' : '\n');
	return 0;
}
