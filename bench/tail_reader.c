/* Output reader for bench/tail.py's timed throughput runs (compiled there
 * with `cc -O3`).
 *
 * usage: tail_reader EXPECTED_LINES TIMEOUT_S  (stdin: the tailer's stdout)
 *
 * Reads stdin in 1 MiB reads and counts newlines until EXPECTED_LINES have
 * come (or TIMEOUT_S passed, or EOF), then goes on reading until 300 ms
 * pass with nothing new (lines past the expected count: repeated ones),
 * and prints one line:
 *
 *   first_ns done_ns gap_ns lines bytes extra_lines
 *
 * first_ns / done_ns: CLOCK_MONOTONIC (the clock of Python's
 * time.monotonic()) at the first byte and when the count reached
 * EXPECTED_LINES (0 if it never did); gap_ns: the longest wait between two
 * reads that returned bytes. Python's os.read + bytes.count took ~1 ms of
 * CPU per MB here, 0.4-0.9 s for the 640 MB of a run: on two cores the
 * reader competed with the writer and the tailer it measured. This loop
 * counts at memory speed.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Byte counters the compiler turns into vector compares and adds (built
 * with -O3), each summed before it can wrap (255 rounds). */
static long count_newlines(const unsigned char *p, size_t n) {
    enum { W = 64, ROUNDS = 255 };
    long c = 0;
    size_t i = 0;
    while (n - i >= (size_t)W * ROUNDS) {
        unsigned char acc[W] = {0};
        for (int r = 0; r < ROUNDS; r++, i += W)
            for (int k = 0; k < W; k++) acc[k] += p[i + k] == '\n';
        for (int k = 0; k < W; k++) c += acc[k];
    }
    for (; i < n; i++) c += p[i] == '\n';
    return c;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s EXPECTED_LINES TIMEOUT_S\n", argv[0]);
        return 2;
    }
    long expected = atol(argv[1]);
    long long deadline = now_ns() + (long long)(atof(argv[2]) * 1e9);
    size_t cap = 1 << 20;
    unsigned char *buf = malloc(cap);
    if (!buf) return 2;
    long lines = 0, extra = 0;
    long long bytes = 0, first = 0, done = 0, gap = 0, last = 0;
    for (;;) {
        long long t = now_ns();
        long long until = done ? last + 300000000LL : deadline;
        if (done && until < t + 1) break;
        if (!done && t >= deadline) break;
        struct pollfd p = {.fd = 0, .events = POLLIN};
        int ms = (int)((until - t) / 1000000) + 1;
        int r = poll(&p, 1, ms);
        if (r < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (r == 0) continue;
        ssize_t n = read(0, buf, cap);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            break;
        }
        if (n == 0) break;
        t = now_ns();
        if (!first) first = t;
        else if (t - last > gap) gap = t - last;
        last = t;
        bytes += n;
        long c = count_newlines(buf, (size_t)n);
        if (done) {
            extra += c;
        } else {
            lines += c;
            if (lines >= expected) {
                done = t;
                extra = lines - expected;
                lines = expected;
            }
        }
    }
    printf("%lld %lld %lld %ld %lld %ld\n", first, done, gap, lines, bytes, extra);
    return 0;
}
