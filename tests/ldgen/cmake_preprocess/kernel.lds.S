/* kernel.lds.S - expanded by percpu_generate_linker_script(... PREPROCESS) with the target's
   compile definitions (KERNEL_BASE, CONFIG_TRACE) and include directories (layout.h). */
#include "layout.h"
ENTRY(_start)
SECTIONS
{
	. = KERNEL_BASE;
	.text : { *(.text .text.*) }
	. = ALIGN(PAGE_SIZE);
	.rodata : { *(.rodata .rodata.*) }
	.data : {
		*(.data .data.*)
#ifdef CONFIG_TRACE
		TRACE_SECTIONS
#endif
	}
	.bss : { *(.bss .bss.*) *(COMMON) }
	/DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}
