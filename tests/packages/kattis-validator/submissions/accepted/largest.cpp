// The largest divisor below n: n over the smallest above 1.
#include <iostream>

int main()
{
	unsigned long long n, d = 2;
	std::cin >> n;
	while (d * d <= n && n % d)
		d++;
	std::cout << n / d << '\n';
}
