/* riscv64 entry for QEMU `-M virt -bios none`: every hart starts here, in M-mode, at the first
 * byte of the image (0x80000000) with a0 = hart id. Hart 0 clears .bss and runs the boot path;
 * the others wait here, without touching memory other than the flag, until the boot CPU has
 * replicated the per-CPU template (example_release_cpus), then each takes its own stack.
 * gp is NOT the small-data pointer in this kernel: it is the per-CPU register (libpercpu), so
 * the code is built with -mno-relax and links with --no-relax. */
#define STACK_SIZE 16384

        .section .text.boot, "ax"
        .global _start
_start:
        csrw    mie, zero
        la      t0, trap_entry
        csrw    mtvec, t0
        li      t0, (1 << 13)           /* mstatus.FS = initial: the compiler may use FP regs */
        csrs    mstatus, t0
        li      t0, EXAMPLE_CPUS
        bgeu    a0, t0, park            /* more harts than reserved areas: never used */
        /* sp = the top of this hart's stack */
        la      sp, stacks
        addi    t0, a0, 1
        li      t1, STACK_SIZE
        mul     t0, t0, t1
        add     sp, sp, t0
        bnez    a0, secondary

        la      t0, __bss_start
        la      t1, __bss_end
1:      bgeu    t0, t1, 2f
        sd      zero, 0(t0)
        addi    t0, t0, 8
        j       1b
2:      call    example_boot_cpu
        j       park

secondary:
        la      t0, example_release_cpus
3:      lw      t1, 0(t0)
        beqz    t1, 3b
        fence   r, rw                   /* acquire: see the areas the boot CPU wrote */
        call    example_secondary_cpu   /* a0 = hart id = CPU index */
park:
        wfi
        j       park

        .align 2
        .global trap_entry              /* also the storm kernel's (storm_vector.S) */
trap_entry:
        csrr    a0, mcause
        csrr    a1, mepc
        csrr    a2, mtval
        la      sp, trap_stack_top
        call    example_trap
        j       park

        .section .bss.stacks, "aw", @nobits
        .balign 16
stacks:
        .skip   STACK_SIZE * EXAMPLE_CPUS
        .skip   1024
trap_stack_top:
