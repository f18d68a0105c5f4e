// checker: the checker of "Sort the numbers", written in the manner of a
// testlib checker (and without testlib itself):
//
//     checker input_file output_file answer_file
//
// Exit status and the one line on standard error, as testlib's:
//   0  "ok N numbers"                 accepted
//   1  "wrong answer ..."             wrong answer
//   2  "wrong output format ..."      presentation error
//   3  "FAIL ..."                     the checker failed (bad test data)
//
// The input is n (1 <= n <= 1000), then n integers (|a_i| <= 10^9); the
// answer file holds them sorted. The contestant's output is judged in two
// steps:
//  1. Its tokens (maximal runs of non-white-space bytes): each must be a
//     decimal integer (an optional '-', then digits), there must be n of
//     them and they must be the answer's numbers in order. Else: wrong
//     answer.
//  2. With the right numbers, its layout: after removing one final "\n"
//     (with a "\r" before it, if any) and then any spaces and tabs at the
//     end, it must be exactly the numbers separated by single spaces, on
//     one line, with nothing before the first. Else: presentation error
//     (numbers on several lines, two spaces or a tab between two numbers,
//     leading white space, empty lines at the end, ...).
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

enum { OK = 0, WA = 1, PE = 2, FAIL = 3 };

[[noreturn]] static void quit(int code, const std::string &msg)
{
	std::fprintf(stderr, "%s\n", msg.c_str());
	std::exit(code);
}

static bool read_file(const char *path, std::string &s)
{
	std::ifstream f(path, std::ios::binary);
	if (!f)
		return false;
	std::ostringstream ss;
	ss << f.rdbuf();
	s = ss.str();
	return true;
}

static std::vector<std::string> tokens(const std::string &s)
{
	std::vector<std::string> v;
	size_t i = 0;
	while (i < s.size()) {
		while (i < s.size() && std::isspace((unsigned char)s[i]))
			i++;
		size_t j = i;
		while (j < s.size() && !std::isspace((unsigned char)s[j]))
			j++;
		if (j > i)
			v.push_back(s.substr(i, j - i));
		i = j;
	}
	return v;
}

// A decimal integer that fits in a long long: true and *v.
static bool integer(const std::string &t, long long *v)
{
	size_t d = t[0] == '-';
	if (t.size() == d || t.size() > 20)
		return false;
	for (size_t i = d; i < t.size(); i++)
		if (!std::isdigit((unsigned char)t[i]))
			return false;
	errno = 0;
	*v = std::strtoll(t.c_str(), nullptr, 10);
	return errno == 0;
}

static std::string shown(const std::string &t)
{
	return t.size() > 20 ? t.substr(0, 20) + "..." : t;
}

int main(int argc, char **argv)
{
	if (argc < 4)
		quit(FAIL, "FAIL usage: checker input_file output_file answer_file");
	std::string in, out, ans;
	if (!read_file(argv[1], in) || !read_file(argv[3], ans))
		quit(FAIL, std::string("FAIL cannot read ") + (in.empty() ? argv[1] : argv[3]));
	if (!read_file(argv[2], out))
		quit(WA, "wrong answer cannot read the output");

	// The test data: n, the numbers, and the answer (a sorted copy).
	std::vector<std::string> ti = tokens(in), ta = tokens(ans);
	long long n;
	if (ti.empty() || !integer(ti[0], &n) || n < 1 || (size_t)n + 1 != ti.size())
		quit(FAIL, "FAIL the input is not n and n numbers");
	if ((size_t)n != ta.size())
		quit(FAIL, "FAIL the answer has " + std::to_string(ta.size()) + " numbers, the input " +
		     std::to_string(n));
	std::vector<long long> want(n);
	for (long long i = 0; i < n; i++)
		if (!integer(ta[i], &want[i]) || (i > 0 && want[i] < want[i - 1]))
			quit(FAIL, "FAIL the answer is not sorted numbers");

	// 1. The numbers.
	std::vector<std::string> to = tokens(out);
	std::vector<long long> got(to.size());
	for (size_t i = 0; i < to.size(); i++)
		if (!integer(to[i], &got[i]))
			quit(WA, "wrong answer token " + std::to_string(i + 1) + " is not an integer: \"" +
			     shown(to[i]) + "\"");
	if (to.size() != (size_t)n)
		quit(WA, "wrong answer expected " + std::to_string(n) + " numbers, found " +
		     std::to_string(to.size()));
	for (long long i = 0; i < n; i++)
		if (got[i] != want[i])
			quit(WA, "wrong answer number " + std::to_string(i + 1) + ": expected " +
			     std::to_string(want[i]) + ", found " + std::to_string(got[i]));

	// 2. The layout.
	std::string line = out, canon;
	if (!line.empty() && line.back() == '\n') {
		line.pop_back();
		if (!line.empty() && line.back() == '\r')
			line.pop_back();
	}
	while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
		line.pop_back();
	for (size_t i = 0; i < to.size(); i++)
		canon += (i ? " " : "") + to[i];
	if (line != canon) {
		size_t lines = 0, breaks = 0;	// lines with a number, line breaks
		bool number = false;
		for (char c : line) {
			if (c == '\n') {
				breaks++;
				number = false;
			} else if (!std::isspace((unsigned char)c) && !number) {
				number = true;
				lines++;
			}
		}
		if (std::isspace((unsigned char)line[0]))
			quit(PE, "wrong output format white space before the first number");
		if (lines > 1)
			quit(PE, "wrong output format the numbers are on " + std::to_string(lines) +
			     " lines, expected one");
		if (breaks)
			quit(PE, "wrong output format empty lines after the numbers");
		quit(PE, "wrong output format the numbers must be separated by single spaces");
	}
	quit(OK, "ok " + std::to_string(n) + " number" + (n == 1 ? "" : "s"));
}
