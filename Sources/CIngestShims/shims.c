#define _GNU_SOURCE
#include <stdio.h>
#include <fcntl.h>
#include <malloc.h>
#include "CIngestShims.h"

int cingest_rename_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
    return renameat2(olddirfd, oldpath, newdirfd, newpath, RENAME_NOREPLACE);
}

int cingest_o_noatime(void) {
    return O_NOATIME;
}

int cingest_malloc_trim(void) {
    return malloc_trim(0);
}

int cingest_fix_mmap_threshold(int bytes) {
    /* Fixing the mmap threshold also freezes the trim threshold at its 128 KiB default, which
       would shrink and regrow the heap around every batch; keep the heap instead. */
    return mallopt(M_MMAP_THRESHOLD, bytes) && mallopt(M_TRIM_THRESHOLD, 8 * bytes);
}
