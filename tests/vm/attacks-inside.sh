# Runs inside the cgroup-v2 VM (busybox sh, as root): the attack battery,
# tests/attacks.t itself, with the bash, Python and tools that
# tests/attacks-v2.t ships, from binaries built on the host into
# /opt/judgebox-vm/build (tests/lib/helper-env.sh's JB_PREBUILT). The VM has
# no /etc/shadow: make one for the battery to guard. Busybox has no getent
# or useradd: the users helper-env.sh would make are made here.
printf 'root:*:19000:0:99999:7:::\n' > /etc/shadow
chmod 640 /etc/shadow
printf 'passwd: files\ngroup: files\nshadow: files\n' > /etc/nsswitch.conf
grep -q '^jbtest-ctl:' /etc/group || echo 'jbtest-ctl:x:1500:' >> /etc/group
grep -q '^jbother:' /etc/group || echo 'jbother:x:1501:' >> /etc/group
grep -q '^jbtest:' /etc/passwd || echo 'jbtest:x:1500:1500::/nonexistent:/usr/sbin/nologin' >> /etc/passwd
grep -q '^jbother:' /etc/passwd || echo 'jbother:x:1501:1501::/nonexistent:/usr/sbin/nologin' >> /etc/passwd
cd /opt/jb || exit 1
# The VM's CPU is emulated, several times slower (more on a busy host, whose
# preemption its clock counts as the guest's CPU time): default CPU and wall
# time ten and six times the host's, the ceilings higher, so that jobs run at
# the defaults reach their own end or limit first; no cpu-share line.
# JB_VM tells attacks.t where it runs (SLOW, and time figures not judged).
JB_PREBUILT=/opt/judgebox-vm CTL_GID=1500 JB_VM=1 JB_CPU_SHARE= \
	JB_CPU_MS="20000 240000" JB_WALL_MS="30000 240000" exec bash tests/attacks.t
