/* kernel.lds.S - a C-preprocessor template: cpp -P -undef -D__ASSEMBLY__ -Iinclude expands it. */
#include "platform.h"

#ifdef CONFIG_X86_64
OUTPUT_FORMAT(elf64-x86-64)
#endif
ENTRY(_start)

SECTIONS
{
	. = KERNEL_PHYS;
	.text : AT(ADDR(.text)) {
		_stext = .;
		*(.text .text.*)
		_etext = .;
	}
	RO_DATA(PAGE_SIZE)
	. = ALIGN(PAGE_SIZE);
	.data : AT(ADDR(.data)) {
		_sdata = .;
		*(.data .data.*)
#ifdef CONFIG_TRACE
		*(.trace.data)
#endif
		. = ALIGN(CACHELINE);
		_edata = .;
	}
	.bss : AT(ADDR(.bss)) {
		__bss_start = .;
		*(.bss .bss.*) *(COMMON)
		__bss_stop = .;
	}
	_end = .;
	DISCARDS
}
