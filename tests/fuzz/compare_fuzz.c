/* compare_fuzz: the output comparison (controller/compare*.c). The input
 * is FLAGS\nTEAM\0ANSWER: FLAGS go through compare_opts_from_flags (as a
 * problem's validator_flags), the two halves through compare_fds from
 * memfds. A verdict must come with a message exactly when it is a
 * rejection, in bounds, and every side must compare equal to itself. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../controller/compare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A memfd holding p[0..n), at offset 0; abort on failure. */
static int s_memfd(const void *p, size_t n)
{
	int fd = memfd_create("compare_fuzz", MFD_CLOEXEC);

	if (fd < 0 || (n && write(fd, p, n) != (ssize_t)n) || lseek(fd, 0, SEEK_SET))
		abort();
	return fd;
}

static bool s_compare(const void *a, size_t an, const void *b, size_t bn, const compare_opts *o)
{
	int fa = s_memfd(a, an), fb = s_memfd(b, bn);
	compare_result r;

	memset(&r, 0x55, sizeof r);
	if (compare_fds(fa, fb, o, &r) < 0)
		abort();	/* only ENOMEM or a failed spill: neither here */
	if (!memchr(r.message, '\0', sizeof r.message) || r.accepted != !r.message[0])
		abort();
	close(fa), close(fb);
	return r.accepted;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size), *team, *zero;
	char flags[256], err[256];
	compare_opts o;
	size_t fn, tn;

	if (!nl || (fn = (size_t)(nl - (const char *)data)) >= sizeof flags)
		return -1;
	memcpy(flags, data, fn), flags[fn] = '\0';
	compare_opts_default(&o);
	if (compare_opts_from_flags(flags, &o, err, sizeof err) < 0) {
		if (!memchr(err, '\0', sizeof err) || !err[0])
			abort();
		compare_opts_default(&o);
	}
	team = nl + 1;
	size -= fn + 1;
	zero = memchr(team, '\0', size);
	tn = zero ? (size_t)(zero - team) : size;
	const char *ans = zero ? zero + 1 : team;
	size_t an = zero ? size - tn - 1 : size;

	s_compare(team, tn, ans, an, &o);
	/* Every output is its own answer, whatever the options (no tolerance
	 * can reject an exact copy). */
	if (!s_compare(team, tn, team, tn, &o))
		abort();
	return 0;
}
