# In wrong_answer/, but the annotation wins over the directory: a crash.
# @EXPECTED_RESULTS@: RUN-ERROR
raise SystemExit("no answer: " + str(1 // 0))
