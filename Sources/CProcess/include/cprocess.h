#ifndef MLGATE_CPROCESS_H
#define MLGATE_CPROCESS_H
#include <spawn.h>

/// pipe2(fds, O_CLOEXEC): both ends close on exec, so concurrently spawned children never
/// inherit each other's pipes.
int mlgate_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addchdir_np (glibc >= 2.29).
int mlgate_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// 1 when `path` is on a tmpfs (memory-backed) file system, 0 otherwise.
int mlgate_is_tmpfs(const char *path);

#endif
