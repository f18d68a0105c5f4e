/* bpf: load a socket filter program (the verifier is attack surface). */
#include "attack.h"
#include <linux/bpf.h>
#include "../progs/hostile.h"

int main(void)
{
	struct bpf_insn prog[] = { { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT } };
	union bpf_attr a = { .prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .insn_cnt = 2,
		.insns = (uint64_t)(uintptr_t)prog, .license = (uint64_t)(uintptr_t)"GPL" };
	long rc = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof a);
	printf("reached: bpf returned %ld (%s)\n", rc, strerrorname_np(errno));
	return 0;
}
