#include <iostream>

int main()
{
	int n;
	long long s = 0;
	std::cin >> n;
	for (long long x; n-- > 0 && std::cin >> x; )
		s += x;
	std::cout << s << '\n';
}
