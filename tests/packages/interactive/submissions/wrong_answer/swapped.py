# Reads "higher" as "the guess was too high": walks away from n and runs
# out of guesses (or out of range).
lo, hi = 1, 1000
while lo <= hi:
    mid = (lo + hi) // 2
    print(mid, flush=True)
    reply = input().strip()
    if reply == "correct":
        break
    if reply == "higher":
        hi = mid - 1
    else:
        lo = mid + 1
