// Sorted, on one line; a space after every number (trailing white space
// at the end of the line is allowed).
#include <algorithm>
#include <iostream>
#include <vector>

int main()
{
	int n;
	std::cin >> n;
	std::vector<long long> a(n);
	for (auto &x : a)
		std::cin >> x;
	std::sort(a.begin(), a.end());
	for (auto x : a)
		std::cout << x << ' ';
	std::cout << '\n';
}
