/* The cost of inotify to a writer, for bench/tail_tax.py.
 *
 * usage: tail_tax MODE SLEEP_US PATH...
 *   MODE 0: watch each path for IN_MODIFY and read the events, sleeping
 *           SLEEP_US after each read (0: as they come);
 *   MODE 1: the same, and read each file an event names to its end;
 *   MODE 2: no write events: watch each path for IN_DELETE_SELF,
 *           IN_MOVE_SELF and IN_ATTRIB only, and read every file to its
 *           end every SLEEP_US.
 * Prints "ready" once the watches are in place; runs until killed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <unistd.h>

static char events[1 << 16], data[1 << 18];

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s MODE SLEEP_US PATH...\n", argv[0]);
        return 2;
    }
    int mode = atoi(argv[1]), us = atoi(argv[2]), n = argc - 3;
    int in = inotify_init1(0);
    int *fds = calloc(n, sizeof(int)), *by_wd = calloc(4 * n + 16, sizeof(int));
    if (in < 0 || !fds || !by_wd)
        return 1;
    for (int i = 0; i < n; i++) {
        uint32_t mask = mode == 2 ? IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB : IN_MODIFY;
        int wd = inotify_add_watch(in, argv[i + 3], mask);
        fds[i] = open(argv[i + 3], O_RDONLY);
        if (wd < 0 || wd >= 4 * n + 16 || fds[i] < 0)
            return 1;
        by_wd[wd] = i;
    }
    printf("ready\n");
    fflush(stdout);
    if (mode == 2) {
        for (;;) {
            for (int i = 0; i < n; i++)
                while (read(fds[i], data, sizeof data) > 0) {
                }
            usleep(us);
        }
    }
    for (;;) {
        ssize_t r = read(in, events, sizeof events);
        if (r <= 0)
            return 1;
        for (char *p = events; mode == 1 && p < events + r;) {
            struct inotify_event *e = (struct inotify_event *)p;
            while (read(fds[by_wd[e->wd]], data, sizeof data) > 0) {
            }
            p += sizeof *e + e->len;
        }
        if (us)
            usleep(us);
    }
}
