#define _GNU_SOURCE
#include <stdio.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <string.h>
#include "CIngestShims.h"

int cingest_rename_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
    return renameat2(olddirfd, oldpath, newdirfd, newpath, RENAME_NOREPLACE);
}

int cingest_handle_digest(int dirfd, const char *path, uint64_t *digest) {
    struct {
        struct file_handle handle;
        unsigned char bytes[MAX_HANDLE_SZ];
    } buffer;
    buffer.handle.handle_bytes = MAX_HANDLE_SZ;
    int mount_id;
    int flags = path[0] == '\0' ? AT_EMPTY_PATH : 0;
    if (name_to_handle_at(dirfd, path, &buffer.handle, &mount_id, flags) == -1) return -1;
    uint64_t hash = 0xcbf29ce484222325ULL;
    const unsigned char *type = (const unsigned char *)&buffer.handle.handle_type;
    for (size_t i = 0; i < sizeof buffer.handle.handle_type; i++) hash = (hash ^ type[i]) * 0x100000001b3ULL;
    for (unsigned i = 0; i < buffer.handle.handle_bytes; i++) hash = (hash ^ buffer.handle.f_handle[i]) * 0x100000001b3ULL;
    *digest = hash;
    return 0;
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

int cingest_name_this_thread(const char *name) {
    char truncated[16];
    strncpy(truncated, name, sizeof truncated - 1);
    truncated[sizeof truncated - 1] = '\0';
    return pthread_setname_np(pthread_self(), truncated);
}
