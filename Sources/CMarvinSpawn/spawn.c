#define _GNU_SOURCE
#include "marvin_spawn.h"
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <fcntl.h>
#include <unistd.h>

// Swift's Glibc module does not import the GNU spawn extensions (new session, chdir), so the
// one call that needs them lives here.
pid_t marvin_spawn(const char *path, char *const argv[], char *const envp[], const char *dir,
                   int stdin_fd, int stdout_fd, int stderr_fd, int *error) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    sigset_t empty, all;
    pid_t pid = -1;
    int rc;

    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
    posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
    if (dir != NULL) posix_spawn_file_actions_addchdir_np(&actions, dir);
    // Nothing else of the parent's leaks into the child: not the state database, not sockets,
    // and not a file another thread is writing (which would make executing it fail, ETXTBSY).
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    // The parent may block signals (test runners block SIGTERM); children must not inherit that.
    sigemptyset(&empty);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setsigmask(&attributes, &empty);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0) {
        *error = rc;
        return -1;
    }
    return pid;
}

int marvin_pipe(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}
