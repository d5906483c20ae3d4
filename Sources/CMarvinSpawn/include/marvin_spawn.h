#ifndef MARVIN_SPAWN_H
#define MARVIN_SPAWN_H
#include <sys/types.h>

/// Starts `path` with `argv` and `envp` (NULL-terminated) in a new session (so its process group
/// can be signalled as one), with a clean signal mask and default dispositions, the working
/// directory `dir` (NULL: unchanged) and the given descriptors as stdin, stdout and stderr; no
/// other descriptor is inherited.
/// Returns the pid, or -1 with `*error` set to an errno value.
pid_t marvin_spawn(const char *path, char *const argv[], char *const envp[], const char *dir,
                   int stdin_fd, int stdout_fd, int stderr_fd, int *error);



/// pipe2(fds, O_CLOEXEC): both ends close on exec, so no other child inherits them.
int marvin_pipe(int fds[2]);
#endif
