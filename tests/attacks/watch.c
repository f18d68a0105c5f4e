/* watch PATH MS: a read-only bind is the host's own inode, so a mark on it
 * would see every access to it, by the host and by other boxes: a side
 * channel, and a covert channel between boxes. Watch PATH for MS ms with
 * inotify and with fanotify (unprivileged since Linux 5.13), and count what
 * was seen; the test reads PATH on the host meanwhile. */
#include "attack.h"
#include <poll.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include "../progs/hostile.h"

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/usr/bin/python3";
	int ms = argc > 2 ? atoi(argv[2]) : 1000, seen = 0;
	int in = inotify_init1(IN_NONBLOCK), fan;
	char buf[4096];

	denied(in, "inotify_init1");
	if (in >= 0)
		inotify_add_watch(in, path, IN_OPEN | IN_ACCESS | IN_MODIFY);
	fan = fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_FID | FAN_NONBLOCK, O_RDONLY);
	denied(fan, "fanotify_init");
	if (fan >= 0)
		fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN | FAN_ACCESS, AT_FDCWD, path);
	puts("watching");
	for (int t = 0; t < ms; t += 10) {
		struct pollfd p[2] = { { in, POLLIN, 0 }, { fan, POLLIN, 0 } };
		if (poll(p, 2, 10) > 0)
			for (int i = 0; i < 2; i++)
				if (p[i].revents & POLLIN && read(p[i].fd, buf, sizeof buf) > 0)
					seen++;
	}
	printf("events seen on %s: %d\n", path, seen);
	return verdict();
}
