/* riscv64 trap vector of the interrupt-storm kernel (common/storm.cpp), installed in mtvec
 * (direct mode) by storm::cpu_setup. M-mode, no privilege change: the handler runs on the
 * interrupted code's stack (the RISC-V psABI has no red zone). It saves every caller-saved
 * integer register and calls storm_interrupt(mcause) for an interrupt (mcause bit 63), then
 * restores and returns with mret; anything else goes to boot.S's trap_entry (example_trap).
 * gp (the per-CPU register) and tp are left alone: the handler uses the same CPU's gp. */
        .section .text, "ax"
        .balign 4
        .global storm_trap_entry
storm_trap_entry:
        addi    sp, sp, -128
        sd      ra, 0(sp)
        sd      t0, 8(sp)
        sd      t1, 16(sp)
        sd      t2, 24(sp)
        sd      a0, 32(sp)
        sd      a1, 40(sp)
        sd      a2, 48(sp)
        sd      a3, 56(sp)
        sd      a4, 64(sp)
        sd      a5, 72(sp)
        sd      a6, 80(sp)
        sd      a7, 88(sp)
        sd      t3, 96(sp)
        sd      t4, 104(sp)
        sd      t5, 112(sp)
        sd      t6, 120(sp)
        csrr    a0, mcause
        bgez    a0, 1f                  /* an exception, not an interrupt */
        call    storm_interrupt
        ld      ra, 0(sp)
        ld      t0, 8(sp)
        ld      t1, 16(sp)
        ld      t2, 24(sp)
        ld      a0, 32(sp)
        ld      a1, 40(sp)
        ld      a2, 48(sp)
        ld      a3, 56(sp)
        ld      a4, 64(sp)
        ld      a5, 72(sp)
        ld      a6, 80(sp)
        ld      a7, 88(sp)
        ld      t3, 96(sp)
        ld      t4, 104(sp)
        ld      t5, 112(sp)
        ld      t6, 120(sp)
        addi    sp, sp, 128
        mret
1:      j       trap_entry              /* boot.S: mcause, mepc, mtval to example_trap */
