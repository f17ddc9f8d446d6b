/*
 * Lets Criterion start under ThreadSanitizer (linked into the test-tsan suite
 * only, compiled without instrumentation).
 *
 * Criterion's sandbox library, BoxFort, maps an "inheritable arena" at a
 * random fixed address between 0x2000'0000'0000 and 0x7f00'0000'0000 after
 * probing with mincore that the pages there are free. ThreadSanitizer has
 * reserved nearly all of that range for its shadow and metadata, so every
 * probe says "taken" and the suite aborts with "Could not initialize
 * inheritable arena" (Criterion issue #274, open since 2018). Here the probe
 * answers "free" for that range, and the fixed mapping is moved into
 * ThreadSanitizer's application range 0x5500'0000'0000..0x5680'0000'0000,
 * which is still inside BoxFort's accepted window; the test processes map it
 * again at that same address. Every other call goes to ThreadSanitizer's own
 * interceptor, so the code under test is checked as usual.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BOXFORT_LO UINT64_C(0x200000000000)
#define BOXFORT_HI UINT64_C(0x7f0000000000)
#define TSAN_APP_LO UINT64_C(0x550000000000)
#define TSAN_APP_HI UINT64_C(0x568000000000)
#define RELOCATE_AT UINT64_C(0x558000000000)

void *__interceptor_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);

static int boxfort_range(const void *addr)
{
	uint64_t a = (uint64_t)(uintptr_t)addr;

	return a >= BOXFORT_LO && a < BOXFORT_HI && !(a >= TSAN_APP_LO && a < TSAN_APP_HI);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if ((flags & MAP_FIXED) && fd >= 0 && boxfort_range(addr)) {
		uint64_t at = RELOCATE_AT + ((uint64_t)(uintptr_t)addr & UINT64_C(0xffffffffff));
		return (void *)syscall(SYS_mmap, (void *)(uintptr_t)at, len, prot,
				       (flags & ~MAP_FIXED) | MAP_FIXED_NOREPLACE, fd, off);
	}
	return __interceptor_mmap(addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

int mincore(void *addr, size_t len, unsigned char *vec)
{
	if (boxfort_range(addr)) {
		errno = ENOMEM;
		return -1;
	}
	return (int)syscall(SYS_mincore, addr, len, vec);
}
