/* x86_64 interrupt entries of the interrupt-storm kernel (common/storm.cpp); storm::cpu_setup
 * builds an IDT of them and loads it on every CPU. The local APIC timer (vector 0x40) enters
 * storm_timer_entry at ring 0 on the interrupted code's stack (the kernel is built with
 * -mno-red-zone): it saves every caller-saved register, calls storm_interrupt(0x40) and returns
 * with iretq. The spurious vector (0xff) returns at once (no EOI, as the SDM says). The 32
 * exceptions use boot.S's stubs (`vectors`: example_trap, end of the run). */
#define TIMER_VECTOR 0x40

        .text
        .code64
        .global storm_timer_entry, storm_spurious_entry
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

        .section .note.GNU-stack, "", @progbits
