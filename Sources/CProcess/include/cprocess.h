#ifndef MLGATE_CPROCESS_H
#define MLGATE_CPROCESS_H
#include <spawn.h>
#include <stddef.h>
#include <sys/types.h>

/// pipe2(fds, O_CLOEXEC): both ends close on exec, so concurrently spawned children never
/// inherit each other's pipes.
int mlgate_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addchdir_np (glibc >= 2.29).
int mlgate_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// 1 when `path` is on a tmpfs (memory-backed) file system, 0 otherwise.
int mlgate_is_tmpfs(const char *path);

/// fcntl(fd, F_DUPFD_CLOEXEC, minimum): a close-on-exec copy of `fd` numbered >= minimum.
int mlgate_dup_cloexec_above(int fd, int minimum);

/// Writes all of `bytes` to `fd`; a reader that has gone gives -1 with errno EPIPE instead
/// of a SIGPIPE for the process. 0 on success.
int mlgate_write_all_nosigpipe(int fd, const void *bytes, size_t length);

/// 1 when the child `pid` has exited (it is left to be reaped), 0 while it runs.
int mlgate_has_exited(pid_t pid);

/// strptime(text, format) as UTC seconds since 1970 in *seconds; 1 when the whole text
/// matched the format, 0 otherwise.
int mlgate_parse_time(const char *text, const char *format, long long *seconds);

/// Asks the CPU to bring the cache line at `address` in ahead of a read (a hint only).
static inline void mlgate_prefetch(const void *address) { __builtin_prefetch(address); }

#endif
