/* Throughput writer for bench/tail.py (compiled there with `cc -O2`).
 *
 * usage: tail_writer PATHS_FILE NLINES LINE_LEN BATCH
 *
 * Opens every path listed (one a line) for appending, prints "ready", waits
 * for one byte on stdin, then appends NLINES lines of LINE_LEN bytes
 * (newline included) to each file, round robin, BATCH whole lines per
 * write(2), and prints "done NS" (the nanoseconds it took). Line k of file i reads
 * "fIII SSSSSSSSS xxx...x\n" (file index, sequence number, padding): the
 * same bytes as the Python fallback in tail.py, which checks them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void put_digits(char *p, long v, int width) {
    for (int k = width - 1; k >= 0; k--) {
        p[k] = (char)('0' + v % 10);
        v /= 10;
    }
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s PATHS_FILE NLINES LINE_LEN BATCH\n", argv[0]);
        return 2;
    }
    long nlines = atol(argv[2]), line_len = atol(argv[3]), batch = atol(argv[4]);
    if (nlines <= 0 || line_len < 20 || batch <= 0) return 2;
    FILE *lst = fopen(argv[1], "r");
    if (!lst) { perror(argv[1]); return 2; }
    int cap = 64, n = 0;
    int *fds = malloc(sizeof(int) * cap);
    char path[4096];
    while (fgets(path, sizeof path, lst)) {
        size_t l = strlen(path);
        while (l && (path[l - 1] == '\n' || path[l - 1] == '\r')) path[--l] = 0;
        if (!l) continue;
        if (n == cap) fds = realloc(fds, sizeof(int) * (cap *= 2));
        fds[n] = open(path, O_WRONLY | O_APPEND);
        if (fds[n] < 0) { perror(path); return 2; }
        n++;
    }
    fclose(lst);
    /* One batch buffer per file, lines pre-filled; only the sequence
     * digits change from batch to batch. */
    char **bufs = malloc(sizeof(char *) * n);
    for (int i = 0; i < n; i++) {
        bufs[i] = malloc(batch * line_len);
        for (long j = 0; j < batch; j++) {
            char *p = bufs[i] + j * line_len;
            memset(p, 'x', line_len - 1);
            p[line_len - 1] = '\n';
            p[0] = 'f';
            put_digits(p + 1, i, 3);
            p[4] = ' ';
            p[14] = ' ';
        }
    }
    printf("ready\n");
    fflush(stdout);
    char go;
    if (read(0, &go, 1) != 1) return 1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long first = 0; first < nlines; first += batch) {
        long count = nlines - first < batch ? nlines - first : batch;
        for (int i = 0; i < n; i++) {
            for (long j = 0; j < count; j++) put_digits(bufs[i] + j * line_len + 5, first + j, 9);
            const char *p = bufs[i];
            size_t left = (size_t)(count * line_len);
            while (left) {
                ssize_t w = write(fds[i], p, left);
                if (w < 0) {
                    if (errno == EINTR) continue;
                    perror("write");
                    return 1;
                }
                p += w;
                left -= (size_t)w;
            }
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("done %lld\n", (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec));
    fflush(stdout);
    return 0;
}
