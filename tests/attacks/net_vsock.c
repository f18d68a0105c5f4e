/* net_vsock: AF_VSOCK is not fenced by the network namespace: in a VM it
 * reaches the hypervisor (CID 2), whose services listen there. Only the
 * socket call is risked here: no connect, which would reach the host. */
#include "attack.h"
#include <sys/socket.h>
#include "../progs/hostile.h"

int main(void)
{
	denied(socket(AF_VSOCK, SOCK_STREAM, 0), "socket(AF_VSOCK, SOCK_STREAM)");
	denied(socket(AF_VSOCK, SOCK_DGRAM, 0), "socket(AF_VSOCK, SOCK_DGRAM)");
	denied(socket(AF_VSOCK, SOCK_SEQPACKET, 0), "socket(AF_VSOCK, SOCK_SEQPACKET)");
	return verdict();
}
