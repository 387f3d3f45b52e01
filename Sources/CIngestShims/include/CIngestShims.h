#ifndef CINGEST_SHIMS_H
#define CINGEST_SHIMS_H

/// rename that fails with EEXIST instead of replacing the destination (renameat2 RENAME_NOREPLACE).
/// Glibc declares renameat2 only under _GNU_SOURCE, which Swift's Glibc module does not see.
int cingest_rename_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);

/// open(2)'s O_NOATIME, which Glibc also declares only under _GNU_SOURCE.
int cingest_o_noatime(void);

/// Serves allocations of `bytes` and more with mmap, always: glibc otherwise raises this threshold
/// after the first large free, and later large buffers then stay in the heap when freed.
int cingest_fix_mmap_threshold(int bytes);

/// Returns freed heap memory to the system (malloc_trim(3)); <malloc.h> is not in Swift's Glibc module.
int cingest_malloc_trim(void);

#endif
