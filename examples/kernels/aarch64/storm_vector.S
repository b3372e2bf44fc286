/* aarch64 vector table of the interrupt-storm kernel (common/storm.cpp), EL1, installed in
 * VBAR_EL1 by storm::cpu_setup. An IRQ from the current EL (SP_EL1, offset 0x280) saves every
 * caller-saved register on the interrupted code's stack (AAPCS64 has no red zone), calls
 * storm_interrupt(0) (the GIC says which interrupt it is), restores and returns with eret; ELR
 * and SPSR need no saving, nothing in the handler takes an exception. Every other vector goes to
 * boot.S's trap_common (ESR/ELR/FAR through example_trap, end of the run). eret clears the
 * exclusive monitor, so an interrupted ldxr/stxr sequence retries. */
        .section .text, "ax"
        .balign 2048
        .global storm_vectors
storm_vectors:
        .rept   5
        .balign 0x80
        b       storm_unexpected
        .endr
        .balign 0x80                    /* 0x280: IRQ, current EL with SP_ELx */
        b       storm_irq
        .rept   10
        .balign 0x80
        b       storm_unexpected
        .endr

storm_irq:
        sub     sp, sp, #176
        stp     x0, x1, [sp, #0]
        stp     x2, x3, [sp, #16]
        stp     x4, x5, [sp, #32]
        stp     x6, x7, [sp, #48]
        stp     x8, x9, [sp, #64]
        stp     x10, x11, [sp, #80]
        stp     x12, x13, [sp, #96]
        stp     x14, x15, [sp, #112]
        stp     x16, x17, [sp, #128]
        stp     x18, x29, [sp, #144]
        str     x30, [sp, #160]
        mov     x0, #0
        bl      storm_interrupt
        ldp     x0, x1, [sp, #0]
        ldp     x2, x3, [sp, #16]
        ldp     x4, x5, [sp, #32]
        ldp     x6, x7, [sp, #48]
        ldp     x8, x9, [sp, #64]
        ldp     x10, x11, [sp, #80]
        ldp     x12, x13, [sp, #96]
        ldp     x14, x15, [sp, #112]
        ldp     x16, x17, [sp, #128]
        ldp     x18, x29, [sp, #144]
        ldr     x30, [sp, #160]
        add     sp, sp, #176
        eret

storm_unexpected:                       /* boot.S: ESR/ELR/FAR to example_trap, end of the run */
        b       trap_common
