#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/vfs.h>
#include <sys/wait.h>
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

int mlgate_dup_cloexec_above(int fd, int minimum) {
    return fcntl(fd, F_DUPFD_CLOEXEC, minimum);
}

int mlgate_write_all_nosigpipe(int fd, const void *bytes, size_t length) {
    // Block SIGPIPE on this thread for the write; if the write raised one, take it back
    // out of the thread's pending set before unblocking, so the process never sees it.
    sigset_t pipe_only, previous, pending;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);
    sigpending(&pending);
    int was_pending = sigismember(&pending, SIGPIPE);

    int result = 0;
    const char *cursor = bytes;
    while (length > 0) {
        ssize_t written = write(fd, cursor, length);
        if (written < 0) {
            if (errno == EINTR) continue;
            result = -1;
            break;
        }
        cursor += written;
        length -= (size_t)written;
    }
    if (result < 0 && errno == EPIPE && !was_pending) {
        int saved = errno;
        struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_only, NULL, &zero) < 0 && errno == EINTR) {}
        errno = saved;
    }
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    return result;
}

int mlgate_has_exited(pid_t pid) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    int result;
    do { result = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT); } while (result < 0 && errno == EINTR);
    if (result < 0) return 1;  // not our child any more: treat as gone
    return info.si_pid == pid;
}

int mlgate_parse_time(const char *text, const char *format, long long *seconds) {
    struct tm t;
    memset(&t, 0, sizeof t);
    const char *end = strptime(text, format, &t);
    if (end == NULL || *end != '\0') return 0;
    *seconds = (long long)timegm(&t);
    return 1;
}
