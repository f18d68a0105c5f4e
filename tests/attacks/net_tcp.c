/* net_tcp PORT: reach the host over TCP/IPv4: its loopback (PORT listens
 * there), a public address, and the box's own loopback, which is down and
 * cannot be brought up. */
#include "attack.h"
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "../progs/hostile.h"

static void try_connect(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int s = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, ip, &a.sin_addr);
	denied(s < 0 ? -1 : connect(s, (struct sockaddr *)&a, sizeof a), "tcp connect %s:%d", ip, port);
	close(s);
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 22;
	struct ifreq ifr = { .ifr_name = "lo" };
	int s = socket(AF_INET, SOCK_STREAM, 0);

	printf("socket(AF_INET) %s\n", s >= 0 ? "made" : strerrorname_np(errno));
	try_connect("127.0.0.1", port);
	try_connect("8.8.8.8", 53);
	try_connect("10.0.2.2", 80);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0)
		printf("lo is %s\n", ifr.ifr_flags & IFF_UP ? "up" : "down");
	ifr.ifr_flags |= IFF_UP;
	denied(ioctl(s, SIOCSIFFLAGS, &ifr), "bring lo up");
	return verdict();
}
