#!/bin/bash
# The TCP transport (PROTOCOL.md 3.2): CURVE only, client keys by file name.
# A known key is its file's user; an unknown key gets silence; a key removed
# and reloaded with SIGHUP stops working on an open connection too.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/daemon-env.sh"
mkdir -p "$JB/keys" "$JB/etc/clients"
/usr/bin/python3 -c "
import zmq.auth, sys
for n in ('server', 'alice', 'mallory'): zmq.auth.create_certificates(sys.argv[1], n)
" "$JB/keys" || { echo "Bail out! cannot make CURVE certificates"; exit 1; }
cp "$JB/keys/alice.key" "$JB/etc/clients/"
chown jbtest "$JB/keys/server.key_secret"
port=$((20000 + $$ % 20000))
jd_conf "tcp_endpoint = tcp://127.0.0.1:$port" "tcp_events = tcp://127.0.0.1:$((port + 1))" \
	"server_key = $JB/keys/server.key_secret" "clients_dir = $JB/etc/clients"
jd_must_start

tcp() { /usr/bin/python3 "$TOP/tests/lib/curve_client.py" "$JB/keys" "$port" "$@"; }
is "$(tcp alice health)" "ok user=alice admin=False" "alice's key: user alice, not an admin"
is "$(tcp alice run)" "ok judged ok b'hi\\n'" "alice runs a program over TCP"
is "$(tcp alice events)" "ok queued running judged" "alice's SUB socket gets the events over CURVE"
is "$(tcp mallory health)" "timeout" "an unknown key gets no answer"
is "$(tcp none health)" "timeout" "plain TCP (no CURVE) gets no answer"
is "$(/usr/bin/python3 "$TOP/tests/lib/jbping.py" && echo up)" "up" "the ipc transport still answers"

# Remove alice's key, SIGHUP: her open connection is refused on its next request.
is "$(tcp alice revoke "$JB/etc/clients/alice.key" "$JD_PID")" "ok user=alice then unauthorized" \
	"a removed key is refused on an open connection after SIGHUP"
jd_conf "tcp_endpoint = tcp://127.0.0.1:$port" "tcp_events = tcp://127.0.0.1:$((port + 1))" \
	"server_key = $JB/keys/missing" "clients_dir = $JB/etc/clients"
jd_stop
setpriv --reuid=jbtest --regid=jbtest-ctl --init-groups -- "$JUDGEBOXD" -c "$JB/etc/judgeboxd.conf" 2>"$JB/err"; r=$?
is "$r" 71 "a tcp endpoint without the server's secret key: the daemon refuses to start"
jd_conf "tcp_endpoint = tcp://127.0.0.1:$port"
setpriv --reuid=jbtest --regid=jbtest-ctl --init-groups -- "$JUDGEBOXD" -c "$JB/etc/judgeboxd.conf" 2>"$JB/err"; r=$?
is "$r" 78 "tcp_endpoint without tcp_events is a configuration error"
done_testing
