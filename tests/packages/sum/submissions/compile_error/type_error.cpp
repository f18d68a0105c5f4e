// A type error: a string where a number is wanted.
#include <iostream>
#include <string>

int main()
{
	long long a, b;
	std::cin >> a >> b;
	long long sum = std::string("a + b");
	std::cout << sum << '\n';
}
