// A wall clock that a test can step, for one process: preloaded (LD_PRELOAD), it adds the
// number of seconds written in the file named by MARVIN_CLOCK_OFFSET_FILE to every reading of
// the wall clock (clock_gettime with CLOCK_REALTIME, gettimeofday, time). The monotonic clocks
// are left alone, as they are when a node's clock is stepped. The file is read again at most
// every 100 ms of monotonic time. Unlike a real step it does not move waits for an absolute
// wall-clock time (timerfd, TIMER_ABSTIME sleeps); marvind waits on the monotonic clock and
// reads the wall clock again at least every second, which is what the tests need. Not for
// programs that read the clock in signal handlers (the file is read with stdio).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include "steppable_clock.h"

typedef int (*clock_gettime_f)(clockid_t, struct timespec *);

static _Atomic long long offset_ns = 0;
static _Atomic long long checked_ns = -1000000000LL;

static clock_gettime_f real_clock_gettime(void) {
    static _Atomic(clock_gettime_f) real = NULL;
    clock_gettime_f found = atomic_load(&real);
    if (!found) {
        found = (clock_gettime_f)dlsym(RTLD_NEXT, "clock_gettime");
        atomic_store(&real, found);
    }
    return found;
}

static long long current_offset(void) {
    struct timespec now;
    real_clock_gettime()(CLOCK_MONOTONIC, &now);
    long long monotonic = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
    if (monotonic - atomic_load(&checked_ns) >= 100000000LL) {
        atomic_store(&checked_ns, monotonic);
        const char *path = getenv("MARVIN_CLOCK_OFFSET_FILE");
        FILE *file = path ? fopen(path, "re") : NULL;
        double seconds;
        if (file) {
            if (fscanf(file, "%lf", &seconds) == 1) atomic_store(&offset_ns, (long long)(seconds * 1e9));
            fclose(file);
        }
    }
    return atomic_load(&offset_ns);
}

static void shift(struct timespec *time, long long by) {
    long long total = (long long)time->tv_sec * 1000000000LL + time->tv_nsec + by;
    time->tv_sec = total / 1000000000LL;
    time->tv_nsec = total % 1000000000LL;
}

int clock_gettime(clockid_t clock, struct timespec *time) {
    int result = real_clock_gettime()(clock, time);
    if (result == 0 && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)) shift(time, current_offset());
    return result;
}

int gettimeofday(struct timeval *restrict value, void *restrict zone) {
    (void)zone;
    struct timespec now;
    int result = clock_gettime(CLOCK_REALTIME, &now);
    if (result == 0 && value) {
        value->tv_sec = now.tv_sec;
        value->tv_usec = now.tv_nsec / 1000;
    }
    return result;
}

time_t time(time_t *out) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (out) *out = now.tv_sec;
    return now.tv_sec;
}

int marvin_steppable_clock_linked(void) { return 1; }
