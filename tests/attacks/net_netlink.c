/* net_netlink: rtnetlink works, but only on the box's own network namespace:
 * it lists the interfaces there and tries to configure them; then the audit
 * netlink socket, which exists only on the host's. */
#include "attack.h"
#include <arpa/inet.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include "../progs/hostile.h"

/* Send one request; return 0 or -1 with errno from the kernel's ack. */
static int nl_request(int s, struct nlmsghdr *nh)
{
	char buf[8192];
	ssize_t n;

	nh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (send(s, nh, nh->nlmsg_len, 0) < 0)
		return -1;
	if ((n = recv(s, buf, sizeof buf, 0)) < 0)
		return -1;
	for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n))
		if (h->nlmsg_type == NLMSG_ERROR && ((struct nlmsgerr *)NLMSG_DATA(h))->error) {
			errno = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
			return -1;
		}
	return 0;
}

static void list_links(int s)
{
	struct { struct nlmsghdr nh; struct ifinfomsg ifi; } req = {
		{ NLMSG_LENGTH(sizeof(struct ifinfomsg)), RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, 0 },
		{ .ifi_family = AF_UNSPEC } };
	char buf[16384];
	ssize_t n;
	int done = 0;

	printf("links:");
	send(s, &req, req.nh.nlmsg_len, 0);
	while (!done && (n = recv(s, buf, sizeof buf, 0)) > 0)
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			struct ifinfomsg *ifi = NLMSG_DATA(h);
			int len = (int)IFLA_PAYLOAD(h);

			if (h->nlmsg_type != RTM_NEWLINK) {
				done = 1;
				break;
			}
			for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len))
				if (a->rta_type == IFLA_IFNAME)
					printf(" %s", (char *)RTA_DATA(a));
		}
	printf("\n");
}

int main(void)
{
	int s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE), a;
	struct { struct nlmsghdr nh; struct ifaddrmsg ifa; struct rtattr rta; struct in_addr ip; } addr = {
		{ sizeof addr, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, 2, 0 },
		{ AF_INET, 8, 0, 0, 1 }, { RTA_LENGTH(4), IFA_LOCAL }, { htonl(0x0a0a0a0a) } };
	struct { struct nlmsghdr nh; struct ifinfomsg ifi; } up = {
		{ sizeof up, RTM_NEWLINK, 0, 3, 0 },
		{ .ifi_family = AF_UNSPEC, .ifi_index = 1, .ifi_flags = IFF_UP, .ifi_change = IFF_UP } };
	struct nlmsghdr get = { NLMSG_LENGTH(0), AUDIT_GET, 0, 4, 0 };

	printf("socket(AF_NETLINK, NETLINK_ROUTE) %s\n", s >= 0 ? "made" : strerrorname_np(errno));
	list_links(s);
	denied(nl_request(s, &addr.nh), "rtnetlink: add 10.10.10.10 to lo");
	denied(nl_request(s, &up.nh), "rtnetlink: set lo up");
	a = socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
	denied(a < 0 ? -1 : nl_request(a, &get), "audit netlink: AUDIT_GET");
	return verdict();
}
