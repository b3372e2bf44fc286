/* A static Linux program linked through an ldgen-injected script (--vma delta): the kernel's
   ELF loader maps CPU 0's area with the template's initial values, and the other areas as
   zeroed, writable memory. Exit status 0 = all true; bits say what failed. */
extern char _percpu_start[], _percpu_end[], _percpu_load_start[], _percpu_load_end[];

__attribute__((section(".percpu"))) volatile unsigned int pc_counter = 0x11223344u;
__attribute__((section(".percpu"), aligned(128))) volatile unsigned long long pc_big = 0x8877665544332211ull;

static void sys_exit(long code) {
#if defined(__x86_64__)
  __asm__ volatile("syscall" : : "a"(60L), "D"(code) : "rcx", "r11", "memory");
#elif defined(__aarch64__)
  register long x0 __asm__("x0") = code;
  register long x8 __asm__("x8") = 93;
  __asm__ volatile("svc 0" : : "r"(x0), "r"(x8) : "memory");
#elif defined(__riscv)
  register long a0 __asm__("a0") = code;
  register long a7 __asm__("a7") = 93;
  __asm__ volatile("ecall" : : "r"(a0), "r"(a7) : "memory");
#endif
  for (;;) {
  }
}

void _start(void) {
  long rc = 0;
  if (pc_counter != 0x11223344u || pc_big != 0x8877665544332211ull) rc |= 1;
  if (_percpu_start != _percpu_load_start) rc |= 2;
  for (volatile char* p = _percpu_load_end; p < _percpu_end; ++p) {
    if (*p != 0) rc |= 4;
    *p = 1;  /* writable */
  }
  if (((unsigned long)_percpu_start & 4095) != 0) rc |= 8;
  sys_exit(rc);
}
