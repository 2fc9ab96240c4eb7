// SPDX-License-Identifier: GPL-2.0
/*
 * usemem: fill memory with a verifiable pattern, read every byte back, free.
 *
 * Every page gets content derived from (seed, page index), so a page that
 * comes back from swap with the wrong content, another page's content or
 * zeroes is caught.  Pages are "compressible" (a short unique header, then
 * a repeated word), "random" (incompressible xorshift data) or "zero".
 *
 * Output: one line of key=value pairs that the guest scripts parse, e.g.
 *   usemem: size_mb=1536 procs=1 fill_ms=.. verify_ms=.. free_ms=..
 *           fill_kbps=.. bad_pages=0 result=ok
 * With -x CMD, CMD runs (sh -c) while the memory is held, after the fill and
 * the MADV_PAGEOUT (-P), before the verify; a second line follows:
 *   usemem: hold_rss_kb=.. hold_swap_kb=.. cmd_ms=.. cmd_rc=..
 * (VmRSS and VmSwap just before CMD; how long CMD took; its exit status).
 * -B CMD runs CMD after the fill, before the MADV_PAGEOUT (a "before"
 * snapshot of a memory measurement); it is not timed, its status is
 * reported as pre_rc=.. on that line.
 * Exit status: 0 when every byte verified, 1 on data mismatch, 2 on an
 * allocation failure (the error is printed), 3 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
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

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PAGE 4096UL
#define WORDS (PAGE / sizeof(uint64_t))

static struct {
	unsigned long size_mb;
	int procs;
	int random_pct;		/* percent of pages that are incompressible */
	int zero;		/* every page zero-filled */
	int thp;		/* MADV_HUGEPAGE on the mapping */
	int shmem;		/* MAP_SHARED anonymous (shmem) mapping */
	int fork;		/* fork after fill; both sides verify and COW */
	int pageout;		/* MADV_PAGEOUT after fill */
	int again;		/* -R: after the verify, MADV_PAGEOUT and verify again */
	int passes;		/* verify passes */
	int corrupt;		/* self-test: flip one byte to prove verify works */
	const char *hold_cmd;	/* -x: run this while the memory is held */
	const char *pre_cmd;	/* -B: run this after the fill, before -P */
	uint64_t seed;
} opt = { .procs = 1, .passes = 1, .seed = 0x5eed };

/* What -x measured; printed on a line of its own. */
static struct {
	unsigned long rss_kb, swap_kb;
	double cmd_ms;
	int cmd_rc, pre_rc;
} hold;

extern char **environ;

enum kind { K_ZERO, K_COMPRESSIBLE, K_RANDOM };

static enum kind page_kind(uint64_t seed, unsigned long idx)
{
	if (opt.zero)
		return K_ZERO;
	if (opt.random_pct && (mix(seed ^ (idx * 7919)) % 100) < (uint64_t)opt.random_pct)
		return K_RANDOM;
	return K_COMPRESSIBLE;
}

/* Word @w of page @idx for a given @seed. */
static inline uint64_t pattern(uint64_t seed, unsigned long idx, enum kind k,
			       unsigned long w, uint64_t *state)
{
	switch (k) {
	case K_ZERO:
		return 0;
	case K_COMPRESSIBLE:
		/* 8 unique words, then the page's tag repeated. */
		if (w < 8)
			return mix(seed + idx * WORDS + w);
		return (seed << 40) ^ idx;
	case K_RANDOM:
	default:
		*state ^= *state << 13;
		*state ^= *state >> 7;
		*state ^= *state << 17;
		return *state;
	}
}

static void fill(uint64_t *mem, unsigned long pages, uint64_t seed)
{
	for (unsigned long i = 0; i < pages; i++) {
		enum kind k = page_kind(seed, i);
		uint64_t *p = mem + i * WORDS, st = mix(seed ^ i) | 1;

		if (k == K_ZERO) {
			/* Write so the page is really allocated, then zero it. */
			p[0] = 1;
			memset(p, 0, PAGE);
			continue;
		}
		for (unsigned long w = 0; w < WORDS; w++)
			p[w] = pattern(seed, i, k, w, &st);
	}
}

/* Returns the number of bad pages; reports the first few. */
static unsigned long verify(const uint64_t *mem, unsigned long pages,
			    uint64_t seed, const char *who)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < pages; i++) {
		enum kind k = page_kind(seed, i);
		const uint64_t *p = mem + i * WORDS;
		uint64_t st = mix(seed ^ i) | 1;

		for (unsigned long w = 0; w < WORDS; w++) {
			uint64_t want = pattern(seed, i, k, w, &st);

			if (p[w] != want) {
				if (bad < 5)
					fprintf(stderr,
						"usemem[%s]: page %lu word %lu: got %#llx want %#llx\n",
						who, i, w, (unsigned long long)p[w],
						(unsigned long long)want);
				bad++;
				break;
			}
		}
	}
	return bad;
}

struct result {
	double fill_ms, verify_ms, free_ms;
	unsigned long bad;
};

static void *map_region(size_t len)
{
	int flags = opt.shmem ? MAP_SHARED | MAP_ANONYMOUS : MAP_PRIVATE | MAP_ANONYMOUS;
	void *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);

	if (mem == MAP_FAILED) {
		fprintf(stderr, "usemem: mmap of %zu MiB failed: %s\n",
			len >> 20, strerror(errno));
		return NULL;
	}
	if (opt.thp && madvise(mem, len, MADV_HUGEPAGE))
		fprintf(stderr, "usemem: MADV_HUGEPAGE: %s\n", strerror(errno));
	return mem;
}

/* Fork after the fill: the child verifies the shared (swapped) pages, then
 * rewrites half of them with its own seed; the parent must still see its own
 * data, and the child its own.  Returns bad pages seen by either side.
 */
static unsigned long fork_check(uint64_t *mem, unsigned long pages, uint64_t seed)
{
	unsigned long half = pages / 2, bad;
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "usemem: fork: %s\n", strerror(errno));
		return pages;
	}
	if (pid == 0) {
		unsigned long cbad = verify(mem, pages, seed, "child-before");

		if (!opt.shmem) {
			fill(mem, half, seed + 1);
			if (opt.pageout)
				madvise(mem, half * PAGE, MADV_PAGEOUT);
			cbad += verify(mem, half, seed + 1, "child-after");
		}
		_exit(cbad ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
		fprintf(stderr, "usemem: child did not exit normally (status %#x)\n", status);
		return pages;
	}
	bad = WEXITSTATUS(status) ? 1 : 0;
	/* Private mappings: the child's writes must not show in the parent. */
	if (!opt.shmem)
		bad += verify(mem, pages, seed, "parent-after-child");
	return bad;
}

/* Value in kB of a "Name:   123 kB" line of /proc/self/status, 0 if absent. */
static unsigned long status_kb(const char *name)
{
	size_t len = strlen(name);
	unsigned long kb = 0;
	char line[256];
	FILE *f;

	f = fopen("/proc/self/status", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, len) && line[len] == ':') {
			kb = strtoul(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

/*
 * Run 'sh -c CMD' while our memory is held and return its exit status.
 * posix_spawn (a vfork, on glibc) does not copy our page tables, so the
 * child does not change what a memory snapshot taken by CMD sees, nor make
 * swapoff work harder.
 */
static int run_cmd(const char *cmd)
{
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	int status, err;
	pid_t pid;

	fflush(NULL);
	err = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
	if (err) {
		fprintf(stderr, "usemem: cannot run '%s': %s\n", cmd, strerror(err));
		return 127;
	}
	if (waitpid(pid, &status, 0) < 0)
		return 127;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* -x CMD: run CMD while our memory is held (and swapped out, with -P). */
static void run_hold_cmd(void)
{
	double t;

	hold.rss_kb = status_kb("VmRSS");
	hold.swap_kb = status_kb("VmSwap");
	t = now_ms();
	hold.cmd_rc = run_cmd(opt.hold_cmd);
	hold.cmd_ms = now_ms() - t;
}

static int run_one(int id, unsigned long size_mb, struct result *r)
{
	size_t len = size_mb << 20;
	unsigned long pages = len / PAGE;
	uint64_t seed = opt.seed + (uint64_t)id * 1000003;
	uint64_t *mem;
	double t;

	mem = map_region(len);
	if (!mem)
		return 2;

	t = now_ms();
	fill(mem, pages, seed);
	r->fill_ms = now_ms() - t;

	if (opt.corrupt)
		((volatile char *)mem)[len / 2 + 123] ^= 0x40;

	if (opt.pre_cmd)
		hold.pre_rc = run_cmd(opt.pre_cmd);

	if (opt.pageout && madvise(mem, len, MADV_PAGEOUT))
		fprintf(stderr, "usemem: MADV_PAGEOUT: %s\n", strerror(errno));

	if (opt.hold_cmd)
		run_hold_cmd();

	t = now_ms();
	r->bad = 0;
	for (int pass = 0; pass < opt.passes; pass++)
		r->bad += verify(mem, pages, seed, "verify");
	if (opt.again) {
		if (madvise(mem, len, MADV_PAGEOUT))
			fprintf(stderr, "usemem: MADV_PAGEOUT: %s\n", strerror(errno));
		r->bad += verify(mem, pages, seed, "verify-again");
	}
	if (opt.fork)
		r->bad += fork_check(mem, pages, seed);
	r->verify_ms = now_ms() - t;

	t = now_ms();
	munmap(mem, len);
	r->free_ms = now_ms() - t;
	return r->bad ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: usemem -s MiB [-n procs] [-r pct_random] [-z] [-t] [-S] [-f] [-P] [-R] [-p passes] [-e seed] [-B cmd] [-x cmd]\n"
		"  -s MiB   total size (split across processes)\n"
		"  -n N     N processes in parallel\n"
		"  -r PCT   percent of pages with incompressible data\n"
		"  -z       zero-filled pages\n"
		"  -t       MADV_HUGEPAGE (THP)\n"
		"  -S       shared anonymous (shmem) mapping\n"
		"  -f       fork after fill; parent and child verify, child writes (COW)\n"
		"  -P       MADV_PAGEOUT after fill\n"
		"  -p N     verify passes (default 1)\n"
		"  -R       after the verify: MADV_PAGEOUT again, verify again\n"
		"  -X       self-test: corrupt one byte after the fill (must fail)\n"
		"  -x CMD   run 'sh -c CMD' after the fill (and -P), before the verify,\n"
		"           while the memory is held; one process only (-n 1)\n"
		"  -B CMD   with -x: run 'sh -c CMD' after the fill, before -P\n");
	exit(3);
}

int main(int argc, char **argv)
{
	struct result total = { 0 };
	struct rusage ru;
	double t0, wall;
	int c, rc = 0;

	while ((c = getopt(argc, argv, "s:n:r:ztSfPRp:e:Xx:B:h")) != -1) {
		switch (c) {
		case 's': opt.size_mb = strtoul(optarg, NULL, 0); break;
		case 'n': opt.procs = atoi(optarg); break;
		case 'r': opt.random_pct = atoi(optarg); break;
		case 'z': opt.zero = 1; break;
		case 't': opt.thp = 1; break;
		case 'S': opt.shmem = 1; break;
		case 'f': opt.fork = 1; break;
		case 'P': opt.pageout = 1; break;
		case 'R': opt.again = 1; break;
		case 'p': opt.passes = atoi(optarg); break;
		case 'e': opt.seed = strtoull(optarg, NULL, 0); break;
		case 'X': opt.corrupt = 1; break;
		case 'x': opt.hold_cmd = optarg; break;
		case 'B': opt.pre_cmd = optarg; break;
		default: usage();
		}
	}
	if (!opt.size_mb || opt.procs < 1 || opt.passes < 1 ||
	    opt.random_pct < 0 || opt.random_pct > 100 || optind != argc ||
	    (opt.hold_cmd && opt.procs != 1) || (opt.pre_cmd && !opt.hold_cmd))
		usage();

	t0 = now_ms();
	if (opt.procs == 1) {
		rc = run_one(0, opt.size_mb, &total);
	} else {
		unsigned long each = opt.size_mb / opt.procs;
		int fds[2];

		if (pipe(fds))
			return 2;
		for (int i = 0; i < opt.procs; i++) {
			pid_t pid = fork();

			if (pid < 0) {
				fprintf(stderr, "usemem: fork: %s\n", strerror(errno));
				return 2;
			}
			if (pid == 0) {
				struct result r = { 0 };
				int crc = run_one(i, each, &r);

				if (write(fds[1], &r, sizeof(r)) != sizeof(r))
					crc = 2;
				_exit(crc);
			}
		}
		close(fds[1]);
		for (int i = 0; i < opt.procs; i++) {
			int status;

			if (wait(&status) < 0)
				break;
			if (!WIFEXITED(status)) {
				fprintf(stderr, "usemem: a worker was killed (signal %d)\n",
					WIFSIGNALED(status) ? WTERMSIG(status) : 0);
				rc = 2;
			} else if (WEXITSTATUS(status) > rc) {
				rc = WEXITSTATUS(status);
			}
		}
		for (int i = 0; i < opt.procs; i++) {
			struct result r;

			if (read(fds[0], &r, sizeof(r)) != sizeof(r)) {
				rc = rc ? rc : 2;
				break;
			}
			total.bad += r.bad;
			if (r.fill_ms > total.fill_ms)
				total.fill_ms = r.fill_ms;
			if (r.verify_ms > total.verify_ms)
				total.verify_ms = r.verify_ms;
			if (r.free_ms > total.free_ms)
				total.free_ms = r.free_ms;
		}
	}
	wall = now_ms() - t0;
	getrusage(opt.procs == 1 ? RUSAGE_SELF : RUSAGE_CHILDREN, &ru);

	printf("usemem: size_mb=%lu procs=%d random_pct=%d zero=%d thp=%d shmem=%d fork=%d"
	       " fill_ms=%.0f verify_ms=%.0f free_ms=%.1f wall_ms=%.0f"
	       " user_ms=%.0f sys_ms=%.0f fill_kbps=%.0f bad_pages=%lu result=%s\n",
	       opt.size_mb, opt.procs, opt.random_pct, opt.zero, opt.thp, opt.shmem,
	       opt.fork, total.fill_ms, total.verify_ms, total.free_ms, wall,
	       ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3,
	       ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3,
	       total.fill_ms > 0 ? (opt.size_mb * 1024.0) / (total.fill_ms / 1e3) : 0,
	       total.bad, rc == 0 ? "ok" : rc == 1 ? "CORRUPT" : "ENOMEM");
	if (opt.hold_cmd) {
		printf("usemem: hold_rss_kb=%lu hold_swap_kb=%lu cmd_ms=%.1f cmd_rc=%d",
		       hold.rss_kb, hold.swap_kb, hold.cmd_ms, hold.cmd_rc);
		if (opt.pre_cmd)
			printf(" pre_rc=%d", hold.pre_rc);
		printf("\n");
	}
	return rc;
}
