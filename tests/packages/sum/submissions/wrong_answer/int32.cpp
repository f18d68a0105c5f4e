// 32-bit ints: 2000000000 + 2000000000 overflows.
#include <iostream>

int main()
{
	int a, b;
	std::cin >> a >> b;
	std::cout << a + b << '\n';
}
