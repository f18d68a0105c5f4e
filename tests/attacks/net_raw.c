/* net_raw: raw IP, packet and ICMP sockets, which forge or sniff traffic. */
#include "attack.h"
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <sys/socket.h>
#include "../progs/hostile.h"

int main(void)
{
	denied(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), "socket(AF_INET, SOCK_RAW)");
	denied(socket(AF_INET, SOCK_RAW, IPPROTO_RAW), "socket(AF_INET, SOCK_RAW, IPPROTO_RAW)");
	denied(socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6), "socket(AF_INET6, SOCK_RAW)");
	denied(socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)), "socket(AF_PACKET, SOCK_RAW)");
	denied(socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL)), "socket(AF_PACKET, SOCK_DGRAM)");
	denied(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), "socket(AF_INET, SOCK_DGRAM, ICMP) (ping)");
	return verdict();
}
