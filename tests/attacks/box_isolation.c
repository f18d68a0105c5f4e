/* box_isolation MODE: two boxes at once.
 * serve MS: leave things for a neighbour to find (an abstract unix socket,
 *   a SysV shared memory segment, a POSIX one, a file in /tmp, a message
 *   queue), say "ready", and wait MS ms.
 * reach: in another box meanwhile, look for every one of them, and for the
 *   neighbour's processes. */
#include "attack.h"
#include <dirent.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "../progs/hostile.h"

enum { KEY = 0x4a420001 };

int main(int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = "\0judgebox-neighbour" };
	socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 19);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	if (argc > 2 && !strcmp(argv[1], "serve")) {
		int id = shmget(KEY, 4096, IPC_CREAT | 0666);
		if (bind(s, (struct sockaddr *)&a, alen) || listen(s, 1) || id < 0 ||
		    msgget(KEY, IPC_CREAT | 0666) < 0)
			return 2;
		strcpy(shmat(id, NULL, 0), "neighbour's secret");
		close(open("/dev/shm/neighbour", O_CREAT | O_WRONLY, 0666));
		close(open("/tmp/neighbour", O_CREAT | O_WRONLY, 0666));
		puts("ready");
		usleep((useconds_t)atoi(argv[2]) * 1000);
		return 0;
	}
	DIR *d = opendir("/proc");
	struct dirent *e;
	int others = 0;
	while (d && (e = readdir(d)))
		others += atoi(e->d_name) > 2;
	printf("other processes in /proc: %d\n", others);
	denied(connect(s, (struct sockaddr *)&a, alen), "connect to the neighbour's @judgebox-neighbour");
	denied(shmget(KEY, 0, 0), "find the neighbour's SysV shm");
	denied(msgget(KEY, 0), "find the neighbour's message queue");
	denied(open("/dev/shm/neighbour", O_RDONLY), "open the neighbour's /dev/shm/neighbour");
	denied(open("/tmp/neighbour", O_RDONLY), "open the neighbour's /tmp/neighbour");
	int found = 0;
	for (pid_t p = 3; p < 4096; p++)
		found += kill(p, 0) == 0;
	denied(found ? 0 : -1, "signal any pid but 1 and 2 (%d found)", found);
	return verdict();
}
