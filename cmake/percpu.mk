# percpu.mk - percpu-ldgen and percpu-check for Make builds: the two steps of the CMake functions
# percpu_generate_linker_script() and percpu_check() (docs/make.md).
#
#   PERCPU_CPUS := 4
#   include $(shell pkg-config --variable=makefile percpu)
#
#   build/kernel.percpu.ld: kernel.ld
#   	$(percpu_generate_linker_script)
#   build/kernel.elf: $(OBJS) build/kernel.percpu.ld
#   	$(CXX) $(LDFLAGS) -T build/kernel.percpu.ld -o $@ $(OBJS)
#   	$(percpu_check)
#
# percpu_generate_linker_script: writes $@ from the ordinary script $< (the first prerequisite).
# percpu_check: verifies $@; on a violation it prints the report, moves $@ to $@.rejected (a
# rejected kernel is never left where a boot script would pick it up, and the next `make` links
# and checks it again) and fails the recipe with the checker's exit code (1 rule failed, 2 bad
# input, 64 usage).
#
# Variables (set them before or after the include; all are read when a recipe runs):
#   PERCPU_CPUS          required: CPU count, decimal (the areas the script reserves, and what
#                        percpu-check expects)
#   PERCPU_VMA           zero (default) or delta
#   PERCPU_LDGEN_FLAGS   more percpu-ldgen options (--after NAME, --before NAME, ...)
#   PERCPU_CHECK_FLAGS   more percpu-check options (--format json, --profile ...)
#   PERCPU_LDGEN, PERCPU_CHECK   the tools; default: the ones installed beside this file
#                        (<prefix>/bin), else the ones on PATH

percpu_mk_dir := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
percpu_mk_bindir := $(abspath $(percpu_mk_dir)/../../bin)

PERCPU_LDGEN ?= $(if $(wildcard $(percpu_mk_bindir)/percpu-ldgen),$(percpu_mk_bindir)/percpu-ldgen,percpu-ldgen)
PERCPU_CHECK ?= $(if $(wildcard $(percpu_mk_bindir)/percpu-check),$(percpu_mk_bindir)/percpu-check,percpu-check)
PERCPU_VMA ?= zero
PERCPU_LDGEN_FLAGS ?=
PERCPU_CHECK_FLAGS ?=

# Decimal only, the same rule as the tools' --cpus: stops Make with the variable's name.
percpu_cpus = $(if $(shell printf '%s' '$(PERCPU_CPUS)' | grep -Ex '[0-9]+'),$(PERCPU_CPUS),$(error percpu.mk: PERCPU_CPUS must be a decimal CPU count, got '$(PERCPU_CPUS)'))

define percpu_generate_linker_script
$(PERCPU_LDGEN) $< --cpus $(percpu_cpus) --vma $(PERCPU_VMA) $(PERCPU_LDGEN_FLAGS) -o $@
endef

define percpu_check
$(PERCPU_CHECK) $@ --cpus $(percpu_cpus) $(PERCPU_CHECK_FLAGS) || { rc=$$?; mv -f $@ $@.rejected; echo "percpu.mk: percpu-check failed on $@ (exit $$rc); moved to $@.rejected" >&2; exit $$rc; }
endef
