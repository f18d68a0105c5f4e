/* net_unix NAME: connect to the host's abstract unix socket @NAME (the test
 * listens there; abstract names belong to a network namespace) and to
 * well-known filesystem sockets of the host. */
#include "attack.h"
#include <sys/socket.h>
#include <sys/un.h>
#include "../progs/hostile.h"

static void try_unix(const char *path, int abstract)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(a.sun_path + abstract, sizeof a.sun_path - 1, "%s", path);
	denied(connect(s, (struct sockaddr *)&a, (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		(size_t)abstract + strlen(path))), "unix connect %s%s", abstract ? "@" : "", path);
	close(s);
}

int main(int argc, char **argv)
{
	try_unix(argc > 1 ? argv[1] : "judgebox", 1);
	try_unix("/run/systemd/private", 0);
	try_unix("/run/dbus/system_bus_socket", 0);
	try_unix("/var/run/docker.sock", 0);
	try_unix("/run/judgebox/judgeboxd.sock", 0);
	return verdict();
}
