/* A preprocessed kernel script (.lds.S) in the Linux style: macros and #include-like helpers are
   expanded by cpp first: cpp -P -undef -D__ASSEMBLY__ arch-kernel.lds.S | percpu-ldgen - ... */
#define PAGE_SIZE 4096
#define KERNEL_LOAD 0x80200000
#define RO_DATA(align) . = ALIGN(align); .rodata : { *(.rodata .rodata.*) }
#define BSS_SECTION(align) . = ALIGN(align); .bss : { *(.sbss .sbss.*) *(.bss .bss.*) *(COMMON) }

ENTRY(_start)
SECTIONS
{
	. = KERNEL_LOAD;
	.text : { *(.text .text.*) }
	RO_DATA(PAGE_SIZE)
	.data : { *(.data .data.*) *(.sdata .sdata.*) }
#ifdef CONFIG_DEBUG_SECTIONS
	.debug_info 0 : { *(.debug_info) }
#endif
	BSS_SECTION(PAGE_SIZE)
	/DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}
