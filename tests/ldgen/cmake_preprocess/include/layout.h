/* layout.h - included by kernel.lds.S through the target's include directories. */
#define PAGE_SIZE 4096
#define TRACE_SECTIONS *(.trace .trace.*)
