// Binary search over 0..1001, rounding up: right for most n, but for
// n = 1000 it guesses 1001, out of range.
#include <iostream>
#include <string>

int main()
{
	int lo = 0, hi = 1001;
	std::string reply;
	while (lo <= hi) {
		int mid = (lo + hi + 1) / 2;
		std::cout << mid << std::endl;
		if (!(std::cin >> reply) || reply == "correct")
			return 0;
		if (reply == "higher")
			lo = mid + 1;
		else
			hi = mid - 1;
	}
}
