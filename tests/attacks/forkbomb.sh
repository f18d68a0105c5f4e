#!/bin/sh
# forkbomb.sh: the shell fork bomb, :(){ :|:& };: in words, while the job
# itself stays alive (a busy loop, which needs no fork) for the bomb to grow.
# Refuses to run outside a jail, like hostile.h.
[ "$(id -u)" != 0 ] && [ $$ -le 64 ] || { echo "refusing to run: test programs run only inside a judgebox jail" >&2; exit 99; }
bomb() { bomb | bomb & }
bomb
while :; do :; done
