/* network: tries the host's loopback (where sshd or anything may listen)
 * and says what happened. Expected: it fails, exit 0 (exit 1 if connected).
 * The box has its own empty network namespace: no route, loopback down. It
 * tries no address off this machine: nothing must ever be sent there. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include "../progs/hostile.h"

static int try(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int s = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, ip, &a.sin_addr);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
		printf("no network: connect %s:%d: %s\n", ip, port, strerror(errno));
		return 0;
	}
	printf("connected to %s:%d\n", ip, port);
	return 1;
}

int main(void)
{
	return try("127.0.0.1", 22);
}
