#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include <spawn.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include "cprocess.h"

int mlgate_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int mlgate_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int mlgate_is_tmpfs(const char *path) {
    struct statfs info;
    return statfs(path, &info) == 0 && info.f_type == TMPFS_MAGIC;
}
