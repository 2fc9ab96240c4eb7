// SPDX-License-Identifier: GPL-2.0
/*
 * buildload: a build-like load of many short processes.
 *
 * Keeps JOBS workers running until PROCS workers have run, like `make -j`.
 * Worker k allocates between MIN and MAX MiB (a size that depends on k),
 * fills it with a compressible pattern (one word in four is pseudo-random,
 * roughly what a compiler's heap compresses to), then does ROUNDS passes of
 * "compute" over its hot part (HOT percent of the pages; the rest is
 * written once and goes cold, like a compiler's early data): every hot
 * page, in a scattered order, is read, summed and rewritten (xor with the
 * round's key).  At the end every word is checked against what it must
 * hold (cold pages come back from swap then), and the worker exits,
 * freeing whatever it had in swap.
 *
 * Run it in a memory cgroup whose memory.max is below JOBS * the average
 * size to make the workers swap.  (Passes over more memory than the limit
 * would make every access a fault: that is thrashing, not a build.)
 *
 * Output: one line of key=value pairs, e.g.
 *   buildload: jobs=8 procs=64 min_mb=32 max_mb=64 rounds=4 hot_pct=25 total_mb=..
 *              wall_ms=.. user_ms=.. sys_ms=.. ok=64 corrupt=0 oom=0
 *              failed=0 result=ok
 * user_ms and sys_ms are the workers' (RUSAGE_CHILDREN).
 * Exit status: 0 when every worker verified all its data, 1 when a worker
 * saw wrong data, 2 when a worker could not allocate or was killed (the
 * OOM killer) and none saw wrong data, 3 on bad usage, 4 when a worker
 * ended any other way (and none saw wrong data).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest-util.h"

#define PAGE 4096UL
#define WORDS (PAGE / sizeof(uint64_t))

/* Worker exit codes. */
#define EXIT_VERIFIED	0
#define EXIT_CORRUPT	1
#define EXIT_NOMEM	2

static struct {
	int jobs;
	int procs;
	unsigned long min_mb, max_mb;
	int rounds;
	int hot_pct;		/* percent of a worker's pages that rounds rewrite */
	int corrupt;		/* self-test: flip one bit in worker 0 */
	uint64_t seed;
} opt = { .jobs = 8, .procs = 64, .min_mb = 32, .max_mb = 64, .rounds = 4,
	  .hot_pct = 25,
	  .seed = 0xb1d };

static unsigned long worker_mb(int k)
{
	return opt.min_mb + mix(opt.seed ^ (uint64_t)k) % (opt.max_mb - opt.min_mb + 1);
}

/* The initial content of word @w of page @idx. */
static inline uint64_t initial(uint64_t seed, unsigned long idx, unsigned long w)
{
	if (w % 4 == 0)
		return mix(seed + idx * WORDS + w) & 0xffffffffULL;
	return ((uint64_t)idx << 16) | w;
}

static uint64_t round_key(uint64_t seed, int round)
{
	return mix(seed ^ (0x1000 + (uint64_t)round));
}

static unsigned long gcd(unsigned long a, unsigned long b)
{
	while (b) {
		unsigned long t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static int worker(int k)
{
	unsigned long mb = worker_mb(k), pages = (mb << 20) / PAGE, bad = 0;
	unsigned long hot = pages * opt.hot_pct / 100;
	uint64_t seed = mix(opt.seed + (uint64_t)k * 1000003), key = 0;
	unsigned long stride;
	volatile uint64_t sink = 0;
	uint64_t *mem;

	mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "buildload[%d]: mmap of %lu MiB failed: %s\n",
			k, mb, strerror(errno));
		return EXIT_NOMEM;
	}

	for (unsigned long i = 0; i < pages; i++)
		for (unsigned long w = 0; w < WORDS; w++)
			mem[i * WORDS + w] = initial(seed, i, w);

	/* A stride prime to the hot page count visits each once per round. */
	if (!hot)
		hot = 1;
	stride = (hot / 3) | 1;
	while (gcd(stride, hot) != 1)
		stride += 2;
	if (opt.corrupt && k == 0)
		mem[pages / 2 * WORDS + 7] ^= 0x40;

	for (int r = 0; r < opt.rounds; r++) {
		uint64_t rk = round_key(seed, r), sum = 0;
		unsigned long i = (unsigned long)r % hot;

		for (unsigned long n = 0; n < hot; n++, i = (i + stride) % hot) {
			uint64_t *p = mem + i * WORDS;

			for (unsigned long w = 0; w < WORDS; w++) {
				sum += p[w] * (w | 1);
				p[w] ^= rk;
			}
		}
		sink += sum;
		key ^= rk;
	}

	for (unsigned long i = 0; i < pages; i++) {
		for (unsigned long w = 0; w < WORDS; w++) {
			uint64_t want = initial(seed, i, w) ^ (i < hot ? key : 0);

			if (mem[i * WORDS + w] != want) {
				if (bad < 5)
					fprintf(stderr,
						"buildload[%d]: page %lu word %lu: got %#llx want %#llx\n",
						k, i, w, (unsigned long long)mem[i * WORDS + w],
						(unsigned long long)want);
				bad++;
				break;
			}
		}
	}
	munmap(mem, pages * PAGE);
	return bad ? EXIT_CORRUPT : EXIT_VERIFIED;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: buildload [-j jobs] [-n procs] [-m min_mb] [-M max_mb] [-r rounds] [-H hot_pct] [-e seed]\n"
		"  -j N     workers running at once (default 8)\n"
		"  -n N     workers in all (default 64)\n"
		"  -m MiB   smallest worker (default 32)\n"
		"  -M MiB   largest worker (default 64)\n"
		"  -r N     compute passes over the hot memory (default 4)\n"
		"  -H PCT   percent of each worker's memory that is hot (default 25)\n"
		"  -X       self-test: corrupt one word in worker 0 (must fail)\n");
	exit(3);
}

int main(int argc, char **argv)
{
	int c, started = 0, running = 0, ok = 0, corrupt = 0, oom = 0, failed = 0;
	unsigned long total_mb = 0;
	struct rusage ru;
	double t0, wall;

	while ((c = getopt(argc, argv, "j:n:m:M:r:H:e:Xh")) != -1) {
		switch (c) {
		case 'j': opt.jobs = atoi(optarg); break;
		case 'n': opt.procs = atoi(optarg); break;
		case 'm': opt.min_mb = strtoul(optarg, NULL, 0); break;
		case 'M': opt.max_mb = strtoul(optarg, NULL, 0); break;
		case 'r': opt.rounds = atoi(optarg); break;
		case 'H': opt.hot_pct = atoi(optarg); break;
		case 'e': opt.seed = strtoull(optarg, NULL, 0); break;
		case 'X': opt.corrupt = 1; break;
		default: usage();
		}
	}
	if (opt.jobs < 1 || opt.procs < 1 || opt.rounds < 0 || !opt.min_mb ||
	    opt.hot_pct < 1 || opt.hot_pct > 100 ||
	    opt.max_mb < opt.min_mb || optind != argc)
		usage();

	t0 = now_ms();
	while (started < opt.procs || running) {
		int status;
		pid_t pid;

		if (started < opt.procs && running < opt.jobs) {
			fflush(NULL);
			pid = fork();
			if (pid < 0) {
				fprintf(stderr, "buildload: fork: %s\n", strerror(errno));
				failed++;
				started++;
				continue;
			}
			if (pid == 0)
				_exit(worker(started));
			total_mb += worker_mb(started);
			started++;
			running++;
			continue;
		}
		pid = wait(&status);
		if (pid < 0) {
			fprintf(stderr, "buildload: wait: %s\n", strerror(errno));
			failed += running;
			break;
		}
		running--;
		if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_VERIFIED) {
			ok++;
		} else if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_CORRUPT) {
			corrupt++;
		} else if ((WIFEXITED(status) && WEXITSTATUS(status) == EXIT_NOMEM) ||
			   (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
			/* SIGKILL is what the OOM killer sends. */
			oom++;
		} else {
			fprintf(stderr, "buildload: a worker ended with status %#x\n", status);
			failed++;
		}
	}
	wall = now_ms() - t0;
	getrusage(RUSAGE_CHILDREN, &ru);

	printf("buildload: jobs=%d procs=%d min_mb=%lu max_mb=%lu rounds=%d hot_pct=%d total_mb=%lu"
	       " wall_ms=%.0f user_ms=%.0f sys_ms=%.0f ok=%d corrupt=%d oom=%d failed=%d"
	       " result=%s\n",
	       opt.jobs, opt.procs, opt.min_mb, opt.max_mb, opt.rounds, opt.hot_pct, total_mb, wall,
	       ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3,
	       ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3,
	       ok, corrupt, oom, failed,
	       corrupt ? "CORRUPT" : failed ? "FAILED" : oom ? "ENOMEM" : "ok");
	if (corrupt)
		return 1;
	if (failed)
		return 4;
	return oom ? 2 : 0;
}
