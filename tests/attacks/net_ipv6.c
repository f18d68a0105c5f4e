/* net_ipv6 PORT: TCP and UDP over IPv6, to the host's ::1 (PORT listens
 * there) and a public address. */
#include "attack.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "../progs/hostile.h"

static void try6(int type, const char *ip, int port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };
	int s = socket(AF_INET6, type, 0);

	inet_pton(AF_INET6, ip, &a.sin6_addr);
	if (type == SOCK_STREAM)
		denied(s < 0 ? -1 : connect(s, (struct sockaddr *)&a, sizeof a), "tcp6 connect [%s]:%d", ip, port);
	else
		denied(s < 0 ? -1 : sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof a), "udp6 sendto [%s]:%d", ip, port);
	close(s);
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 22;

	try6(SOCK_STREAM, "::1", port);
	try6(SOCK_DGRAM, "::1", port);
	try6(SOCK_STREAM, "2001:4860:4860::8888", 53);
	try6(SOCK_STREAM, "::ffff:127.0.0.1", port);
	return verdict();
}
