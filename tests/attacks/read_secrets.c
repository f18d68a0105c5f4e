/* read_secrets [PATH...]: read what belongs to others: the host's password
 * hashes and root's home, and the PATHs the test names (the controller's
 * state, another box's files), directly and through /proc. */
#include "attack.h"
#include <dirent.h>
#include "../progs/hostile.h"

static void try_read(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY);

	denied(fd < 0 ? -1 : read(fd, buf, sizeof buf), "read %s", path);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	static const char *paths[] = { "/etc/shadow", "/etc/gshadow", "/etc/passwd",
		"/etc/judgebox/helper.conf", "/root/.bash_history", "/root/.ssh/id_rsa",
		"/proc/1/root/etc/shadow", "/proc/self/root/etc/shadow", "/var/lib/judgebox",
		"/home", "/proc/kcore", "/proc/kmsg", "/dev/mem", "/dev/sda", "/dev/vda" };
	char via[512];

	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
		try_read(paths[i]);
	denied(opendir("/root") ? 0 : -1, "list /root");
	for (int i = 1; i < argc; i++) {
		try_read(argv[i]);
		snprintf(via, sizeof via, "/proc/1/root%s", argv[i]);
		try_read(via);
		snprintf(via, sizeof via, "/proc/self/cwd/../../../../../../..%s", argv[i]);
		try_read(via);
	}
	return verdict();
}
