# Right on the sample only (it prints 3 whatever the input): the judge
# may stop at the first secret test, so DOMjudge's annotation allows both.
# @EXPECTED_RESULTS@: CORRECT, WRONG-ANSWER
print(3)
