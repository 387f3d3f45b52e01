#ifndef CINGEST_SHIMS_H
#define CINGEST_SHIMS_H

#include <stdint.h>

/// rename that fails with EEXIST instead of replacing the destination (renameat2 RENAME_NOREPLACE).
/// Glibc declares renameat2 only under _GNU_SOURCE, which Swift's Glibc module does not see.
int cingest_rename_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);

/// name_to_handle_at(2) of `path` relative to `dirfd` (of `dirfd` itself when `path` is empty),
/// never following a final symbolic link, digested to 64 bits (FNV-1a of the handle's type and
/// bytes) into `digest`. The handle holds the inode's generation, which changes when a file
/// system reuses an inode number. Returns 0, or -1 with errno set (EOPNOTSUPP where the file
/// system has no handles). `struct file_handle` ends in a flexible array, which Swift cannot
/// declare on the stack.
int cingest_handle_digest(int dirfd, const char *path, uint64_t *digest);

/// open(2)'s O_NOATIME, which Glibc also declares only under _GNU_SOURCE.
int cingest_o_noatime(void);

/// Serves allocations of `bytes` and more with mmap, always: glibc otherwise raises this threshold
/// after the first large free, and later large buffers then stay in the heap when freed.
int cingest_fix_mmap_threshold(int bytes);

/// Returns freed heap memory to the system (malloc_trim(3)); <malloc.h> is not in Swift's Glibc module.
int cingest_malloc_trim(void);

/// Names the calling thread (at most 15 bytes show, in `ps -L` and `top -H`); pthread_setname_np
/// is declared only under _GNU_SOURCE. Returns 0 or an errno.
int cingest_name_this_thread(const char *name);

#endif
