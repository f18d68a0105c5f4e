#!/usr/bin/env python3
"""relay: the multi-pass output validator of "Encode and decode" (Kattis
output validator interface, legacy `validation: custom multi-pass`):

    relay input_file answer_file feedback_dir < team_output

Pass 1: input_file is the test's input ("encode", n, then n values in
0..1000, n in 1..6); the team prints one code, an integer in 0..2^63-1.
The validator writes the second pass's input, "decode" and that code, to
feedback_dir/nextpass.in, remembers the code in feedback_dir/state.txt
(the feedback directory persists between passes) and accepts (42).
Pass 2: input_file is nextpass.in (the input of the pass being judged);
the team prints n and the n values, compared with answer_file.
Exit 42 accepted, 43 wrong answer, 1 when the judging system broke the
rules (no state after pass 1, or the wrong input); a line per pass is
appended to feedback_dir/judgemessage.txt.
"""
import os
import sys


def say(fb, line):
    with open(os.path.join(fb, "judgemessage.txt"), "a") as f:
        f.write(line + "\n")


def verdict(fb, code, line):
    say(fb, line)
    sys.exit(code)


def first_pass(fb, words, team):
    if len(team) != 1 or not team[0].isdigit() or int(team[0]) >= 2 ** 63:
        verdict(fb, 43, "pass 1: expected one code in 0..2^63-1, got %.40r" % " ".join(team[:3]))
    code = int(team[0])
    with open(os.path.join(fb, "nextpass.in"), "w") as f:
        f.write("decode\n%d\n" % code)
    with open(os.path.join(fb, "state.txt"), "w") as f:
        f.write("%d\n" % code)
    verdict(fb, 42, "pass 1: code %d" % code)


def second_pass(fb, words, team, answer, code):
    if words != ["decode", code]:
        verdict(fb, 1, "pass 2: the input is not nextpass.in: %.40r" % " ".join(words))
    if team != answer:
        verdict(fb, 43, "pass 2: expected %s, got %.40s" % (" ".join(answer), " ".join(team)))
    verdict(fb, 42, "pass 2: decoded %d values" % int(answer[0]))


def main():
    inp, ans, fb = sys.argv[1], sys.argv[2], sys.argv[3]
    words = open(inp).read().split()
    answer = open(ans).read().split()
    team = sys.stdin.read().split()
    state = os.path.join(fb, "state.txt")
    code = open(state).read().split() if os.path.exists(state) else []
    if words[:1] == ["encode"] and not code:
        first_pass(fb, words, team)
    if words[:1] == ["decode"] and len(code) == 1:
        second_pass(fb, words, team, answer, code[0])
    verdict(fb, 1, "pass %d: unexpected input %.40r" % (2 if code else 1, " ".join(words[:2])))


main()
