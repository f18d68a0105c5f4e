/* 2 decimals: off by up to 0.005, far beyond the tolerance (1e-6). */
#include <math.h>
#include <stdio.h>

int main(void)
{
	double r;
	if (scanf("%lf", &r) != 1)
		return 1;
	printf("%.2f\n", M_PI * r * r);
	return 0;
}
