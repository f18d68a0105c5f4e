// The output validator of "Any divisor", laid out as the Kattis format's
// examples lay theirs out: one program in its own directory under
// output_validator/, a source and a header.
//
//     validate input_file answer_file feedback_dir < team_output
//
// Accepted (42): one divisor d of n with 1 < d < n and nothing after it;
// wrong answer (43) otherwise; 1 on bad test data.
#include <fstream>
#include <iostream>
#include <string>

#include "validate.h"

using namespace validate;

static bool number(const std::string &s, unsigned long long &v)
{
	if (s.empty() || s.size() > 13 || s.find_first_not_of("0123456789") != std::string::npos)
		return false;
	v = std::stoull(s);
	return true;
}

int main(int argc, char **argv)
{
	if (argc < 4)
		return JUDGE_ERROR;
	feedback_dir() = argv[3];
	std::ifstream in(argv[1]), ans(argv[2]);
	std::string tok;
	unsigned long long n, d, jd;
	if (!(in >> tok) || !number(tok, n) || n < 4)
		finish(JUDGE_ERROR, "judge error: the input is not a number n >= 4");
	if (!(ans >> tok) || !number(tok, jd) || jd <= 1 || jd >= n || n % jd)
		finish(JUDGE_ERROR, "judge error: the answer is not a divisor of %llu", n);
	if (!(std::cin >> tok))
		finish(WRONG_ANSWER, "wrong answer: no output");
	if (!number(tok, d) || d <= 1 || d >= n || n % d)
		finish(WRONG_ANSWER, "wrong answer: \"%.20s\" is not a divisor d of %llu, 1 < d < n",
		       tok.c_str(), n);
	if (std::cin >> tok)
		finish(WRONG_ANSWER, "wrong answer: more output after the divisor");
	finish(ACCEPT, "ok: %llu divides %llu", d, n);
}
