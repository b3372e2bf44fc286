/* aarch64 entry for QEMU `-M virt -cpu cortex-a57`: a bare ELF starts on CPU 0 at _start, at EL1
 * (or at EL2 with `-M virt,virtualization=on`; this kernel is then built with PERCPU_ARM_EL2=1
 * and keeps the per-CPU base in TPIDR_EL2). The other CPUs stay off until the boot CPU starts
 * them with PSCI CPU_ON at secondary_entry, with x0 = their CPU index (the context id).
 * The MMU stays off: RAM is then Device memory, so the code is built with -mstrict-align (no
 * unaligned access) and uses no exclusive load/store (-mno-outline-atomics, no atomic RMW). */
#define STACK_SIZE 16384

#if PERCPU_ARM_EL2
#define EXPECTED_EL 2
#define VBAR_ELx vbar_el2
#define ESR_ELx esr_el2
#define ELR_ELx elr_el2
#define FAR_ELx far_el2
#else
#define EXPECTED_EL 1
#define VBAR_ELx vbar_el1
#define ESR_ELx esr_el1
#define ELR_ELx elr_el1
#define FAR_ELx far_el1
#endif

/* A register = the address of sym, from anywhere in the +-4 GiB around the code. */
        .macro  adr_l reg, sym
        adrp    \reg, \sym
        add     \reg, \reg, :lo12:\sym
        .endm

/* Cause reported by example_trap when the kernel runs at another exception level than built for. */
#define WRONG_EL_CAUSE 0xE1

        .section .text.boot, "ax"
        .global _start
_start:
        msr     daifset, #0xf
        adr_l   x9, stacks + STACK_SIZE
        mov     sp, x9
        mrs     x9, CurrentEL           /* first: the other level's system registers would trap */
        lsr     x9, x9, #2
        cmp     x9, #EXPECTED_EL
        b.ne    wrong_el
        adr_l   x9, vectors
        msr     VBAR_ELx, x9
        isb
#if EXAMPLE_ROM
        /* kernel-rom.ld: .data is stored in flash; copy it to RAM (the per-CPU template is not
         * copied here: percpu::init() copies it from _percpu_image into every area). */
        adr_l   x9, __data_start
        adr_l   x10, __data_end
        adr_l   x11, __data_load
3:      cmp     x9, x10
        b.hs    4f
        ldp     x12, x13, [x11], #16
        stp     x12, x13, [x9], #16
        b       3b
4:
#endif
        adr_l   x9, __bss_start
        adr_l   x10, __bss_end
1:      cmp     x9, x10
        b.hs    2f
        stp     xzr, xzr, [x9], #16
        b       1b
2:      bl      example_boot_cpu
        b       park

        .global secondary_entry
secondary_entry:                        /* x0 = CPU index (PSCI context id) */
        msr     daifset, #0xf
        adr_l   x9, vectors
        msr     VBAR_ELx, x9
        isb
        adr_l   x9, stacks
        add     x10, x0, #1
        mov     x11, #STACK_SIZE
        madd    x9, x10, x11, x9
        mov     sp, x9
        bl      example_secondary_cpu
park:
        wfe
        b       park

wrong_el:
        mov     x0, #WRONG_EL_CAUSE
        mrs     x1, CurrentEL
        lsr     x2, x1, #2
        adr_l   x1, _start
        bl      example_trap
        b       park

/* Every exception (none is expected) reports its syndrome and ends the run. */
        .balign 2048
vectors:
        .rept   16
        .balign 0x80
        b       trap_common
        .endr
        .global trap_common             /* also the storm kernel's (storm_vector.S) */
trap_common:
        mrs     x0, ESR_ELx
        mrs     x1, ELR_ELx
        mrs     x2, FAR_ELx
        adr_l   x9, trap_stack_top
        mov     sp, x9
        bl      example_trap
        b       park

        .section .bss.stacks, "aw", @nobits
        .balign 16
stacks:
        .skip   STACK_SIZE * EXAMPLE_CPUS
        .skip   1024
trap_stack_top:
