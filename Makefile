# SPDX-License-Identifier: GPL-2.0
# vswap workbench: the front door.  `make help` lists the targets.
#
# Variables:
#   VARIANT=vswap|novswap|base   which kernel (default vswap; `make test`
#                                boots vswap and novswap unless it is given)
#   PROFILE=test|bench|kasan|kcsan config profile for `make kernel` (default test)
#   KSRC=/path/to/linux-7.2      use an existing 7.2 tree as the base
#   ACCEL=tcg|icount|kvm         QEMU accelerator (default tcg; icount: guest
#                                time counts instructions; kvm hangs here)
#   V=1                          verbose: show the commands' output
#   FORCE=1                      `make tree`: set aside commits not in patches/
#   SANITIZE=1                   `make test`: KASAN + kmemleak kernels (PROFILE=kasan),
#                                the series, stress and alloc-faults plans (not in
#                                CI: too long)
#   DURATION=3600 VARIANTS=...   `make stress`: seconds per kernel; the kernels

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
# Whether VARIANT was given (`make test` boots only that kernel then).
export VARIANT_GIVEN := $(if $(VARIANT),1,0)
export VARIANT ?= vswap
export PROFILE ?= test
export V ?= 0
export KSRC ACCEL FORCE FROM DURATION VARIANTS SANITIZE

S := scripts

.PHONY: help deps base tree export kernel initramfs run test rate stress check bench clean distclean

help:
	@echo "Quick start:  make run    # build + boot the vswap kernel, zswap without a swapfile"
	@echo "              make test   # the full test suite; ends with 'N passed, N failed'"
	@echo
	@echo "  deps       install missing Debian packages"
	@echo "  base       fetch and verify the base kernel source (build/cache)"
	@echo "  tree       generate build/linux: base + patches/ as git commits"
	@echo "  export     write build/linux base..HEAD back to patches/"
	@echo "  kernel     build one kernel (VARIANT=$(VARIANT) PROFILE=$(PROFILE))"
	@echo "  initramfs  build the guest initramfs (busybox, workloads, kselftests)"
	@echo "  run        the main job: 1.5x RAM through zswap with no swap device"
	@echo "  test       KUnit + series kselftests + upstream swap selftests in QEMU"
	@echo "  rate       how often one kselftest's subtests fail (TEST=DIR:BINARY RUNS=5 SETUP=zswap-disk)"
	@echo "  stress     the stress-ng soak on vswap, novswap and base (DURATION=3600 s each, VARIANTS=...)"
	@echo "  check      checkpatch --strict on every patch, build each patch (FROM=REV: only REV..HEAD), the top in i386/MEMCG=n/MEMCG_V1, then make test SANITIZE=1 (SANITIZE=0: not)"
	@echo "  bench      base vs novswap vs vswap benchmarks (ROUNDS=5, SIZE=full|small)"
	@echo "  clean      remove kernel builds and logs (keeps build/linux and the cache)"
	@echo "  distclean  remove build/ entirely (refuses if build/linux has unexported work)"

deps:
	@$(S)/install-deps.sh

base: deps
	@$(S)/fetch-base.sh

tree: base
	@$(S)/make-tree.sh

export:
	@$(S)/export-series.sh

kernel: tree
	@$(S)/build-kernel.sh

initramfs: tree
	@$(S)/build-selftests.sh
	@$(S)/build-initramfs.sh

run: tree
	@$(S)/run-demo.sh

test: tree
	@$(S)/run-tests.sh

rate: tree
	@$(S)/run-rate.sh

stress: tree
	@$(S)/run-stress.sh

check: tree
	@$(S)/check-series.sh
	@$(S)/check-configs.sh
	@if [ "$${SANITIZE:-1}" = 1 ]; then SANITIZE=1 $(S)/run-tests.sh; else echo "==> SANITIZE=0: no sanitizer run"; fi

bench: tree
	@$(S)/run-bench.sh

clean:
	rm -rf build/kernel-* build/logs build/initramfs build/initramfs.cpio.gz build/selftests build/headers

distclean:
	@$(S)/distclean.sh
