/* net_udp PORT: send UDP datagrams to the host's loopback (PORT listens
 * there, and counts what arrives) and to a public resolver. */
#include "attack.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "../progs/hostile.h"

static void try_send(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	inet_pton(AF_INET, ip, &a.sin_addr);
	denied(s < 0 ? -1 : sendto(s, "judgebox-udp", 12, 0, (struct sockaddr *)&a, sizeof a),
		"udp sendto %s:%d", ip, port);
	close(s);
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 53;

	for (int i = 0; i < 3; i++)
		try_send("127.0.0.1", port);
	try_send("8.8.8.8", 53);
	try_send("255.255.255.255", port);
	return verdict();
}
