/*
 * arena.c: one malloc arena for the whole CLI.
 *
 * glibc gives each thread that first calls malloc or free its own arena:
 * a 64 MiB reservation (mmap of twice that, munmap of the excess,
 * mprotect of the first pages) and a page of bookkeeping. The Go runtime
 * starts its threads through pthread_create in a cgo binary, and each of
 * them frees the block that carried its start arguments, so a short
 * `oci-run run` built ~5 arenas it never used: 15 system calls and a page
 * fault each. The CLI does almost no C allocation, and none of it
 * contended, so one arena serves it.
 *
 * The constructor runs before the Go runtime and before any thread exists.
 */
#include <malloc.h>

__attribute__((constructor)) static void ocirun_one_arena(void)
{
	mallopt(M_ARENA_MAX, 1);
}
