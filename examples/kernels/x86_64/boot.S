/* x86_64 entry for `qemu-system-x86_64 -smp 4 -kernel kernel.bin` (SeaBIOS's multiboot loader).
 * QEMU's multiboot loader refuses ELF64, so the kernel is the flat binary of kernel.elf
 * (objcopy -O binary) with a multiboot header using the "a.out kludge" addresses; the boot CPU
 * enters _start32 in 32-bit protected mode. It identity-maps the first 4 GiB with 2 MiB pages
 * (RAM and the local APIC at 0xFEE00000), enters long mode and calls example_boot_cpu.
 * The other CPUs are started by platform.cpp with INIT-SIPI-SIPI at the real-mode trampoline
 * below, which it copies to TRAMPOLINE (below 1 MiB); each then switches to long mode on the
 * same page tables and calls example_secondary_cpu(its local APIC id). */
#define STACK_SIZE 16384
#define TRAMPOLINE 0x7000                   /* SIPI vector 0x07; QEMU's multiboot info is at 0x9000 */
#define T(sym) (TRAMPOLINE + ((sym) - ap_trampoline_start))

/* 32-bit protected mode -> long mode on the identity map: PAE, CR3, EFER.LME, paging, the
 * 64-bit GDT. The caller then far-jumps to 0x08:<64-bit code>. No stack: APs run it in parallel. */
        .macro  ENTER_LONG_MODE
        mov     %cr4, %eax
        or      $0x20, %eax
        mov     %eax, %cr4
        mov     $pml4, %eax
        mov     %eax, %cr3
        mov     $0xC0000080, %ecx
        rdmsr
        or      $0x100, %eax
        wrmsr
        mov     %cr0, %eax
        or      $0x80000001, %eax
        mov     %eax, %cr0
        lgdt    gdt_ptr
        .endm

        .section .multiboot, "a"
        .align 4
mb_header:
        .long 0x1BADB002
        .long 0x00010000                    /* flags: the a.out kludge addresses below */
        .long -(0x1BADB002 + 0x00010000)
        .long mb_header                     /* header_addr (the image starts with this header) */
        .long mb_header                     /* load_addr */
        .long 0                             /* load_end_addr: the whole file */
        .long 0                             /* bss_end_addr: none (boot clears .bss) */
        .long _start32

        .text
        .code32
        .global _start32
_start32:
        cli
        cld
        mov     $__bss_start, %edi          /* before anything in .bss is used */
        mov     $__bss_end, %ecx
        sub     %edi, %ecx
        xor     %eax, %eax
        rep stosb
        /* pml4[0] -> pdpt; pdpt[0..3] -> pd (4 pages); pd: 2048 x 2 MiB */
        mov     $pdpt, %eax
        or      $3, %eax
        mov     %eax, pml4
        xor     %ecx, %ecx
1:      mov     %ecx, %eax
        shl     $12, %eax
        add     $pd, %eax
        or      $3, %eax
        mov     %eax, pdpt(,%ecx,8)
        inc     %ecx
        cmp     $4, %ecx
        jne     1b
        xor     %ecx, %ecx
2:      mov     %ecx, %eax
        shl     $21, %eax
        or      $0x83, %eax                 /* present, writable, 2 MiB page */
        mov     %eax, pd(,%ecx,8)
        mov     %ecx, %eax
        shr     $11, %eax                   /* bits 32+ of the physical address */
        mov     %eax, pd+4(,%ecx,8)
        inc     %ecx
        cmp     $2048, %ecx
        jne     2b
        ENTER_LONG_MODE
        ljmp    $0x08, $bsp_long_mode

        .code64
bsp_long_mode:
        mov     $(stacks + STACK_SIZE), %rsp
        /* The IDT's gates point at vectors[i]: split each address into the gate's three fields. */
        mov     $idt, %rdi
        mov     $vectors, %rax
        mov     $32, %ecx
3:      mov     %ax, (%rdi)
        mov     %rax, %rdx
        shr     $16, %rdx
        mov     %dx, 6(%rdi)
        shr     $16, %rdx
        mov     %edx, 8(%rdi)
        add     $16, %rax
        add     $16, %rdi
        loop    3b
        call    load_segments
        call    example_boot_cpu
        jmp     park

ap_long_mode:
        mov     $1, %eax
        cpuid
        shr     $24, %ebx                   /* local APIC id = CPU index on QEMU */
        mov     %rbx, %rdi
        cmp     $EXAMPLE_CPUS, %rdi
        jae     park
        lea     1(%rbx), %rax
        imul    $STACK_SIZE, %rax
        add     $stacks, %rax
        mov     %rax, %rsp
        call    load_segments
        call    example_secondary_cpu
park:
        cli
        hlt
        jmp     park

load_segments:
        mov     $0x10, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        xor     %eax, %eax
        mov     %ax, %fs
        mov     %ax, %gs                    /* GS_BASE is written by wrmsr, not by a selector */
        lea     idt_ptr(%rip), %rax
        lidt    (%rax)
        ret

/* Every exception (none is expected) reports its vector and ends the run. The storm kernel's
 * IDT reuses these 32 stubs of 16 bytes (storm_platform.cpp). */
        .balign 16
        .global vectors
vectors:
        .set    vector, 0
        .rept   32
        .balign 16
        push    $vector
        jmp     trap_common
        .set    vector, vector + 1
        .endr
trap_common:
        pop     %rdi                        /* vector */
        mov     (%rsp), %rsi                /* rip, or the error code for vectors 8, 10-14, 17 */
        mov     %cr2, %rdx
        mov     $trap_stack_top, %rsp
        call    example_trap
        jmp     park

/* Real-mode start of the other CPUs; runs at TRAMPOLINE, so every address in it is T(...). */
        .section .rodata
        .code16
        .balign 16
        .global ap_trampoline_start, ap_trampoline_end
ap_trampoline_start:
        cli
        xor     %ax, %ax
        mov     %ax, %ds
        lgdtl   T(tramp_gdt_ptr)
        mov     %cr0, %eax
        or      $1, %eax
        mov     %eax, %cr0
        ljmpl   $0x08, $T(ap32)
        .code32
ap32:
        mov     $0x10, %ax
        mov     %ax, %ds
        mov     %ax, %ss
        ENTER_LONG_MODE
        ljmp    $0x08, $ap_long_mode
        .balign 8
tramp_gdt:
        .quad   0
        .quad   0x00CF9A000000FFFF          /* 32-bit code */
        .quad   0x00CF92000000FFFF          /* data */
tramp_gdt_ptr:
        .word   tramp_gdt_ptr - tramp_gdt - 1
        .long   T(tramp_gdt)
ap_trampoline_end:

        .balign 8
gdt:
        .quad   0
        .quad   0x00AF9A000000FFFF          /* 64-bit code */
        .quad   0x00CF92000000FFFF          /* data */
gdt_ptr:
        .word   gdt_ptr - gdt - 1
        .quad   gdt

        .data
        .balign 16
idt:                                        /* 32 interrupt gates; bsp_long_mode fills the offsets */
        .rept   32
        .word   0, 0x08, 0x8E00, 0
        .long   0, 0
        .endr
idt_ptr:
        .word   idt_ptr - idt - 1
        .quad   idt

        .section .bss.stacks, "aw", @nobits
        .balign 4096
stacks:
        .skip   STACK_SIZE * EXAMPLE_CPUS
        .skip   1024
trap_stack_top:
        .section .bss.page_tables, "aw", @nobits
        .balign 4096
pml4:   .skip   4096
pdpt:   .skip   4096
pd:     .skip   4 * 4096
        .section .note.GNU-stack, "", @progbits
