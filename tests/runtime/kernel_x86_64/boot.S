/* Minimal x86_64 boot for the kernel-mode runtime test: QEMU loads the flat image through the
 * multiboot "a.out kludge" (its multiboot loader refuses ELF64), enters here in 32-bit
 * protected mode; we identity-map the first GiB with 2 MiB pages, enter long mode and call
 * kernel_main. Its return value goes to the isa-debug-exit port (QEMU exits with 2*v+1). */
        .section .multiboot, "a"
        .align 4
mb_header:
        .long 0x1BADB002
        .long 0x00010000                    /* flags: the a.out kludge addresses below */
        .long -(0x1BADB002 + 0x00010000)
        .long mb_header
        .long _load_start
        .long _load_end
        .long _bss_end
        .long _start32

        .text
        .code32
        .global _start32
_start32:
        cli
        mov $stack_top, %esp
        mov $pdpt, %eax
        or $3, %eax
        mov %eax, pml4
        mov $pd, %eax
        or $3, %eax
        mov %eax, pdpt
        xor %ecx, %ecx
1:      mov %ecx, %eax
        shl $21, %eax
        or $0x83, %eax                      /* present, writable, 2 MiB page */
        mov %eax, pd(,%ecx,8)
        inc %ecx
        cmp $512, %ecx
        jne 1b
        mov $pml4, %eax
        mov %eax, %cr3
        mov %cr4, %eax
        or $0x20, %eax                      /* PAE */
        mov %eax, %cr4
        mov $0xC0000080, %ecx               /* EFER.LME */
        rdmsr
        or $0x100, %eax
        wrmsr
        mov %cr0, %eax
        or $0x80000001, %eax                /* PG | PE */
        mov %eax, %cr0
        lgdt gdt_ptr
        ljmp $0x08, $long_mode

        .code64
long_mode:
        mov $0x10, %ax
        mov %ax, %ds
        mov %ax, %es
        mov %ax, %ss
        mov $stack_top, %rsp
        call kernel_main
        mov $0xf4, %dx
        out %eax, %dx
2:      hlt
        jmp 2b

        .section .rodata
        .align 8
gdt:
        .quad 0
        .quad 0x00AF9A000000FFFF            /* 64-bit code */
        .quad 0x00CF92000000FFFF            /* data */
gdt_end:
gdt_ptr:
        .word gdt_end - gdt - 1
        .long gdt

        .section .bss
        .align 4096
pml4:   .skip 4096
pdpt:   .skip 4096
pd:     .skip 4096
        .skip 16384
stack_top:
        .section .note.GNU-stack, "", @progbits
