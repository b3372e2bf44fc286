/* platform.h - constants the corpus template includes, as a kernel's <asm/...> headers would. */
#ifndef PLATFORM_H
#define PLATFORM_H
#define KERNEL_PHYS 0x200000
#define PAGE_SIZE 4096
#define CACHELINE 64
/* Sections cpp expands, as kernels' RO_DATA() and friends do. */
#define RO_DATA(align) \
	. = ALIGN(align); \
	.rodata : AT(ADDR(.rodata)) { *(.rodata .rodata.*) *(.eh_frame) }
#define DISCARDS /DISCARD/ : { *(.comment) *(.note*) }
#endif
