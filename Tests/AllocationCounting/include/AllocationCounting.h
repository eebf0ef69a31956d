#ifndef ALLOCATION_COUNTING_H
#define ALLOCATION_COUNTING_H
/*
 * A counting allocator for the tests, linked into the test executable only: it defines malloc,
 * calloc, realloc, posix_memalign, aligned_alloc and memalign, counts each call in a per-thread
 * counter and forwards to glibc's own allocator (__libc_malloc, …), so blocks stay glibc blocks
 * that glibc's free releases.  The executable's definitions take precedence over libc's for every
 * library in the process (ELF symbol interposition), the Swift runtime included.  Per thread, so
 * tests running concurrently on other threads do not disturb a count.
 */
#include <stdint.h>

/// Allocation calls made by the calling thread since it started (0 where the counting allocator
/// is not in force: on other platforms, and under AddressSanitizer).
uint64_t allocation_counting_thread_allocations(void);

#endif
