/* x86_64 interrupt entries of the interrupt-storm kernel (common/storm.cpp); storm::cpu_setup
 * builds an IDT of them and loads it on every CPU. The local APIC timer (vector 0x40) enters
 * storm_timer_entry at ring 0 on the interrupted code's stack (the kernel is built with
 * -mno-red-zone): it saves every caller-saved register, calls storm_interrupt(0x40) and returns
 * with iretq. The spurious vector (0xff) returns at once (no EOI, as the SDM says). The 32
 * exceptions report their vector through example_trap and end the run. */
#define TIMER_VECTOR 0x40

        .text
        .code64
        .global storm_timer_entry, storm_spurious_entry, storm_exception_stubs
storm_timer_entry:                          /* the CPU aligned rsp to 16, then pushed 5 words */
        push    %rax
        push    %rcx
        push    %rdx
        push    %rsi
        push    %rdi
        push    %r8
        push    %r9
        push    %r10
        push    %r11                        /* 14 words: rsp is 16-byte aligned for the call */
        cld
        mov     $TIMER_VECTOR, %edi
        call    storm_interrupt
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rdi
        pop     %rsi
        pop     %rdx
        pop     %rcx
        pop     %rax
        iretq

storm_spurious_entry:
        iretq

/* 32 stubs of 16 bytes: stub i pushes i. */
        .balign 16
storm_exception_stubs:
        .set    vector, 0
        .rept   32
        .balign 16
        push    $vector
        jmp     storm_exception_common
        .set    vector, vector + 1
        .endr
storm_exception_common:
        pop     %rdi                        /* vector */
        mov     (%rsp), %rsi                /* rip, or the error code for vectors 8, 10-14, 17 */
        mov     %cr2, %rdx
        mov     $storm_trap_stack_top, %rsp
        call    example_trap
1:      cli
        hlt
        jmp     1b

        .section .bss.storm_trap_stack, "aw", @nobits
        .balign 16
        .skip   1024
storm_trap_stack_top:
        .section .note.GNU-stack, "", @progbits
